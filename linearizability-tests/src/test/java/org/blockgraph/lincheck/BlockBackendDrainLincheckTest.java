package org.blockgraph.lincheck;

import static org.blockgraph.lincheck.Scenarios.call;

import java.util.List;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.StateRepresentation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.junit.jupiter.api.Test;

/**
 * BlockBackend I/O while draining (spec/drain {@code BlkSubmit}, {@code BlkPark}, {@code BlkUnpark},
 * {@code DrainedBegin}, {@code DrainPollDone}, {@code DrainedEnd}, {@code DrainAllBegin}, {@code DrainAllEnd}).
 * Guest reads and writes of single cells run on I/O threads against one BlockBackend on a two-cell disk; the
 * control thread runs drained sections (of the node, and drain_all). Sequential specification: a map of cell
 * contents plus a quiesce state that is "not drained" between operations and "drained and quiet" inside a section,
 * so a section sees no request in flight and no cell change while it lasts, and a write that arrives during a
 * section parks and takes effect after it (it linearizes after the section's end).
 *
 * <p>Not linearizable, so not operations here: requests over several cells. A disk promises no atomicity across
 * sectors (neither does QEMU): a two-cell write concurrent with single-cell reads can be seen half done. A
 * drained section has no begin/end split here either: Lincheck's threads must all finish, and a write parked by
 * a section whose end is not in the scenario would wait forever; a section is one control operation that begins,
 * observes and ends.
 *
 * <p>Broken twin: a drain that quiesces the BlockBackend (new requests park) but does not poll for requests already
 * in flight ({@code bdrv_drained_begin_nopoll} where a polling drain was needed). Lincheck must fail.
 */
@Param(name = "cell", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "1:2")
public class BlockBackendDrainLincheckTest {
    private final BlockGraph graph = new BlockGraph();
    private final CellDriver cells = new CellDriver(2);
    private final Node disk = graph.addNode("disk", cells);
    private final BlockBackend blk = BlockBackend.create(graph, "vda", disk,
            Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
            Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit());

    /** The twin's planted bug; a method rather than a constructor flag because JUnit wants one constructor. */
    boolean noPollDrain() {
        return false;
    }

    @Operation
    public void write(@Param(name = "cell") int cell, @Param(name = "value") int value) {
        blk.write(cell, new byte[] {(byte) value});
    }

    @Operation
    public int read(@Param(name = "cell") int cell) {
        return blk.read(cell, 1)[0];
    }

    /** A drained section of the node: what it sees between its begin and its end. */
    @Operation(nonParallelGroup = "control")
    public String drainedSection() {
        if (noPollDrain()) {
            graph.controlLock().lock();
            try {
                blk.drainedBegin(blk.rootEdge());
                try {
                    return observeQuiet();
                } finally {
                    blk.drainedEnd(blk.rootEdge());
                }
            } finally {
                graph.controlLock().unlock();
            }
        }
        graph.drainedBegin(disk);
        try {
            return observeQuiet();
        } finally {
            graph.drainedEnd(disk);
        }
    }

    /** A drain_all section: the same promise for every node. */
    @Operation(nonParallelGroup = "control")
    public String drainAllSection() {
        graph.drainAllBegin();
        try {
            return observeQuiet();
        } finally {
            graph.drainAllEnd();
        }
    }

    /**
     * Contents twice, with the node's in-flight count: "busy" or "changed" mean a request ran inside the section.
     * The BlockBackend's own counter is not looked at: a request about to park holds its in-flight reference for a
     * moment (it must, for the Dekker pair with the drain) and drops it before it goes anywhere near the node.
     */
    private String observeQuiet() {
        String first = cells.contents();
        boolean quiet = disk.inFlight() == 0;
        String second = cells.contents();
        if (!quiet) {
            return "busy";
        }
        return first.equals(second) ? first : "changed";
    }

    @Validate
    public void drainInvariants() {
        List<String> broken = DrainInvariants.all(graph, List.of(blk));
        if (!broken.isEmpty()) {
            throw new AssertionError(String.join("; ", broken));
        }
        if (blk.quiesceCounter() != 0 || blk.parkedRequests() != 0 || blk.inFlight() != 0) {
            throw new AssertionError("after the scenario: " + blk.drainState());
        }
    }

    @StateRepresentation
    public String state() {
        return "cells=" + cells.contents() + " disk.qc=" + disk.quiesceCounter() + " disk.inFlight="
                + disk.inFlight() + " vda[" + blk.drainState() + "]";
    }

    /** The sequential machine: two cells, and sections that see them unchanged and nothing in flight. */
    public static class Spec {
        private final int[] cells = new int[2];

        public void write(int cell, int value) {
            cells[cell] = value;
        }

        public int read(int cell) {
            return cells[cell];
        }

        public String drainedSection() {
            return "" + cells[0] + cells[1];
        }

        public String drainAllSection() {
            return drainedSection();
        }
    }

    /** The broken twin: a drain that does not wait for requests already in flight. */
    public static class NoPollDrain extends BlockBackendDrainLincheckTest {
        @Override
        boolean noPollDrain() {
            return true;
        }
    }

    @Test
    void modelChecking() {
        LinChecker.check(BlockBackendDrainLincheckTest.class, Budget.modelChecking(Spec.class, 2, 3));
    }

    @Test
    void stress() {
        LinChecker.check(BlockBackendDrainLincheckTest.class, Budget.stress(Spec.class, 2, 3));
    }

    @Test
    void brokenTwinFails() {
        Twins.assertCaught("BlockBackendDrain", () -> LinChecker.check(NoPollDrain.class, Budget.twinOn(
                Spec.class, Scenarios.scenario(NoPollDrain.class,
                        List.of(),
                        List.of(List.of(call("drainedSection")), List.of(call("write", 1, 1))),
                        List.of()))));
    }
}
