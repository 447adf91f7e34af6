package org.blockgraph.lincheck;

import static org.blockgraph.lincheck.Scenarios.call;

import java.util.List;
import java.util.Map;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.lock.ControlLock;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.StateRepresentation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.junit.jupiter.api.Test;

/**
 * Frozen backing chains and graph changes (reference §2; {@code BlockGraph.freezeBackingChain},
 * {@code unfreezeBackingChain}, {@code setBacking} as {@code blockdev-reopen} of {@code backing},
 * {@code insertFilter}; spec/drain's {@code ReplaceChild} and {@code AttachChild} underneath). A {@code cow} node
 * {@code top} whose backing is {@code base} or {@code alt}; any Lincheck thread freezes or unfreezes the chain
 * below {@code top}, points {@code top}'s backing elsewhere, or inserts a filter between {@code top} and its
 * backing, each operation taking the control lock as the core requires.
 *
 * <p>Sequential specification: the chain as a list (top's backing target with the filters stacked on it) and
 * one frozen flag (every operation freezes or unfreezes the whole chain, so links are all frozen or none).
 * Freezing a frozen chain and changing a frozen link are refused with the core's {@link GraphException}; unfreezing
 * an unfrozen chain is refused too. {@code insertFilter} is the owner of a freeze making its own change (as a
 * commit job inserts its filter): it unfreezes, inserts and re-freezes, and must look atomic. All operations are
 * linearizable because each runs entirely under the control lock (which is reentrant, so the composite can hold
 * it across its three core calls).
 *
 * <p>Broken twin ({@link LockPerCall}): the composite {@code insertFilter} takes the control lock per core call
 * (unfreeze, insert, re-freeze each lock and unlock) instead of across the three, so another thread can change,
 * between the unfreeze and the re-freeze, a chain that should have stayed frozen: a {@code setBacking} that the
 * frozen link must refuse succeeds. Checked on the one scenario the bug needs (frozen chain; insertFilter against
 * setBacking; then the chain).
 */
@Param(name = "target", gen = IntGen.class, conf = "0:1")
public class FrozenChainLincheckTest {
    private final BlockGraph graph = new BlockGraph();
    private final ControlLock control = graph.controlLock();
    private final Node base = graph.addNode("base", new CellDriver(1));
    private final Node alt = graph.addNode("alt", new CellDriver(1));
    private final Node top = graph.addNode("top", new CowDriver(512, 512),
            Map.of("file", graph.addNode("top-file", new CellDriver(1)), "backing", base));

    /** The twin's planted bug (a method: JUnit wants one constructor). */
    boolean lockPerCall() {
        return false;
    }

    @Operation
    public String freeze() {
        try {
            graph.freezeBackingChain(top, null);
            return "ok";
        } catch (GraphException e) {
            return "refused";
        }
    }

    @Operation
    public String unfreeze() {
        try {
            graph.unfreezeBackingChain(top, null);
            return "ok";
        } catch (IllegalStateException e) {
            return "refused";
        }
    }

    @Operation
    public String setBacking(@Param(name = "target") int target) {
        try {
            graph.setBacking(top, target == 0 ? base : alt);
            return "ok";
        } catch (GraphException e) {
            return "refused";
        }
    }

    @Operation
    public String insertFilter() {
        if (lockPerCall()) {
            return insertFilterComposite();
        }
        control.lock();
        try {
            return insertFilterComposite();
        } finally {
            control.unlock();
        }
    }

    private String insertFilterComposite() {
        boolean frozen = top.child("backing").isFrozen();
        if (frozen) {
            graph.unfreezeBackingChain(top, null);
        }
        graph.insertFilter(null, new PassFilter(), top.child("backing").node());
        if (frozen) {
            graph.freezeBackingChain(top, null);
        }
        return "ok";
    }

    @Operation
    public String chain() {
        control.lock();
        try {
            return describeChain();
        } finally {
            control.unlock();
        }
    }

    /** "pass>pass>base*": the nodes below top, by node name (driver name for implicit filters); * = frozen. */
    private String describeChain() {
        StringBuilder sb = new StringBuilder();
        Node n = top;
        boolean frozen = top.child("backing").isFrozen();
        while (true) {
            String link = n.driver().filterOrCowChildName();
            Child c = link == null ? null : n.child(link);
            if (c == null) {
                break;
            }
            n = c.node();
            sb.append(sb.length() == 0 ? "" : ">").append(n.isImplicit() ? n.driver().name() : n.name());
        }
        return sb + (frozen ? "*" : "");
    }

    @Validate
    public void invariants() {
        List<String> broken = DrainInvariants.all(graph, List.of());
        if (!broken.isEmpty()) {
            throw new AssertionError(String.join("; ", broken));
        }
        control.lock();
        try {
            boolean first = top.child("backing").isFrozen();
            Node n = top;
            while (true) {
                String link = n.driver().filterOrCowChildName();
                Child c = link == null ? null : n.child(link);
                if (c == null) {
                    break;
                }
                if (c.isFrozen() != first) {
                    throw new AssertionError("partly frozen chain: " + describeChain() + " at " + c);
                }
                n = c.node();
            }
        } finally {
            control.unlock();
        }
    }

    /**
     * Lincheck asks for the state at arbitrary points of a trace, also while another thread is half way through a
     * graph change (a twin's, without the lock it should hold): a chain read then may fail, and says so instead of
     * failing the report.
     */
    @StateRepresentation
    public String state() {
        try {
            return "top>" + describeChain();
        } catch (RuntimeException e) {
            return "top>(changing: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** The sequential machine: a target, filters stacked above it, and a frozen flag. */
    public static class Spec {
        private String target = "base";
        private int filters;
        private boolean frozen;

        public String freeze() {
            if (frozen) {
                return "refused";
            }
            frozen = true;
            return "ok";
        }

        public String unfreeze() {
            if (!frozen) {
                return "refused";
            }
            frozen = false;
            return "ok";
        }

        public String setBacking(int t) {
            if (frozen) {
                return "refused";
            }
            target = t == 0 ? "base" : "alt";
            filters = 0;
            return "ok";
        }

        public String insertFilter() {
            filters++;
            return "ok";
        }

        public String chain() {
            return "pass>".repeat(filters) + target + (frozen ? "*" : "");
        }
    }

    /**
     * A graph change is one long operation (drains, the write lock, a transactional check over the proposed
     * graph): with Lincheck's default threshold a single insertFilter was reported as "The execution has hung".
     */
    private static final int LONG_OPERATION = 2000;

    /** The broken twin: the owner's unfreeze-insert-refreeze without holding the control lock across it. */
    public static class LockPerCall extends FrozenChainLincheckTest {
        @Override
        boolean lockPerCall() {
            return true;
        }
    }

    @Test
    void brokenTwinFails() {
        Twins.assertCaught("FrozenChain", () -> LinChecker.check(LockPerCall.class, Budget.twinOn(Spec.class,
                Scenarios.scenario(LockPerCall.class,
                        List.of(call("freeze")),
                        List.of(List.of(call("insertFilter")), List.of(call("setBacking", 1))),
                        List.of(call("chain"))))
                .hangingDetectionThreshold(LONG_OPERATION)));
    }

    @Test
    void modelChecking() {
        LinChecker.check(FrozenChainLincheckTest.class, Budget.modelChecking(Spec.class, 2, 3)
                .hangingDetectionThreshold(LONG_OPERATION));
    }

    @Test
    void stress() {
        LinChecker.check(FrozenChainLincheckTest.class, Budget.stress(Spec.class, 2, 3));
    }
}
