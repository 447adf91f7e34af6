package org.blockgraph.drain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.ParentKind;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.lock.GraphLock;

/**
 * The invariants of spec/drain ({@code Drain.tla}), one method each in lowerCamelCase, checked on a live graph.
 * Each takes the control lock, so it sees the graph between control operations (where the spec's atomic steps
 * have completed), and returns the violations it found as readable strings (empty when the invariant holds).
 *
 * <p>Not checked here: {@code TypeOK} (Java's types) and the job half of {@code CallbackOnceInv} and
 * {@code DrainedQuietInv}, which the job framework checks with its own counters. {@code NoUseAfterFreeInv} is
 * checked on the Java structures that stand for freed memory: a deleted node still linked from an edge, a node
 * list or a BlockBackend. {@code NoReaderDuringWriteInv} is checked on the graph lock's counters.
 */
public final class DrainInvariants {
    private DrainInvariants() {
    }

    /**
     * Every invariant below; empty if all hold.
     * @param g the graph to check
     * @param blks the BlockBackends to check along with the graph
     * @return the violations of every invariant, each described; empty if all hold
     */
    public static List<String> all(BlockGraph g, List<BlockBackend> blks) {
        List<String> out = new ArrayList<>();
        out.addAll(quiesceCountInv(g));
        out.addAll(quiescedParentInv(g));
        out.addAll(drainBalanceInv(g, blks));
        out.addAll(callbackOnceInv(blks));
        out.addAll(drainedQuietInv(g));
        out.addAll(noReaderDuringWriteInv(g));
        out.addAll(noUseAfterFreeInv(g, blks));
        return out;
    }

