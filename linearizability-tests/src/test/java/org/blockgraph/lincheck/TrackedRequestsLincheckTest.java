package org.blockgraph.lincheck;

import static org.blockgraph.lincheck.Scenarios.call;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.driver.FilterDriver;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.IoFlags;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.PermPair;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;
import org.blockgraph.io.BlockBackend;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.StateRepresentation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.junit.jupiter.api.Test;

/**
 * In-flight accounting and tracked / serialising requests on one node (reference §5.2; {@code Node}'s request
 * entry, {@code TrackedRequests}, {@link CopyOnReadDriver}). A guest BlockBackend on a {@code copy-on-read} filter
 * over {@code disk}, a one-cluster node of two one-byte cells over a fixed backing content ({@link Layered}); every
 * guest read is a copy-on-read, i.e. one serialising request on {@code disk} widened to the cluster, which copies
 * the cluster up from the backing when {@code disk} does not hold it all; guest writes are plain tracked requests
 * that must wait for an overlapping serialising one. The control thread runs drained sections of {@code disk}.
 *
 * <p>Sequential specification: per cell, the value {@code disk} holds and whether it holds it (allocated); a read
 * first copies the cluster up if not all of it is allocated (so what the guest sees does not change) and returns
 * the cell; a write sets and allocates its cell; a drained section sees no request in flight and no tracked request
 * on the node, and returns the contents with the allocation. So a write overtaken by a copy-up (lost: the cluster
 * written back with the value read before the write) shows as a read of the old value; a count of requests in
 * flight that is not zero between requests shows as "busy" in a section.
 *
 * <p>Not linearizable, so not operations: requests over several cells (no atomicity across sectors); a bare
 * {@code drainedBegin}/{@code drainedEnd} split (a request parked by a section whose end is not in the scenario
 * would wait forever; a section is one control operation, as in BlockBackendDrainLincheckTest). The number of
 * requests in flight is not an operation either: it is a count of requests that have not returned yet, which no
 * sequential history of whole requests has (it is 0 between operations); it is checked inside drained sections
 * and after the scenario instead.
 *
 * <p>Broken twin ({@link UnserialisedCopyUp}): a copy-on-read filter that copies up by itself, with a plain read of
 * the cluster and a write-back through its child, instead of asking the node below for one serialising request
 * (sequentially the same): a guest write between the read and the write-back is overwritten with the old data.
 */
@Param(name = "cell", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "1:2")
public class TrackedRequestsLincheckTest {
    /** What the backing chain below {@code disk} holds, cell by cell. */
    static final int[] BACKING = {7, 8};

    private final BlockGraph graph = new BlockGraph();
    private final Layered layered = new Layered();
    private final Node disk = graph.addNode("disk", layered);
    private final Node cor = graph.addNode("cor", copyOnRead(), Map.of("file", disk));
    private final BlockBackend blk = BlockBackend.create(graph, "vda", cor,
            Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
            Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit());

    /** The filter over {@code disk}; the twin plants its own. */
    BlockDriver copyOnRead() {
        return new CopyOnReadDriver();
    }

    @Operation
    public int read(@Param(name = "cell") int cell) {
        return blk.read(cell, 1)[0];
    }

    @Operation
    public void write(@Param(name = "cell") int cell, @Param(name = "value") int value) {
        blk.write(cell, new byte[] {(byte) value});
    }

    /** A drained section of {@code disk}: "busy" if a request is in flight or tracked there, else the contents. */
    @Operation(nonParallelGroup = "control")
    public String drainedSection() {
        graph.drainedBegin(disk);
        try {
            if (disk.inFlight() != 0 || disk.trackedRequests() != 0) {
                return "busy";
            }
            return layered.contents();
        } finally {
            graph.drainedEnd(disk);
        }
    }

    @Validate
    public void invariants() {
        List<String> broken = DrainInvariants.all(graph, List.of(blk));
        if (!broken.isEmpty()) {
            throw new AssertionError(String.join("; ", broken));
        }
        if (disk.inFlight() != 0 || disk.trackedRequests() != 0 || cor.inFlight() != 0 || blk.inFlight() != 0) {
            throw new AssertionError("requests left after the scenario: disk " + disk.inFlight() + "/"
                    + disk.trackedRequests() + ", cor " + cor.inFlight() + ", " + blk.drainState());
        }
    }

    @StateRepresentation
    public String state() {
        return layered.contents() + " inflight=" + disk.inFlight() + " tracked=" + disk.trackedRequests();
    }

    /** The sequential machine: cells, their allocation, and the backing below. */
    public static class Spec {
        private final int[] top = new int[2];
        private final boolean[] allocated = new boolean[2];

