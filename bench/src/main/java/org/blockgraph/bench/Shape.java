package org.blockgraph.bench;

import java.util.Locale;
import java.util.Map;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.driver.NullDriver;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;

/**
 * The graph shapes the benchmarks drive. Every shape ends in a {@code null} node (upstream's {@code null-co}: reads
 * return zeroes, writes are dropped), so what is measured is the block layer itself.
 */
public enum Shape {
    /** BlockBackend → null. The shape of {@code qemu-img bench} on {@code json:{"driver":"null-co",...}}. */
    BARE,
    /**
     * BlockBackend → throttle (no limits) → copy-on-read → blkdebug (no rules) → null: three filters, each a node
     * with its own in-flight accounting, tracked requests and driver logic on the path.
     */
    FILTERS3;

    /** The size of every benchmark device: 1 GiB, as in the qemu-img command. */
    public static final long SIZE = 1L << 30;

    private static final int CR = Permission.CONSISTENT_READ.bit();
    private static final int W = Permission.WRITE.bit();

    /** A built graph: the BlockBackend requests go through, the null leaf and the node the BlockBackend uses. */
    public record Built(BlockGraph graph, BlockBackend blk, Node leaf, Node top) {
    }

    /**
     * The lower-case name used on command lines ({@code bare}, {@code filters3}).
     *
     * @return the command-line name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@link #cliName()}.
     *
     * @param s a command-line name
     * @return the shape with that name
     */
    public static Shape parse(String s) {
        for (Shape sh : values()) {
            if (sh.cliName().equals(s)) {
                return sh;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + s + "' (bare or filters3)");
    }

    /**
     * Builds this shape in a new graph; the BlockBackend is named {@code vda} and allows reads and writes.
     *
     * @param maxQueueDepth the BlockBackend's queue depth
     * @return the graph, its BlockBackend, its bottom (leaf) node and its top node
     */
    public Built build(int maxQueueDepth) {
        BlockGraph g = new BlockGraph();
        Node leaf = g.addNode("null0", new NullDriver(SIZE));
        Node top = leaf;
        if (this == FILTERS3) {
            Node dbg = g.addNode("dbg0", new BlkdebugDriver(), Map.of("image", leaf));
            Node cor = g.addNode("cor0", new CopyOnReadDriver(), Map.of("file", dbg));
            top = g.addNode("thr0", new ThrottleDriver(0, 0), Map.of("file", cor));
        }
        BlockBackend blk = new BlockBackend(g, "vda", CR | W, Permission.ALL, maxQueueDepth);
        blk.insert(top);
        return new Built(g, blk, leaf, top);
    }
}