    /**
     * No reader holds the graph lock while the writer does. Checked when the calling thread holds the write lock
     * (a writer's own check, e.g. from a graph change's body) and otherwise on the lock's flags: a reader may hold
     * the lock only while no writer does.
     * @param g the graph to check
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> noReaderDuringWriteInv(BlockGraph g) {
        List<String> out = new ArrayList<>();
        GraphLock lock = g.graphLock();
        if (lock.isWriteLockedByCurrentThread() && lock.readerCount() != 0) {
            out.add("noReaderDuringWriteInv: " + lock.readerCount() + " readers while the write lock is held");
        }
        return out;
    }

    /**
     * Nothing refers to a deleted node or a vanished edge: every node in the graph's list is live and registered,
     * every edge of a live node points at a live node of this graph and is in that node's parent list, and every
     * BlockBackend's root edge points at a live node that lists it as a parent.
     * @param g the graph to check
     * @param blks the BlockBackends to check along with the graph
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> noUseAfterFreeInv(BlockGraph g, List<BlockBackend> blks) {
        List<String> out = new ArrayList<>();
        g.controlLock().lock();
        try {
            Set<Node> live = Collections.newSetFromMap(new IdentityHashMap<>());
            live.addAll(g.nodes());
            for (Node n : live) {
                if (n.isRemoved() || g.findNode(n.name()) != n) {
                    out.add("noUseAfterFreeInv: deleted node " + n.name() + " still in the graph");
                }
                for (Child c : n.children()) {
                    checkEdge(c, live, out);
                }
                for (Child c : n.parents()) {
                    if (c.node() != n) {
                        out.add("noUseAfterFreeInv: " + n.name() + " lists a parent edge " + c + " that left it");
                    }
                    Node pn = c.parentNode();
                    if (pn != null && !live.contains(pn)) {
                        out.add("noUseAfterFreeInv: " + n.name() + " has deleted parent " + pn.name());
                    }
                }
            }
            for (BlockBackend b : blks) {
                Child r = b.rootEdge();
                if (r != null) {
                    checkEdge(r, live, out);
                }
            }
        } finally {
            g.controlLock().unlock();
        }
        return out;
    }

    private static void checkEdge(Child c, Set<Node> live, List<String> out) {
        Node t = c.node();
        if (t == null || !live.contains(t) || t.isRemoved()) {
            out.add("noUseAfterFreeInv: edge " + c + " points at a deleted node");
        } else if (!t.parents().contains(c)) {
            out.add("noUseAfterFreeInv: edge " + c + " is not in " + t.name() + "'s parent list");
        }
    }

    private static int quiescedChildEdges(Node n) {
        int k = 0;
        for (Child c : n.children()) {
            if (c.node() != null && c.node().quiesceCounter() > 0) {
                k++;
            }
        }
        return k;
    }

    /**
     * The counting rule: qc = own sections + drain_all + one per child edge whose child is quiesced.
     * @param g the graph to check
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> quiesceCountInv(BlockGraph g) {
        List<String> out = new ArrayList<>();
        g.controlLock().lock();
        try {
            int all = g.drainAllCount();
            for (Node n : g.nodes()) {
                int expected = n.drainedSections() + all + quiescedChildEdges(n);
                if (n.quiesceCounter() != expected) {
                    out.add("quiesceCountInv: " + n.name() + " qc=" + n.quiesceCounter() + " expected " + expected);
                }
            }
        } finally {
            g.controlLock().unlock();
        }
        return out;
    }

    /**
     * quiesced_parent agrees with the child's counter (D-INV1).
     * @param g the graph to check
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> quiescedParentInv(BlockGraph g) {
        List<String> out = new ArrayList<>();
        g.controlLock().lock();
        try {
            for (Node n : g.nodes()) {
                for (Child c : n.parents()) {
                    if (c.isQuiescedParent() != (n.quiesceCounter() > 0)) {
                        out.add("quiescedParentInv: " + c + " quiescedParent=" + c.isQuiescedParent() + " qc="
                                + n.quiesceCounter());
                    }
                }
            }
        } finally {
            g.controlLock().unlock();
        }
        return out;
    }

    /**
     * No node or BlockBackend counts less than its sections, drain_all and quiesced edges demand.
     * @param g the graph to check
     * @param blks the BlockBackends to check along with the graph
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> drainBalanceInv(BlockGraph g, List<BlockBackend> blks) {
        List<String> out = new ArrayList<>();
        g.controlLock().lock();
        try {
            int all = g.drainAllCount();
            for (Node n : g.nodes()) {
                int quiescedThrough = 0;
                for (Child c : n.children()) {
                    if (c.isQuiescedParent()) {
                        quiescedThrough++;
                    }
                }
                if (n.quiesceCounter() < n.drainedSections() + all + quiescedThrough) {
                    out.add("drainBalanceInv: " + n.name() + " qc=" + n.quiesceCounter());
                }
            }
            for (BlockBackend b : blks) {
                Child r = b.rootEdge();
                int demanded = r != null && r.isQuiescedParent() ? 1 : 0;
                if (b.quiesceCounter() < demanded) {
                    out.add("drainBalanceInv: " + b.describe() + " qc=" + b.quiesceCounter());
                }
            }
        } finally {
            g.controlLock().unlock();
        }
        return out;
    }

    /**
     * Parent callbacks fired once per 0↔1 transition: a BlockBackend's counter equals its quiesced edges.
     * @param blks the BlockBackends to check
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> callbackOnceInv(List<BlockBackend> blks) {
        List<String> out = new ArrayList<>();
        for (BlockBackend b : blks) {
            Child r = b.rootEdge();
            int quiesced = r != null && r.isQuiescedParent() ? 1 : 0;
            if (b.quiesceCounter() != quiesced) {
                out.add("callbackOnceInv: " + b.describe() + " qc=" + b.quiesceCounter() + " quiesced edges="
                        + quiesced);
            }
        }
        return out;
    }

    /**
     * While a drained section on n has returned, no request is in flight on n or any node above it; while a
     * drain_all section has returned, on no node (D-INV2). Between control operations every section has returned.
     * @param g the graph to check
     * @return a description of each violation found; empty if the invariant holds
     */
    public static List<String> drainedQuietInv(BlockGraph g) {
        List<String> out = new ArrayList<>();
        g.controlLock().lock();
        try {
            boolean allDrained = g.drainAllCount() > 0;
            for (Node n : g.nodes()) {
                if (!allDrained && n.drainedSections() == 0) {
                    continue;
                }
                for (Node m : selfAndAbove(n)) {
                    if (m.inFlight() != 0) {
                        out.add("drainedQuietInv: " + m.name() + " has " + m.inFlight()
                                + " requests in flight while " + n.name() + " is drained");
                    }
                }
            }
        } finally {
            g.controlLock().unlock();
        }
        return out;
    }

    private static List<Node> selfAndAbove(Node n) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> work = new ArrayDeque<>(List.of(n));
        List<Node> out = new ArrayList<>();
        while (!work.isEmpty()) {
            Node m = work.poll();
            if (seen.add(m)) {
                out.add(m);
                for (Child c : m.parents()) {
                    if (c.parent().kind() == ParentKind.NODE) {
                        work.add(c.parentNode());
                    }
                }
            }
        }
        return out;
    }
}
