package org.blockgraph.driver;

import org.blockgraph.graph.Child;
import org.blockgraph.graph.IoFlags;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.PermPair;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;

/**
 * Filter {@code copy-on-read} over its {@code file} child: reads are passed down with the copy-on-read flag, so the
 * node below copies clusters it does not hold from its backing chain into itself (a serialising request, reference
 * §5.2). With {@code bottom}, only clusters allocated somewhere from the node's backing down to {@code bottom}
 * (inclusive) are copied, as stream uses it. It needs write-unchanged on its child.
 */
public final class CopyOnReadDriver extends FilterDriver {
    private static final int PASSTHROUGH = Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit()
            | Permission.RESIZE.bit();
    private static final int UNCHANGED = Permission.CONSISTENT_READ.bit() | Permission.WRITE_UNCHANGED.bit();
    private final Node bottom;

    /** A filter that copies everything it reads from the backing chain. */
    public CopyOnReadDriver() {
        this(null);
    }

    /**
     * A filter that copies only what lies above and in {@code bottom}; null for the whole chain.
     *
     * @param bottom the lowest node whose data is copied up, or null to copy from the whole chain
     */
    public CopyOnReadDriver(Node bottom) {
        super("file");
        this.bottom = bottom;
    }

    @Override
    public String name() {
        return "copy-on-read";
    }

    /**
     * The bottom node, or null.
     *
     * @return the bottom node, or null when the filter copies from the whole chain
     */
    public Node bottom() {
        return bottom;
    }

    @Override
    public PermPair childPerm(Node bs, Role role, int perm, int shared) {
        return new PermPair((perm & PASSTHROUGH) | Permission.WRITE_UNCHANGED.bit(), (shared & PASSTHROUGH) | UNCHANGED);
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        Child file = filtered(bs);
        if (bottom == null) {
            file.read(offset, buf, off, len, flags | IoFlags.COPY_ON_READ);
            return;
        }
        Node top = file.node();
        long align = Math.max(1, top.driver().clusterSize(top));
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long chunkEnd = Math.min(end, (Math.floorDiv(pos, align) + 1) * align);
            boolean copy = !top.driver().isAllocated(top, pos) && allocatedDownToBottom(top, pos);
            file.read(pos, buf, off + (int) (pos - offset), (int) (chunkEnd - pos),
                    copy ? flags | IoFlags.COPY_ON_READ : flags);
            pos = chunkEnd;
        }
    }

    /** Whether a node below {@code top}, down to and including {@code bottom}, holds the cluster. */
    private boolean allocatedDownToBottom(Node top, long offset) {
        Node n = next(top);
        while (n != null) {
            if (!n.driver().isFilter() && n.driver().isAllocated(n, offset)) {
                return true;
            }
            if (n == bottom) {
                return false;
            }
            n = next(n);
        }
        return false;
    }

    private static Node next(Node n) {
        String name = n.driver().filterOrCowChildName();
        Child c = name == null ? null : n.child(name);
        return c == null ? null : c.node();
    }

    @Override
    public String describeOptions() {
        return bottom == null ? "" : "bottom=" + bottom.name();
    }
}
