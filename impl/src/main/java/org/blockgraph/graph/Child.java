package org.blockgraph.graph;

import java.util.Map;
import org.blockgraph.trace.SpecAction;

/**
 * An edge from a parent (node, BlockBackend or job) to a child node ({@code BdrvChild}).
 *
 * <p>Structure ({@link #node()}) changes only under the control lock and the graph write lock; requests read it
 * under the graph read lock. {@code quiescedParent} and {@code frozen} are control-lock state. The permissions are
 * volatile because requests check them.
 *
 * <p>The I/O methods are how a parent passes a request into its child: spec/drain action {@code ReqDescend} when
 * the parent is a node.
 */
public final class Child {
    private final Parent parent;
    private final Node parentNode;
    private final String name;
    private final Role role;
    private volatile Node node;
    private volatile int perm;
    private volatile int shared = Permission.ALL;
    private int fixedPerm;
    private int fixedShared = Permission.ALL;
    boolean quiescedParent;
    boolean frozen;

    Child(Parent parent, String name, Role role, Node node) {
        this.parent = parent;
        this.parentNode = parent instanceof Node ? (Node) parent : null;
        this.name = name;
        this.role = role;
        this.node = node;
    }

    /**
     * The parent holding this edge.
     *
     * @return the parent
     */
    public Parent parent() {
        return parent;
    }

    /**
     * The parent if it is a node, else null.
     *
     * @return the parent node, or null for a BlockBackend or job
     */
    public Node parentNode() {
        return parentNode;
    }

    /**
     * The edge's name as the parent knows it ({@code file}, {@code backing}, {@code root}, ...).
     *
     * @return the edge name
     */
    public String name() {
        return name;
    }

    /**
     * The edge's role.
     *
     * @return the role
     */
    public Role role() {
        return role;
    }

    /**
     * The child node; null once detached.
     *
     * @return the child node, or null
     */
    public Node node() {
        return node;
    }

    void setNode(Node n) {
        node = n;
    }

    /**
     * The permissions the parent holds on the child.
     *
     * @return the required permissions ({@link Permission} bits)
     */
    public int perm() {
        return perm;
    }

    /**
     * The permissions the parent lets others hold on the child.
     *
     * @return the shared permissions ({@link Permission} bits)
     */
    public int shared() {
        return shared;
    }

    void setPerms(int p, int s) {
        perm = p;
        shared = s;
    }

    int fixedPerm() {
        return fixedPerm;
    }

    int fixedShared() {
        return fixedShared;
    }

    void setFixed(int p, int s) {
        fixedPerm = p;
        fixedShared = s;
    }

    /**
     * Whether the parent is quiesced through this edge (spec/drain: {@code quiescedParent}); control lock.
     *
     * @return true while the parent is quiesced through this edge
     */
    public boolean isQuiescedParent() {
        return quiescedParent;
    }

    /**
     * Whether this link is frozen (reference §2); control lock.
     *
     * @return true while the link is frozen
     */
    public boolean isFrozen() {
        return frozen;
    }

    private Node target() {
        Node n = node;
        if (n == null) {
            throw new BlockIoException(BlockIoException.ENOMEDIUM, "No medium found");
        }
        return n;
    }

    private void descend(Node n, String op, long offset, long bytes) {
        BlockGraph g = n.graph();
        // From a BlockBackend into its root the step is spec/drain's GraphRdlock (traced by the BlockBackend);
        // ReqDescend is the step from a node into a child.
        if (parentNode != null && g.trace().enabled()) {
            g.trace().emit(SpecAction.ReqDescend,
                    Map.of("from", parent.describe(), "to", n.name(), "op", op, "offset", offset, "bytes", bytes,
                            "thread", Thread.currentThread().getName()),
                    Map.of("inFlight", n.inFlight() + 1));
        }
    }

    private void checkWrite(int flags) {
        int p = perm;
        boolean ok = (p & Permission.WRITE.bit()) != 0
                || ((flags & IoFlags.WRITE_UNCHANGED) != 0 && (p & Permission.WRITE_UNCHANGED.bit()) != 0);
        if (!ok) {
            throw new BlockIoException(BlockIoException.EPERM,
                    "Permission denied: " + parent.describe() + " has no write permission on its '" + name
                            + "' child");
        }
    }

    /**
     * Reads through this edge.
     *
     * @param offset the first byte to read
     * @param buf the destination
     * @param off where in {@code buf} the data goes
     * @param len the number of bytes
     * @param flags request flags ({@link IoFlags})
     */
    public void read(long offset, byte[] buf, int off, int len, int flags) {
        Node n = target();
        descend(n, "read", offset, len);
        n.doRead(offset, buf, off, len, flags);
    }

    /**
     * Writes through this edge; needs write (or write-unchanged for unchanged writes) permission.
     *
     * @param offset the first byte to write
     * @param buf the source
     * @param off where in {@code buf} the data starts
     * @param len the number of bytes
     * @param flags request flags ({@link IoFlags})
     */
    public void write(long offset, byte[] buf, int off, int len, int flags) {
        Node n = target();
        checkWrite(flags);
        descend(n, "write", offset, len);
        n.doWrite(offset, buf, off, len, flags);
    }

    /**
     * Writes zeroes through this edge.
     *
     * @param offset the first byte of the range
     * @param len the length of the range in bytes
     * @param flags request flags ({@link IoFlags})
     */
    public void writeZeroes(long offset, long len, int flags) {
        Node n = target();
        checkWrite(flags);
        descend(n, "write-zeroes", offset, len);
        n.doWriteZeroes(offset, len, flags);
    }

    /**
     * Discards through this edge.
     *
     * @param offset the first byte of the range
     * @param len the length of the range in bytes
     */
    public void discard(long offset, long len) {
        Node n = target();
        checkWrite(0);
        descend(n, "discard", offset, len);
        n.doDiscard(offset, len);
    }

    /** Flushes through this edge. */
    public void flush() {
        Node n = target();
        descend(n, "flush", 0, 0);
        n.doFlush();
    }

    /**
     * Resizes the child node ({@code bdrv_co_truncate}) to {@code length} bytes. The edge must hold the resize
     * permission (upstream asserts it; here it is an error) and the node must be writable.
     *
     * @param length the new size in bytes
     * @throws BlockIoException {@code EPERM} without resize permission, {@code EACCES "Image is read-only"}, or
     *                          {@code ENOTSUP "Image format driver does not support resize"} from the driver
     */
    public void truncate(long length) {
        Node n = target();
        if ((perm & Permission.RESIZE.bit()) == 0) {
            throw new BlockIoException(BlockIoException.EPERM,
                    "Permission denied: " + parent.describe() + " has no resize permission on its '" + name
                            + "' child");
        }
        if (length < 0) {
            throw new BlockIoException(BlockIoException.EINVAL, "Image size cannot be negative");
        }
        if (n.isReadOnly()) {
            throw new BlockIoException(BlockIoException.EACCES, "Image is read-only");
        }
        descend(n, "truncate", 0, length);
        n.doTruncate(length);
    }

    /**
     * The child's length in bytes.
     *
     * @return the child node's length
     */
    public long length() {
        return target().length();
    }

    /**
     * Fires a blkdebug-style event on the child node ({@code BLKDBG_EVENT}).
     *
     * @param event the event's name
     */
    public void debugEvent(String event) {
        Node n = node;
        if (n != null) {
            n.driver().debugEvent(n, event);
        }
    }

    @Override
    public String toString() {
        return parent.describe() + " -[" + name + "]-> " + (node == null ? "(none)" : "'" + node.name() + "'");
    }
}
