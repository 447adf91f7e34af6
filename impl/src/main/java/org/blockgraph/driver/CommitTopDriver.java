package org.blockgraph.driver;

import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.PermPair;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;

/**
 * Filter {@code commit_top} over its {@code backing} child, inserted above the top of an intermediate commit. It
 * takes no permissions and shares all, reads pass through, writes are not supported, and links to it can never be
 * frozen ({@code never_freeze}, "so that we can always drop this node").
 */
public final class CommitTopDriver extends FilterDriver {
    /** A commit filter. */
    public CommitTopDriver() {
        super("backing");
    }

    @Override
    public String name() {
        return "commit_top";
    }

    @Override
    public boolean neverFreeze() {
        return true;
    }

    @Override
    public PermPair childPerm(Node bs, Role role, int perm, int shared) {
        return new PermPair(0, Permission.ALL);
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        throw new BlockIoException(BlockIoException.ENOTSUP, "Operation not supported");
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        throw new BlockIoException(BlockIoException.ENOTSUP, "Operation not supported");
    }

    @Override
    public void discard(Node bs, long offset, long len) {
        throw new BlockIoException(BlockIoException.ENOTSUP, "Operation not supported");
    }
}
