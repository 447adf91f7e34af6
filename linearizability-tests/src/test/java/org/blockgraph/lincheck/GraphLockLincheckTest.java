package org.blockgraph.lincheck;

import static org.blockgraph.lincheck.Scenarios.call;

import java.util.List;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.lock.ControlLock;
import org.blockgraph.lock.GraphLock;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.StateRepresentation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * The graph reader/writer lock (spec/drain {@code GraphRdlock}, {@code GraphWrlock}, {@code GraphWrunlock};
 * {@link GraphLock}). Readers on several threads take the read lock and read a two-field "graph" that the writer
 * changes field by field; the writer holds the control lock and the write lock. Sequential specification: a
 * generation counter; a reader returns the generation, a writer advances it. A reader that could see the writer
 * half way would return a torn pair (-1).
 *
 * <p>Every operation here is linearizable: a read section is linearized at its read lock, a write at its write
 * lock. Not operations: a bare {@code rdlock}/{@code rdunlock} split (a thread would leave a scenario holding the
 * read lock, and the writer would wait for it forever), and {@code wrlock} without the control lock (refused by
 * design: the writer must be the control-lock holder).
 *
 * <p>Broken twin: a reader with a "fast path" that checks {@link GraphLock#hasWriter()} and, seeing none, reads
 * without registering as a reader (a check-then-act outside the lock): a writer that starts between the check and
 * the read does not wait for it.
 */
public class GraphLockLincheckTest {
    private final BlockGraph graph = new BlockGraph();
    private final GraphLock lock = graph.graphLock();
    private final ControlLock control = graph.controlLock();
    /** The two halves of the "graph": written only under the write lock, read under the read lock. */
    private volatile int low;
    private volatile int high;

    /** The twin's planted bug (a method: JUnit wants one constructor). */
    boolean uncheckedFastPath() {
        return false;
    }

    @Operation
    public int readSection() {
        if (uncheckedFastPath() && !lock.hasWriter()) {
            return observe();
        }
        lock.rdlock();
        try {
            return observe();
        } finally {
            lock.rdunlock();
        }
    }

    private int observe() {
        int l = low;
        int h = high;
        return l == h ? l : -1;
    }

    @Operation(nonParallelGroup = "control")
    public void writeSection() {
        control.lock();
        try {
            lock.wrlock();
            try {
                low = low + 1;
                high = high + 1;
            } finally {
                lock.wrunlock();
            }
        } finally {
            control.unlock();
        }
    }

    @Validate
    public void lockReleased() {
        if (lock.readerCount() != 0 || lock.hasWriter()) {
            throw new AssertionError("graph lock still held: readers=" + lock.readerCount() + " writer="
                    + lock.hasWriter());
        }
        List<String> broken = DrainInvariants.all(graph, List.of());
        if (!broken.isEmpty()) {
            throw new AssertionError(String.join("; ", broken));
        }
    }

    @StateRepresentation
    public String state() {
        return "gen=" + low + "/" + high + " readers=" + lock.readerCount() + " writer=" + lock.hasWriter();
    }

    /** The sequential machine: a generation counter. */
    public static class Spec {
        private int generation;

        public int readSection() {
            return generation;
        }

        public void writeSection() {
            generation++;
        }
    }

    /** The broken twin: readers that skip the lock when they see no writer. */
    public static class UncheckedFastPath extends GraphLockLincheckTest {
        @Override
        boolean uncheckedFastPath() {
            return true;
        }
    }

    @Test
    void modelChecking() {
        LinChecker.check(GraphLockLincheckTest.class, Budget.modelChecking(Spec.class, 2, 3));
    }

    @Test
    void stress() {
        LinChecker.check(GraphLockLincheckTest.class, Budget.stress(Spec.class, 2, 3));
    }

    @Test
    void brokenTwinFails() {
        Twins.assertCaught("GraphLock", () -> LinChecker.check(UncheckedFastPath.class, Budget.twinOn(
                Spec.class, Scenarios.scenario(UncheckedFastPath.class,
                        List.of(),
                        List.of(List.of(call("writeSection")), List.of(call("readSection"))),
                        List.of()))));
    }
}
