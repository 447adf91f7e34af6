package org.blockgraph.chain;

import java.util.ArrayList;
import java.util.List;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.ParentKind;
import org.blockgraph.io.BlockBackend;

/**
 * Backing-chain helpers with upstream's names (spec/chain: {@code Path}, {@code SkipFilters}, {@code OverlayOf},
 * {@code AboveOf}). A chain link is a node's filter-or-COW child: its backing, or a filter's filtered child.
 * Callers hold the control lock when the answer must stay true.
 */
public final class Chains {
    private Chains() {
    }

    /**
     * {@code bdrv_filter_or_cow_child}: the link below {@code n}, or null.
     *
     * @param n the node
     * @return its backing child (or a filter's filtered child), or null if its driver names none or it is unset
     */
    public static Child filterOrCowChild(Node n) {
        String name = n.driver().filterOrCowChildName();
        return name == null ? null : n.child(name);
    }

    /**
     * {@code bdrv_filter_or_cow_bs}: the node below {@code n} in its chain, or null.
     *
     * @param n the node
     * @return the node its filter-or-COW link points at, or null if it has no such link
     */
    public static Node filterOrCow(Node n) {
        Child c = filterOrCowChild(n);
        return c == null ? null : c.node();
    }

    /**
     * {@code bdrv_cow_bs}: the backing node of a non-filter, or null.
     *
     * @param n the node
     * @return the backing node, or null if {@code n} is a filter or has no backing
     */
    public static Node cow(Node n) {
        return n.driver().isFilter() ? null : filterOrCow(n);
    }

    /**
     * {@code bdrv_skip_filters}: the first non-filter node at or below {@code n}.
     *
     * @param n the node to start from (may be null)
     * @return {@code n} itself if it is not a filter, else the first non-filter below it; null if the chain ends
     *         in filters or {@code n} is null
     */
    public static Node skipFilters(Node n) {
        while (n != null && n.driver().isFilter()) {
            n = filterOrCow(n);
        }
        return n;
    }

    /**
     * The nodes from {@code top} down the chain to its end (top first).
     *
     * @param top the top of the chain (may be null)
     * @return {@code top} and every node below it along filter-or-COW links, at most 10,000 (a guard against a
     *         cycle); empty if {@code top} is null
     */
    public static List<Node> chain(Node top) {
        List<Node> out = new ArrayList<>();
        for (Node i = top; i != null && out.size() < 10_000; i = filterOrCow(i)) {
            out.add(i);
        }
        return out;
    }

    /**
     * Whether {@code n} is in the chain strictly below {@code top}.
     *
     * @param top the top of the chain
     * @param n   the node to look for
     * @return true if {@code n} is reached from {@code top} by one or more filter-or-COW links
     */
    public static boolean isBelow(Node top, Node n) {
        for (Node i = filterOrCow(top); i != null; i = filterOrCow(i)) {
            if (i == n) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code bdrv_find_overlay}: the first non-filter node above {@code base} in {@code bs}'s chain (the last one
     * when {@code base} is null), or null if {@code base} is not below {@code bs}.
     *
     * @param bs   the top of the chain
     * @param base the node to find the overlay of, or null for the bottom of the chain
     * @return the overlay of {@code base}, or null
     */
    public static Node findOverlay(Node bs, Node base) {
        Node overlay = null;
        for (Node i = bs; i != null && i != base; i = filterOrCow(i)) {
            if (!i.driver().isFilter()) {
                overlay = i;
            }
            if (filterOrCow(i) == null && base != null) {
                return null;
            }
        }
        return overlay;
    }

    /**
     * The node directly above {@code base} in {@code bs}'s chain, or null.
     *
     * @param bs   the top of the chain
     * @param base the node whose parent in the chain is wanted (null asks for the bottom-most node)
     * @return the node at or below {@code bs} whose filter-or-COW link points at {@code base}, filter or not; null
     *         if there is none
     */
    public static Node above(Node bs, Node base) {
        for (Node i = bs; i != null; i = filterOrCow(i)) {
            if (filterOrCow(i) == base) {
                return i;
            }
        }
        return null;
    }

    /**
     * {@code bdrv_find_base}: the bottom-most node of the chain, or null if {@code bs} has no backing.
     *
     * @param bs the top of the chain
     * @return the last node reached by filter-or-COW links from {@code bs}, or null if {@code bs} has no link
     */
    public static Node findBase(Node bs) {
        Node i = bs;
        while (filterOrCow(i) != null) {
            i = filterOrCow(i);
        }
        return i == bs ? null : i;
    }

