package org.blockgraph.driver;

import org.blockgraph.graph.Node;
import org.blockgraph.graph.PermPair;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;

/**
 * Filter {@code mirror_top} over its {@code backing} child, inserted above a mirror source. Guest writes are
 * forwarded to the source and reported to the mirror job's listener (which marks them dirty). It needs write on its
 * child when the node is writable and shares all; once stopped it needs nothing.
 */
public final class MirrorTopDriver extends FilterDriver {
    /** Told about every range written through the filter, after the write reached the source. */
    public interface WriteListener {
        /**
         * A range was written (or zeroed or discarded).
         *
         * @param offset the first byte of the range
         * @param len the length of the range in bytes
         */
        void written(long offset, long len);
    }

    private volatile WriteListener listener;
    private volatile boolean stopped;

    /** A mirror filter without a listener. */
    public MirrorTopDriver() {
        super("backing");
    }

    @Override
    public String name() {
        return "mirror_top";
    }

    /**
     * Installs the job's listener (null to remove).
     *
     * @param l the listener told of every write through the filter, or null
     */
    public void setWriteListener(WriteListener l) {
        listener = l;
    }

    /**
     * After this, the filter takes no permissions (its job is finishing); permissions refresh on the next change.
     *
     * @param stop true once the job is finishing
     */
    public void setStopped(boolean stop) {
        stopped = stop;
    }

    @Override
    public PermPair childPerm(Node bs, Role role, int perm, int shared) {
        if (stopped) {
            return new PermPair(0, Permission.ALL);
        }
        return new PermPair(bs.isReadOnly() ? 0 : Permission.WRITE.bit(), Permission.ALL);
    }

    private void notify(long offset, long len) {
        WriteListener l = listener;
        if (l != null) {
            l.written(offset, len);
        }
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        super.write(bs, offset, buf, off, len, flags);
        notify(offset, len);
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        super.writeZeroes(bs, offset, len, flags);
        notify(offset, len);
    }

    @Override
    public void discard(Node bs, long offset, long len) {
        super.discard(bs, offset, len);
        notify(offset, len);
    }
}
