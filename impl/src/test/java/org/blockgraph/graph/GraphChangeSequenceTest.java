package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.io.BlockBackend;
import org.junit.jupiter.api.Test;

/**
 * Generated sequences of graph changes and drains, interpreted against the current graph (each step picks among
 * the operations that make sense there). After every step: a refused change left {@link GraphState} exactly as it
 * was, the drain invariants hold, and the committed permissions are consistent (no conflicting pair of parents, the
 * cumulative permissions are the OR/AND of the parents', no writer on a read-only node).
 */
class GraphChangeSequenceTest {
    static final int SEEDS = Boolean.getBoolean("blockgraph.deep") ? 200 : 12;
    static final int STEPS = 300;
    static final long SIZE = 1 << 16;

    @Test
    void randomChangeSequencesKeepTheGraphConsistent() {
        int refused = 0;
        int committed = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            int[] counts = runSequence(seed);
            refused += counts[0];
            committed += counts[1];
        }
        System.out.println("sequences: " + SEEDS + " x " + STEPS + " steps, " + committed + " committed, " + refused
                + " refused");
        assertTrue(refused > 0 && committed > 0, "the generator exercises both outcomes");
    }

    private int[] runSequence(int seed) {
        Random rnd = new Random(seed);
        BlockGraph g = new BlockGraph();
        List<BlockBackend> blks = new ArrayList<>();
        List<Node> drained = new ArrayList<>();
        int drainAll = 0;
        int names = 0;
        int refused = 0;
        int committed = 0;
        for (int step = 0; step < STEPS; step++) {
            List<Node> nodes = g.nodes();
            GraphState before = g.state();
            String what = "";
            try {
                int op = nodes.size() < 3 ? 0 : rnd.nextInt(16);
                Node a = nodes.isEmpty() ? null : nodes.get(rnd.nextInt(nodes.size()));
                Node b = nodes.isEmpty() ? null : nodes.get(rnd.nextInt(nodes.size()));
                switch (op) {
                    case 0 -> {
                        what = "add memory";
                        g.addNode("n" + names++, new MemoryDriver(SIZE), Map.of(), rnd.nextInt(4) == 0);
                    }
                    case 1 -> {
                        what = "add cow over " + a.name() + " backed by " + b.name();
                        g.addNode(rnd.nextInt(5) == 0 ? "n" + (names - 1) : "n" + names++, new CowDriver(SIZE, 4096),
                                rnd.nextBoolean() ? Map.of("file", a) : Map.of("file", a, "backing", b),
                                rnd.nextInt(3) == 0);
                    }
                    case 2 -> {
                        what = "delete " + a.name();
                        g.deleteNode(a.name());
                    }
                    case 3 -> {
                        what = "set backing of " + a.name() + " to " + b.name();
                        g.setBacking(a, rnd.nextInt(4) == 0 ? null : b);
                    }
                    case 4 -> {
                        List<Child> cs = a.children();
                        if (cs.isEmpty()) {
                            continue;
                        }
                        Child c = cs.get(rnd.nextInt(cs.size()));
                        what = "replace " + c + " with " + b.name();
                        g.replaceChild(a, c.name(), b);
                    }
                    case 5 -> {
                        what = "replace node " + a.name() + " by " + b.name();
                        g.replaceNode(a, b);
                    }
                    case 6 -> {
                        what = "insert filter above " + a.name();
                        BlockDriver f = switch (rnd.nextInt(3)) {
                            case 0 -> new ThrottleDriver(0, 0);
                            case 1 -> new BlkdebugDriver();
                            default -> new CopyOnReadDriver();
                        };
                        g.insertFilter(rnd.nextBoolean() ? null : "n" + names++, f, a);
                    }
                    case 7 -> {
                        what = "remove filter " + a.name();
                        g.removeFilter(a);
                    }
                    case 8 -> {
                        what = "append overlay over " + a.name();
                        Node ov = g.addNode("n" + names++, new CowDriver(SIZE, 4096),
                                Map.of("file", g.addNode(null, new MemoryDriver(0))));
                        before = g.state();
                        g.appendOverlay(ov, a);
                    }
                    case 9 -> {
                        int perm = rnd.nextInt(16);
                        int shared = rnd.nextInt(16);
                        what = "block backend on " + a.name() + " perm " + perm + " shared " + shared;
                        blks.add(BlockBackend.create(g, rnd.nextBoolean() ? null : "vd" + names++, a, perm, shared));
                    }
                    case 10 -> {
                        if (blks.isEmpty()) {
                            continue;
                        }
                        BlockBackend x = blks.remove(rnd.nextInt(blks.size()));
                        what = "close " + x.describe();
                        x.close();
                    }
                    case 11 -> {
                        if (blks.isEmpty()) {
                            continue;
                        }
                        BlockBackend x = blks.get(rnd.nextInt(blks.size()));
                        what = "set permissions of " + x.describe();
                        x.setPermissions(rnd.nextInt(16), rnd.nextInt(16));
                    }
                    case 12 -> {
                        what = "drain " + a.name();
                        g.drainedBegin(a);
                        drained.add(a);
                    }
                    case 13 -> {
                        if (drained.isEmpty()) {
                            continue;
                        }
                        Node x = drained.remove(rnd.nextInt(drained.size()));
                        what = "end drain " + x.name();
                        if (!x.isRemoved()) {
                            g.drainedEnd(x);
                        }
                    }
                    case 15 -> {
                        boolean ro = !a.isReadOnly();
                        what = "reopen " + a.name() + (ro ? " read-only" : " read-write");
                        g.reopenReadOnly(a, ro);
                    }
                    default -> {
                        if (drainAll > 0 && rnd.nextBoolean()) {
                            what = "drain_all end";
                            g.drainAllEnd();
                            drainAll--;
                        } else {
                            what = "drain_all begin";
                            g.drainAllBegin();
                            drainAll++;
                        }
                    }
                }
                committed++;
            } catch (GraphException e) {
                refused++;
                GraphState after = g.state();
                if (!before.equals(after)) {
                    fail("seed " + seed + " step " + step + ": refused '" + what + "' (" + e.getMessage()
                            + ") changed the state\nbefore: " + before + "\nafter:  " + after);
                }
            }
            List<String> broken = DrainInvariants.all(g, blks);
            assertEquals(List.of(), broken, "seed " + seed + " step " + step + " after " + what);
            checkPermissions(g, "seed " + seed + " step " + step + " after " + what);
        }
        for (Node n : drained) {
            if (!n.isRemoved()) {
                g.drainedEnd(n);
            }
        }
        for (; drainAll > 0; drainAll--) {
            g.drainAllEnd();
        }
        for (Node n : g.nodes()) {
            assertEquals(0, n.quiesceCounter(), n.name());
        }
        return new int[] {refused, committed};
    }

    static void checkPermissions(BlockGraph g, String where) {
        for (Node n : g.nodes()) {
            List<Child> ps = n.parents();
            int perm = 0;
            int shared = Permission.ALL;
            for (Child a : ps) {
                perm |= a.perm();
                shared &= a.shared();
                for (Child b : ps) {
                    if (a != b && (b.perm() & a.shared()) != b.perm()) {
                        fail(where + ": conflicting parents of " + n.name() + ": " + a + " / " + b);
                    }
                }
            }
            assertEquals(perm, n.cumulativePerm(), where + ": cumulative perm of " + n.name());
            assertEquals(shared, n.cumulativeShared(), where + ": cumulative shared of " + n.name());
            if (n.isReadOnly()) {
                assertEquals(0, perm & (Permission.WRITE.bit() | Permission.WRITE_UNCHANGED.bit()),
                        where + ": writer on read-only " + n.name());
            }
        }
    }
}