    /**
     * The node's file name, as {@code base}, {@code top} and backing-file strings name images: a format node is
     * named by its {@code file} child's node name, a protocol node by its own.
     *
     * @param n the node
     * @return the node name of the first non-filter below its {@code file} child (that child's own name if there
     *         is none) if {@code n} is a non-filter with a {@code file} child; {@code n}'s node name otherwise
     */
    public static String filename(Node n) {
        Child file = n.child("file");
        if (file != null && file.node() != null && !n.driver().isFilter()) {
            Node proto = skipFilters(file.node());
            return proto != null ? proto.name() : file.node().name();
        }
        return n.name();
    }

    /**
     * {@code bdrv_find_backing_image}: the node below {@code bs} whose file name is {@code filename}, or null.
     *
     * @param bs       the top of the chain (not itself considered)
     * @param filename a file name ({@link #filename}) or node name
     * @return the first node strictly below {@code bs} whose file name or node name equals {@code filename}, or null
     */
    public static Node findBackingImage(Node bs, String filename) {
        for (Node i = filterOrCow(bs); i != null; i = filterOrCow(i)) {
            if (filename.equals(filename(i)) || filename.equals(i.name())) {
                return i;
            }
        }
        return null;
    }

    /**
     * The named BlockBackend attached to {@code n}, or null.
     *
     * @param n the node
     * @return the first parent of {@code n} that is a BlockBackend with a name, or null
     */
    public static BlockBackend deviceOf(Node n) {
        for (Child c : n.parents()) {
            if (c.parent().kind() == ParentKind.BLOCK_BACKEND && c.parent() instanceof BlockBackend b
                    && b.name() != null) {
                return b;
            }
        }
        return null;
    }

    /**
     * {@code bdrv_get_device_or_node_name}: the name error messages use for a node.
     *
     * @param n the node
     * @return the name of the named BlockBackend attached to {@code n} if there is one, else its node name
     */
    public static String deviceOrNodeName(Node n) {
        BlockBackend b = deviceOf(n);
        return b != null ? b.name() : n.name();
    }

    /**
     * {@code bdrv_get_device_name}: the device name, or the empty string.
     *
     * @param n the node
     * @return the name of the named BlockBackend attached to {@code n}, or {@code ""} if there is none
     */
    public static String deviceName(Node n) {
        BlockBackend b = deviceOf(n);
        return b != null ? b.name() : "";
    }

    /**
     * The node a BlockBackend named {@code name} is attached to, or null.
     *
     * @param g    the graph whose root edges are searched
     * @param name the BlockBackend (device) name
     * @return the node of the first root edge whose BlockBackend is named {@code name}, or null
     */
    public static Node findDevice(BlockGraph g, String name) {
        for (Child c : g.rootEdges()) {
            if (c.parent() instanceof BlockBackend b && name.equals(b.name())) {
                return c.node();
            }
        }
        return null;
    }

    /**
     * Whether any node's permissions hold WRITE from some parent ({@code bdrv_has_writers}-like).
     *
     * @param n the node
     * @return true if {@code n}'s cumulative permission (the union its parents hold) includes WRITE
     */
    public static boolean hasWriter(Node n) {
        return (n.cumulativePerm() & org.blockgraph.graph.Permission.WRITE.bit()) != 0;
    }

    /**
     * {@code bdrv_is_allocated_above(from, stop, include_base = true)}: whether a non-filter node on the chain from
     * {@code from} down to and including {@code stop} has {@code offset} allocated.
     *
     * @param from   the top of the range
     * @param stop   the bottom of the range, included (null: to the end of the chain)
     * @param offset the byte offset asked about
     * @return true if a non-filter node in the range reports {@code offset} allocated
     */
    public static boolean isAllocatedAbove(Node from, Node stop, long offset) {
        for (Node i = from; i != null; i = filterOrCow(i)) {
            if (!i.driver().isFilter() && i.driver().isAllocated(i, offset)) {
                return true;
            }
            if (i == stop) {
                return false;
            }
        }
        return false;
    }

    /**
     * {@code blockdev-snapshot node=base overlay=overlay}: refused while {@code base} is op-blocked for
     * EXTERNAL_SNAPSHOT (a job holds it: {@code Node '%s' is busy: ...}, upstream's external_snapshot_action), then
     * {@link BlockGraph#appendOverlay}. The check and the change run under one hold of the control lock.
     *
     * @param g       the graph
     * @param overlay the new overlay, which gets {@code base} as its backing
     * @param base    the node being snapshotted
     * @throws org.blockgraph.graph.GraphException if {@code base} is op-blocked for EXTERNAL_SNAPSHOT, or as
     *         {@link BlockGraph#appendOverlay} throws
     */
    public static void snapshot(BlockGraph g, Node overlay, Node base) {
        g.controlLock().lock();
        try {
            OpBlockers.of(g).check(base, OpType.EXTERNAL_SNAPSHOT);
            g.appendOverlay(overlay, base);
        } finally {
            g.controlLock().unlock();
        }
    }
}
