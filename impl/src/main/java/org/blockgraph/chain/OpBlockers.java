package org.blockgraph.chain;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;

/**
 * Op blockers (upstream's {@code bdrv_op_block} / {@code bdrv_op_is_blocked}), separate from freezing and from
 * permissions. A job blocks every op type on every node it adds; a backing edge blocks every op on its child except
 * {@link OpType#allowedOnBackingChild()} (reference §3.6 rules 1 and 2). The backing blocker is derived from the
 * current edges when checked, so it cannot drift from the graph.
 *
 * <p>spec/chain: the {@code Blocked(n)} predicate (a node in an active job's {@code jobNodes}). One instance per
 * graph ({@link #of}); all methods are synchronized (leaf lock) and are called under the control lock.
 */
public final class OpBlockers {
    private static final Map<BlockGraph, OpBlockers> PER_GRAPH = new WeakHashMap<>();

    /**
     * Who blocks, and why ({@code block device is in use by block job: stream}).
     *
     * @param owner  the blocking party (a job), compared by {@code equals} on unblock
     * @param reason the text after {@code is busy: } in the refusal
     */
    public record Blocker(Object owner, String reason) {
    }

    private final Map<Node, Map<OpType, List<Blocker>>> blocks = new IdentityHashMap<>();

    /**
     * The blockers of {@code graph}.
     *
     * @param graph the graph
     * @return its one instance, created on first use (held weakly, by graph)
     */
    public static OpBlockers of(BlockGraph graph) {
        synchronized (PER_GRAPH) {
            return PER_GRAPH.computeIfAbsent(graph, g -> new OpBlockers());
        }
    }

    /**
     * {@code bdrv_op_block_all}: blocks every {@link OpType} on {@code n} with {@code b}.
     *
     * @param n the node
     * @param b the blocker
     */
    public synchronized void blockAll(Node n, Blocker b) {
        Map<OpType, List<Blocker>> m = blocks.computeIfAbsent(n, k -> new EnumMap<>(OpType.class));
        for (OpType t : OpType.values()) {
            m.computeIfAbsent(t, k -> new ArrayList<>()).add(b);
        }
    }

    /**
     * {@code bdrv_op_unblock_all}: removes {@code b} from every op type of {@code n}.
     *
     * @param n the node
     * @param b the blocker {@link #blockAll} added
     */
    public synchronized void unblockAll(Node n, Blocker b) {
        Map<OpType, List<Blocker>> m = blocks.get(n);
        if (m == null) {
            return;
        }
        m.values().forEach(l -> l.remove(b));
        m.values().removeIf(List::isEmpty);
        if (m.isEmpty()) {
            blocks.remove(n);
        }
    }

    /**
     * The first blocker of {@code op} on {@code n} (job blockers first, then backing edges), or null.
     *
     * @param n  the node
     * @param op the operation
     * @return the first job blocker's reason; else, unless {@code op} is {@link OpType#allowedOnBackingChild},
     *         {@code node is used as backing hd of '<parent>'} if a non-filter's backing edge points at {@code n};
     *         else null
     */
    public synchronized String blockedReason(Node n, OpType op) {
        Map<OpType, List<Blocker>> m = blocks.get(n);
        if (m != null && m.get(op) != null && !m.get(op).isEmpty()) {
            return m.get(op).get(0).reason();
        }
        if (!op.allowedOnBackingChild()) {
            for (Child c : n.parents()) {
                if (c.parentNode() != null && "backing".equals(c.name())
                        && c.parentNode().driver().filterOrCowChildName() != null && !c.parentNode().driver().isFilter()) {
                    return "node is used as backing hd of '" + c.parentNode().name() + "'";
                }
            }
        }
        return null;
    }

    /**
     * {@code bdrv_op_is_blocked}: {@code Node 'X' is busy: <reason>}.
     *
     * @param n  the node
     * @param op the operation
     * @throws GraphException {@code Node 'X' is busy: <reason>} if {@link #blockedReason} is not null
     */
    public void check(Node n, OpType op) {
        String reason = blockedReason(n, op);
        if (reason != null) {
            throw new GraphException("Node '" + Chains.deviceOrNodeName(n) + "' is busy: " + reason);
        }
    }

    /**
     * Whether a job blocker is on {@code n} (backing blockers not counted).
     *
     * @param n the node
     * @return true if some {@link #blockAll} on {@code n} is not yet undone
     */
    public synchronized boolean hasJobBlocker(Node n) {
        return blocks.containsKey(n);
    }

    /**
     * Nodes that carry a job blocker now.
     *
     * @return a fresh list of the nodes with a job blocker
     */
    public synchronized List<Node> jobBlockedNodes() {
        return new ArrayList<>(blocks.keySet());
    }
}
