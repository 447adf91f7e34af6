package org.blockgraph.driver;

import java.util.Arrays;
import java.util.List;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Role;

/** Protocol driver {@code null} ({@code null-co}): writes are discarded, reads return zeroes. For benchmarks. */
public final class NullDriver extends BlockDriver {
    private final long size;

    /**
     * A null device of {@code size} bytes.
     *
     * @param size the size in bytes
     */
    public NullDriver(long size) {
        this.size = size;
    }

    @Override
    public String name() {
        return "null";
    }

    @Override
    public List<String> childNames() {
        return List.of();
    }

    @Override
    public Role childRole(String childName) {
        return null;
    }

    @Override
    public long length(Node bs) {
        return size;
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        Arrays.fill(buf, off, off + len, (byte) 0);
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
    }

    @Override
    public void flush(Node bs) {
    }

    @Override
    public String describeOptions() {
        return "size=" + size;
    }
}
