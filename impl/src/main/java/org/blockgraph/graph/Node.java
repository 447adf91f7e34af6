package org.blockgraph.graph;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.blockgraph.lock.BenchmarkOnly;

/**
 * A node of the block graph ({@code BlockDriverState}): a named driver instance with child edges and parent edges.
 *
 * <p>Spec/drain state per node: {@link #quiesceCounter()} (the upstream counting rule: direct drained sections +
 * drain_all sections + child edges whose child is drained) and {@link #inFlight()} (requests in progress on the
 * node). As a {@link Parent} of its children it is upstream's {@code child_of_bds} class: being quiesced through
 * a child quiesces this node and, on its 0→1, all of its own parents.
 */
public final class Node implements Parent {
    private final BlockGraph graph;
    private final String name;
    private final boolean implicit;
    private final BlockDriver driver;
    private volatile boolean readOnly;
    /** The backing-file string of the image header (format nodes with a backing link), or null. */
    private volatile String backingFile;
    /** The backing format recorded with {@link #backingFile}, or null. */
    private volatile String backingFormat;
    final AtomicInteger quiesceCounter = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    /** Drained sections begun on this node through the public API and not yet ended (control lock). */
    int directDrains;
    /** Copy-on-write so that requests iterate without locking; changed under the write lock. */
    final CopyOnWriteArrayList<Child> children = new CopyOnWriteArrayList<>();
    /** Newest first, as upstream's {@code QLIST_INSERT_HEAD}; changed under the write lock. */
    final CopyOnWriteArrayList<Child> parents = new CopyOnWriteArrayList<>();
    final TrackedRequests tracked = new TrackedRequests();
    int cumulativePerm;
    int cumulativeShared = Permission.ALL;
    volatile boolean removed;

    Node(BlockGraph graph, String name, boolean implicit, BlockDriver driver, boolean readOnly) {
        this.graph = graph;
        this.name = name;
        this.implicit = implicit;
        this.driver = driver;
        this.readOnly = readOnly;
    }

    /**
     * The graph this node belongs to.
     *
     * @return the graph
     */
    public BlockGraph graph() {
        return graph;
    }

    /**
     * The node name (generated names start with {@code #}).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Whether the node was created without a name and goes away with its last parent.
     *
     * @return true for an implicit node
     */
    public boolean isImplicit() {
        return implicit;
    }

    /**
     * The node's driver.
     *
     * @return the driver
     */
    public BlockDriver driver() {
        return driver;
    }

    /**
     * Whether the node refuses writers.
     *
     * @return true if the node is read-only
     */
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * The backing-file string recorded in the image header: what {@code query-named-block-nodes} shows as
     * {@code backing_file} and {@code image/backing-filename}. Set when the node is created over a backing node,
     * rewritten by stream and commit at completion ({@code bdrv_change_backing_file}); null if none is recorded.
     *
     * @return the recorded backing-file string, or null
     */
    public String backingFile() {
        return backingFile;
    }

    /**
     * The backing format recorded with {@link #backingFile()} ({@code backing-fmt}), or null.
     *
     * @return the recorded backing format (a driver name), or null
     */
    public String backingFormat() {
        return backingFormat;
    }

    void setBackingFile(String file, String format) {
        backingFile = file;
        backingFormat = file == null ? null : format;
    }

    void setReadOnly(boolean ro) {
        readOnly = ro;
    }

    /**
     * The quiesce counter (spec/drain {@code qc}).
     *
     * @return the quiesce counter
     */
    public int quiesceCounter() {
        return quiesceCounter.get();
    }

    /** Drained sections begun on this node through {@link BlockGraph#drainedBegin} and not yet ended
     *
     * @return the number of open drained sections begun directly on this node
     * (spec/drain {@code sections}). */
    public int drainedSections() {
        return directDrains;
    }

    /**
     * Requests in progress on this node.
     *
     * @return the number of requests in flight
     */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Tracked requests in progress on this node.
     *
     * @return the number of tracked requests
     */
    public int trackedRequests() {
        return tracked.size();
    }

    /**
     * Whether the node was removed from its graph.
     *
     * @return true once removed
     */
    public boolean isRemoved() {
        return removed;
    }

    /**
     * The child edges, in attachment order (a snapshot).
     *
     * @return the child edges
     */
    public List<Child> children() {
        return List.copyOf(children);
    }

    /**
     * The parent edges, newest first (a snapshot).
     *
     * @return the parent edges
     */
    public List<Child> parents() {
        return List.copyOf(parents);
    }

