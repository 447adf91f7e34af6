package org.blockgraph.lincheck;

import static org.blockgraph.lincheck.Scenarios.call;

import java.util.List;
import java.util.Map;
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
 * Drain counters (spec/drain {@code DrainedBegin}, {@code DrainPollDone}, {@code DrainedEnd}, {@code DrainAllBegin},
 * {@code DrainAllEnd}; the counting rule {@code QuiesceCountInv} and {@code QuiescedParentInv}). A two-node graph,
 * {@code top} (a filter) over {@code base}, with a BlockBackend on {@code top}. Any Lincheck thread may begin and end
 * drained sections on either node, nested and unbalanced, each taking the control lock as the core requires; guest
 * writes run at the same time. The BlockBackend disables request queuing (as a job's does), so a drained section
 * left open at the end of a scenario parks nothing and the scenario always finishes; a drain still waits for
 * requests in flight, which complete through the other threads' operations.
 *
 * <p>Sequential specification: the counting rule. qc(base) = sections(base) + drain_all; qc(top) = sections(top) +
 * drain_all + [qc(base) &gt; 0]; the BlockBackend's counter is [qc(top) &gt; 0]. Each control operation returns the
 * three counters it left (or "none" when there was no section to end). All operations are linearizable: control
 * operations are serialised by the control lock, and a write is linearizable at any point of its run.
 *
 * <p>Broken twin: {@code drainedEnd} checks that a section exists outside the control lock and then ends it (a
 * check-then-act): two threads ending the last section both pass the check, and the second fails.
 */
@Param(name = "node", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "1:2")
public class DrainCountersLincheckTest {
    private final BlockGraph graph = new BlockGraph();
    private final CellDriver cells = new CellDriver(1);
    private final Node base = graph.addNode("base", cells);
    private final Node top = graph.addNode("top", new PassFilter(), Map.of("file", base));
    private final BlockBackend blk = BlockBackend.create(graph, "vda", top,
            Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
            Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit());

    {
        blk.setDisableRequestQueuing(true);
    }

    /** The twin's planted bug (a method: JUnit wants one constructor). */
    boolean checkOutsideLock() {
        return false;
    }

    private Node node(int i) {
        return i == 0 ? base : top;
    }

    @Operation
    public void write(@Param(name = "value") int value) {
        blk.write(0, new byte[] {(byte) value});
    }

    @Operation
    public String drainedBegin(@Param(name = "node") int node) {
        graph.controlLock().lock();
        try {
            graph.drainedBegin(node(node));
            return counters();
        } finally {
            graph.controlLock().unlock();
        }
    }

    @Operation
    public String drainedEnd(@Param(name = "node") int node) {
        Node n = node(node);
        if (checkOutsideLock()) {
            if (n.drainedSections() == 0) {
                return "none";
            }
            graph.drainedEnd(n);
            return counters();
        }
        graph.controlLock().lock();
        try {
            if (n.drainedSections() == 0) {
                return "none";
            }
            graph.drainedEnd(n);
            return counters();
        } finally {
            graph.controlLock().unlock();
        }
    }

    @Operation
    public String drainAllBegin() {
        graph.controlLock().lock();
        try {
            graph.drainAllBegin();
            return counters();
        } finally {
            graph.controlLock().unlock();
        }
    }

    @Operation
    public String drainAllEnd() {
        graph.controlLock().lock();
        try {
            if (graph.drainAllCount() == 0) {
                return "none";
            }
            graph.drainAllEnd();
            return counters();
        } finally {
            graph.controlLock().unlock();
        }
    }

    private String counters() {
        return "base=" + base.quiesceCounter() + " top=" + top.quiesceCounter() + " vda=" + blk.quiesceCounter();
    }

    @Validate
    public void countingRule() {
        List<String> broken = DrainInvariants.all(graph, List.of(blk));
        if (!broken.isEmpty()) {
            throw new AssertionError(String.join("; ", broken));
        }
        boolean flag = PassFilter.edge(top).isQuiescedParent();
        if (flag != (base.quiesceCounter() > 0)) {
            throw new AssertionError("quiesced-parent flag of top->base is " + flag + " with " + counters());
        }
    }

    @StateRepresentation
    public String state() {
        return counters() + " sections base=" + base.drainedSections() + " top=" + top.drainedSections() + " all="
                + graph.drainAllCount();
    }

    /** The sequential machine: section counts and the counting rule. */
    public static class Spec {
        private final int[] sections = new int[2];
        private int all;

        public void write(int value) {
        }

        public String drainedBegin(int node) {
            sections[node]++;
            return counters();
        }

        public String drainedEnd(int node) {
            if (sections[node] == 0) {
                return "none";
            }
            sections[node]--;
            return counters();
        }

        public String drainAllBegin() {
            all++;
            return counters();
        }

        public String drainAllEnd() {
            if (all == 0) {
                return "none";
            }
            all--;
            return counters();
        }

        private String counters() {
            int base = sections[0] + all;
            int top = sections[1] + all + (base > 0 ? 1 : 0);
            return "base=" + base + " top=" + top + " vda=" + (top > 0 ? 1 : 0);
        }
    }

    /** The broken twin: the end of a section decided outside the control lock. */
    public static class CheckOutsideLock extends DrainCountersLincheckTest {
        @Override
        boolean checkOutsideLock() {
            return true;
        }
    }

    @Test
    void modelChecking() {
        LinChecker.check(DrainCountersLincheckTest.class, Budget.modelChecking(Spec.class, 2, 3));
    }

    @Test
    void stress() {
        LinChecker.check(DrainCountersLincheckTest.class, Budget.stress(Spec.class, 2, 3));
    }

    @Test
    void brokenTwinFails() {
        Twins.assertCaught("DrainCounters", () -> LinChecker.check(CheckOutsideLock.class, Budget.twinOn(
                Spec.class, Scenarios.scenario(CheckOutsideLock.class,
                        List.of(call("drainedBegin", 1)),
                        List.of(List.of(call("drainedEnd", 1)), List.of(call("drainedEnd", 1))),
                        List.of()))));
    }
}