        private int visible(int cell) {
            return allocated[cell] ? top[cell] : BACKING[cell];
        }

        public int read(int cell) {
            if (!allocated[0] || !allocated[1]) {
                for (int c = 0; c < 2; c++) {
                    top[c] = visible(c);
                    allocated[c] = true;
                }
            }
            return visible(cell);
        }

        public void write(int cell, int value) {
            top[cell] = value;
            allocated[cell] = true;
        }

        public String drainedSection() {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < 2; c++) {
                sb.append(visible(c)).append(allocated[c] ? "+" : "-");
            }
            return sb.toString();
        }
    }

    /**
     * A node of two one-byte cells forming one cluster, over a backing content ({@link #BACKING}) it does not
     * hold until a cell is written: a cell reads its own value once allocated, the backing's before. The cluster
     * counts as allocated only when both cells are (so a copy-on-read copies it up whole). Each cell is stored
     * with a volatile access; a request over both is done cell by cell.
     */
    static final class Layered extends BlockDriver {
        private final AtomicIntegerArray top = new AtomicIntegerArray(2);
        private final AtomicIntegerArray allocated = new AtomicIntegerArray(2);

        @Override
        public String name() {
            return "layered";
        }

        @Override
        public List<String> childNames() {
            return List.of();
        }

        @Override
        public Role childRole(String childName) {
            return null;
        }

        @Override
        public long length(Node bs) {
            return 2;
        }

        @Override
        public long clusterSize(Node bs) {
            return 2;
        }

        @Override
        public boolean isAllocated(Node bs, long offset) {
            return allocated.get(0) == 1 && allocated.get(1) == 1;
        }

        @Override
        public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
            for (int i = 0; i < len; i++) {
                int c = (int) offset + i;
                buf[off + i] = (byte) (allocated.get(c) == 1 ? top.get(c) : BACKING[c]);
            }
        }

        @Override
        public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
            for (int i = 0; i < len; i++) {
                int c = (int) offset + i;
                top.set(c, buf[off + i]);
                allocated.set(c, 1);
            }
        }

        /** "7-8-" style: each cell's visible value and whether the node holds it. */
        String contents() {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < 2; c++) {
                boolean a = allocated.get(c) == 1;
                sb.append(a ? top.get(c) : BACKING[c]).append(a ? "+" : "-");
            }
            return sb.toString();
        }
    }

    /**
     * The twin's filter: copy-on-read done by the filter itself, a plain read of the cluster and a write-back
     * through its child, rather than one serialising request on the node below.
     */
    static final class UnserialisedCopyOnRead extends FilterDriver {
        UnserialisedCopyOnRead() {
            super("file");
        }

        @Override
        public String name() {
            return "copy-on-read-unserialised";
        }

        @Override
        public PermPair childPerm(Node bs, Role role, int perm, int shared) {
            int through = Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit();
            return new PermPair((perm & through) | Permission.WRITE_UNCHANGED.bit(),
                    (shared & through) | Permission.CONSISTENT_READ.bit() | Permission.WRITE_UNCHANGED.bit());
        }

        @Override
        public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
            Child file = bs.child("file");
            Node below = file.node();
            if (!below.driver().isAllocated(below, 0)) {
                byte[] cluster = new byte[2];
                file.read(0, cluster, 0, 2, flags);
                file.write(0, cluster, 0, 2, IoFlags.WRITE_UNCHANGED);
            }
            file.read(offset, buf, off, len, flags);
        }
    }

    /** The broken twin: the copy-up is a plain read and an unserialised write-back. */
    public static class UnserialisedCopyUp extends TrackedRequestsLincheckTest {
        @Override
        BlockDriver copyOnRead() {
            return new UnserialisedCopyOnRead();
        }
    }

    @Test
    void modelChecking() {
        LinChecker.check(TrackedRequestsLincheckTest.class, Budget.modelChecking(Spec.class, 2, 3));
    }

    @Test
    void stress() {
        LinChecker.check(TrackedRequestsLincheckTest.class, Budget.stress(Spec.class, 2, 3));
    }

    /** The twin on the one scenario its bug needs: a first read (a copy-up) against a write of the same cell. */
    @Test
    void brokenTwinFails() {
        Twins.assertCaught("TrackedRequests", () -> LinChecker.check(UnserialisedCopyUp.class, Budget.twinOn(
                Spec.class, Scenarios.scenario(UnserialisedCopyUp.class,
                        List.of(),
                        List.of(List.of(call("read", 1)), List.of(call("write", 0, 1))),
                        List.of(call("read", 0))))));
    }
}