    /**
     * The child edge with this name, or null. Safe from request threads.
     *
     * @param childName the edge's name
     * @return the edge, or null
     */
    public Child child(String childName) {
        for (Child c : children) {
            if (c.name().equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /**
     * The node's cumulative required permissions (OR over its parent edges).
     *
     * @return the OR of the parent edges' required permissions
     */
    public int cumulativePerm() {
        return cumulativePerm;
    }

    /**
     * The node's cumulative shared permissions (AND over its parent edges).
     *
     * @return the AND of the parent edges' shared permissions
     */
    public int cumulativeShared() {
        return cumulativeShared;
    }

    /**
     * The node's length in bytes.
     *
     * @return the length, as the driver reports it
     */
    public long length() {
        return driver.length(this);
    }

    // ---- Parent (child_of_bds) ----

    @Override
    public ParentKind kind() {
        return ParentKind.NODE;
    }

    @Override
    public String describe() {
        return "node '" + name + "'";
    }

    @Override
    public void drainedBegin(Child edge) {
        graph.drainedBeginQuiesce(this, null);
    }

    @Override
    public boolean drainedPoll(Child edge) {
        return graph.drainPoll(this, null, false);
    }

    @Override
    public void drainedEnd(Child edge) {
        graph.drainedEndInternal(this, null);
    }

    // ---- request entry: in-flight accounting and tracked requests ----

    private void enter() {
        if (!BenchmarkOnly.NO_IO_ACCOUNTING) {
            inFlight.incrementAndGet();
        }
    }

    private void leave() {
        if (!BenchmarkOnly.NO_IO_ACCOUNTING) {
            inFlight.decrementAndGet();
            graph.aioWait().kick();
        }
    }

    void doRead(long offset, byte[] buf, int off, int len, int flags) {
        enter();
        try {
            if ((flags & IoFlags.COPY_ON_READ) != 0) {
                copyOnRead(offset, buf, off, len, flags & ~IoFlags.COPY_ON_READ);
                return;
            }
            TrackedRequests.Tracked t = tracked.begin(offset, len, false, 1);
            try {
                long align = requestAlignment();
                if (align > 1 && !aligned(offset, len, align)) {
                    // bdrv_pad_request: read the aligned range into a bounce buffer, hand back the part asked for
                    long astart = Math.floorDiv(offset, align) * align;
                    byte[] bounce = new byte[(int) (alignUp(offset + len, align) - astart)];
                    readBlock(astart, bounce, 0, bounce.length, flags);
                    System.arraycopy(bounce, (int) (offset - astart), buf, off, len);
                } else {
                    driver.read(this, offset, buf, off, len, flags);
                }
            } finally {
                tracked.end(t);
            }
        } finally {
            leave();
        }
    }

    /**
     * The node's request alignment ({@code bs->bl.request_alignment}); 1 if it has none.
     *
     * @return the driver's alignment for this node, at least 1
     */
    public long requestAlignment() {
        return Math.max(1, driver.requestAlignment(this));
    }

    private static boolean aligned(long offset, long len, long align) {
        return offset % align == 0 && len % align == 0;
    }

    private static long alignUp(long v, long align) {
        return Math.floorDiv(v + align - 1, align) * align;
    }

    /** Reads {@code [pos, pos+len)}, the part past the end of the node reading as zeroes (as upstream). */
    private void readBlock(long pos, byte[] b, int off, int len, int flags) {
        long n = Math.max(0, Math.min(len, driver.length(this) - pos));
        if (n > 0) {
            driver.read(this, pos, b, off, (int) n, flags);
        }
    }

    /**
     * Upstream's {@code bdrv_padding_rmw_read}: fills the unaligned head and tail blocks of the widened range
     * {@code [astart, astart+b.length)} around {@code [offset, end)} from the node, firing the
     * {@code pwritev_rmw_*} debug events on this node as upstream does.
     */
    private void rmwRead(long astart, byte[] b, long offset, long end, long align) {
        boolean head = offset % align != 0;
        boolean tail = end % align != 0;
        long aend = astart + b.length;
        if (head) {
            driver.debugEvent(this, "pwritev_rmw_head");
            readBlock(astart, b, 0, (int) align, 0);
            driver.debugEvent(this, "pwritev_rmw_after_head");
        }
        if (tail && !(head && aend - align == astart)) {
            driver.debugEvent(this, "pwritev_rmw_tail");
            readBlock(aend - align, b, (int) (b.length - align), (int) align, 0);
            driver.debugEvent(this, "pwritev_rmw_after_tail");
        }
    }

    /** Upstream's {@code bdrv_co_do_copy_on_readv}: clusters not allocated here are read and written back. */
    private void copyOnRead(long offset, byte[] buf, int off, int len, int flags) {
        long align = Math.max(1, driver.clusterSize(this));
        TrackedRequests.Tracked t = tracked.begin(offset, len, true, align);
        try {
            if (align == 1) {
                // No clusters: every byte counts as allocated here, so the request passes down whole. (Found by the
                // benchmarks: the loop below went one byte per chunk, 4096 driver calls for a 4 KiB read.)
                driver.read(this, offset, buf, off, len, flags);
                return;
            }
            long size = driver.length(this);
            long pos = offset;
            long end = offset + len;
            while (pos < end) {
                long cstart = Math.floorDiv(pos, align) * align;
                long cend = Math.min(cstart + align, size);
                long chunkEnd = Math.min(end, cend);
                int dst = off + (int) (pos - offset);
                if (align == 1 || driver.isAllocated(this, cstart) || cend <= cstart) {
                    driver.read(this, pos, buf, dst, (int) (chunkEnd - pos), flags);
                } else {
                    byte[] cluster = new byte[(int) (cend - cstart)];
                    driver.read(this, cstart, cluster, 0, cluster.length, flags);
                    driver.write(this, cstart, cluster, 0, cluster.length, IoFlags.WRITE_UNCHANGED);
                    System.arraycopy(cluster, (int) (pos - cstart), buf, dst, (int) (chunkEnd - pos));
                }
                pos = chunkEnd;
            }
        } finally {
            tracked.end(t);
        }
    }

    void doWrite(long offset, byte[] buf, int off, int len, int flags) {
        enter();
        try {
            long align = requestAlignment();
            if (align > 1 && !aligned(offset, len, align)) {
                // Unaligned write on an aligned node: read-modify-write of the widened range under a serialising
                // request, so that overlapping requests wait and no concurrent update of a shared block is lost.
                TrackedRequests.Tracked t = tracked.begin(offset, len, true, align);
                try {
                    long astart = Math.floorDiv(offset, align) * align;
                    byte[] b = new byte[(int) (alignUp(offset + len, align) - astart)];
                    rmwRead(astart, b, offset, offset + len, align);
                    System.arraycopy(buf, off, b, (int) (offset - astart), len);
                    driver.write(this, astart, b, 0, b.length, flags);
                } finally {
                    tracked.end(t);
                }
                return;
            }
            TrackedRequests.Tracked t = tracked.begin(offset, len, false, 1);
            try {
                driver.write(this, offset, buf, off, len, flags);
            } finally {
                tracked.end(t);
            }
        } finally {
            leave();
        }
    }

    void doWriteZeroes(long offset, long len, int flags) {
        enter();
        try {
            long align = requestAlignment();
            if (align > 1 && !aligned(offset, len, align)) {
                // bdrv_co_do_zero_pwritev: unaligned head and tail blocks by read-modify-write, the aligned middle
                // as write-zeroes, all under one serialising request.
                TrackedRequests.Tracked t = tracked.begin(offset, len, true, align);
                try {
                    long end = offset + len;
                    long astart = Math.floorDiv(offset, align) * align;
                    long aend = alignUp(end, align);
                    long midStart = alignUp(offset, align);
                    long midEnd = Math.floorDiv(end, align) * align;
                    if (midStart > midEnd) { // head and tail in one block
                        zeroBlock(astart, offset, end, align);
                    } else {
                        if (offset != midStart) {
                            zeroBlock(astart, offset, midStart, align);
                        }
                        if (midEnd > midStart) {
                            driver.writeZeroes(this, midStart, midEnd - midStart, flags);
                        }
                        if (end != midEnd) {
                            zeroBlock(aend - align, midEnd, end, align);
                        }
                    }
                } finally {
                    tracked.end(t);
                }
                return;
            }
            TrackedRequests.Tracked t = tracked.begin(offset, len, false, 1);
            try {
                driver.writeZeroes(this, offset, len, flags);
            } finally {
                tracked.end(t);
            }
        } finally {
            leave();
        }
    }

    /** Zeroes {@code [from, to)} inside the block at {@code blockStart} by read-modify-write. */
    private void zeroBlock(long blockStart, long from, long to, long align) {
        byte[] b = new byte[(int) align];
        rmwRead(blockStart, b, from, to, align);
        java.util.Arrays.fill(b, (int) (from - blockStart), (int) (to - blockStart), (byte) 0);
        driver.write(this, blockStart, b, 0, b.length, 0);
    }

    void doDiscard(long offset, long len) {
        enter();
        try {
            // Discard is advisory: on an aligned node only the aligned interior of the range is passed on.
            long align = requestAlignment();
            long start = alignUp(offset, align);
            long end = Math.floorDiv(offset + len, align) * align;
            if (end <= start) {
                return;
            }
            TrackedRequests.Tracked t = tracked.begin(start, end - start, false, 1);
            try {
                driver.discard(this, start, end - start);
            } finally {
                tracked.end(t);
            }
        } finally {
            leave();
        }
    }

    void doTruncate(long length) {
        enter();
        try {
            // As upstream: a serialising tracked request over the range between the old and the new end.
            long old = driver.length(this);
            TrackedRequests.Tracked t = tracked.begin(Math.min(old, length), Math.abs(length - old), true, 1);
            try {
                driver.truncate(this, length);
            } finally {
                tracked.end(t);
            }
        } finally {
            leave();
        }
    }

    void doFlush() {
        enter();
        try {
            driver.flush(this);
        } finally {
            leave();
        }
    }

    @Override
    public String toString() {
        return "node '" + name + "' (" + driver.name() + ")";
    }
}
