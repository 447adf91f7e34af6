package org.blockgraph.graph;

/** Request flags ({@code BDRV_REQ_*}) passed down with a request. */
public final class IoFlags {
    /** The write does not change visible content (needs only {@link Permission#WRITE_UNCHANGED}). */
    public static final int WRITE_UNCHANGED = 0x1;
    /** Copy clusters read from the backing chain into this node (serialising request, reference §5.2). */
    public static final int COPY_ON_READ = 0x2;
    /** A write-zeroes request may deallocate. */
    public static final int MAY_UNMAP = 0x4;

    private IoFlags() {
    }
}
