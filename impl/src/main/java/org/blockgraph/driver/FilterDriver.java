package org.blockgraph.driver;

import java.util.List;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Role;

/** A filter: one filtered child ({@code file} or {@code backing}) that requests pass through to. */
public abstract class FilterDriver extends BlockDriver {
    private final String childName;

    /** @param childName the filtered child's name */
    protected FilterDriver(String childName) {
        this.childName = childName;
    }

    @Override
    public final boolean isFilter() {
        return true;
    }

    @Override
    public final List<String> childNames() {
        return List.of(childName);
    }

    @Override
    public Role childRole(String name) {
        return childName.equals(name) ? Role.FILTERED_PRIMARY : null;
    }

    @Override
    public final List<String> requiredChildren() {
        return List.of(childName);
    }

    @Override
    public final String filterOrCowChildName() {
        return childName;
    }

    /**
     * The filtered child edge of {@code bs}.
     *
     * @param bs the filter node
     * @return its filtered child edge
     */
    protected final Child filtered(Node bs) {
        Child c = bs.child(childName);
        if (c == null) {
            throw new BlockIoException(BlockIoException.ENOMEDIUM, "No medium found");
        }
        return c;
    }

    @Override
    public long length(Node bs) {
        Child c = bs.child(childName);
        return c == null || c.node() == null ? 0 : c.length();
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        filtered(bs).read(offset, buf, off, len, flags);
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        filtered(bs).write(offset, buf, off, len, flags);
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        filtered(bs).writeZeroes(offset, len, flags);
    }

    @Override
    public void discard(Node bs, long offset, long len) {
        filtered(bs).discard(offset, len);
    }

    @Override
    public void flush(Node bs) {
        filtered(bs).flush();
    }
}
