package org.blockgraph.driver;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Role;

/**
 * Format driver {@code cow}: a copy-on-write image over a {@code file} child, with an optional {@code backing}
 * child. Guest data lives in the file at the guest offset; a cluster allocation map (in memory) says which clusters
 * this layer holds. Reads of unallocated clusters fall through to the backing chain (zeroes beyond it or without
 * it). A write to part of an unallocated cluster first copies the rest of the cluster from the backing chain, as
 * qcow2 does. The driver fires {@code read_aio} / {@code write_aio} on its file child before each access, and
 * {@code read_backing_aio} before reading from its backing, as qcow2 does (for blkdebug).
 *
 * <p>Allocating writes to one cluster are serialised (by a lock striped over clusters) so two partial writes to one
 * new cluster cannot both copy the old data over each other's; writes to allocated clusters, allocations of
 * clusters in other stripes and all reads run in parallel. A cluster is marked
 * allocated only after its data is in the file (volatile bitmap write after the data write).
 */
public final class CowDriver extends BlockDriver {
    /** Default cluster size, 64 KiB as qcow2's. */
    public static final int DEFAULT_CLUSTER_SIZE = 65536;
    /** Guest size; changed only by {@link #truncate} with every allocation lock held. */
    private volatile long size;
    private final int clusterSize;
    /** Allocation bitmap; replaced (never shrunk below the live clusters) only by {@link #truncate}. */
    private volatile AtomicLongArray allocated;
    private static final int STRIPES = 64;
    private final ReentrantLock[] allocationLocks = new ReentrantLock[STRIPES];

    /**
     * An image of {@code size} bytes with 64 KiB clusters.
     *
     * @param size the virtual size in bytes
     */
    public CowDriver(long size) {
        this(size, DEFAULT_CLUSTER_SIZE);
    }

    /**
     * An image of {@code size} bytes with clusters of {@code clusterSize} bytes (a power of two, ≥ 512).
     *
     * @param size the virtual size in bytes
     * @param clusterSize the cluster size in bytes
     */
    public CowDriver(long size, int clusterSize) {
        if (clusterSize < 512 || Integer.bitCount(clusterSize) != 1) {
            throw new IllegalArgumentException("cluster size must be a power of two of at least 512 bytes");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        this.size = size;
        this.clusterSize = clusterSize;
        this.allocated = bitmap(size, clusterSize);
        for (int i = 0; i < STRIPES; i++) {
            allocationLocks[i] = new ReentrantLock();
        }
    }

    private static AtomicLongArray bitmap(long size, int clusterSize) {
        long clusters = (size + clusterSize - 1) / clusterSize;
        return new AtomicLongArray((int) ((clusters + 63) / 64) + 1);
    }

    private ReentrantLock allocationLock(long cluster) {
        return allocationLocks[(int) (cluster % STRIPES)];
    }

    @Override
    public String name() {
        return "cow";
    }

    @Override
    public List<String> childNames() {
        return List.of("file", "backing");
    }

    @Override
    public Role childRole(String childName) {
        switch (childName) {
            case "file": return Role.IMAGE;
            case "backing": return Role.BACKING;
            default: return null;
        }
    }

    @Override
    public List<String> requiredChildren() {
        return List.of("file");
    }

    @Override
    public String filterOrCowChildName() {
        return "backing";
    }

    @Override
    public long length(Node bs) {
        return size;
    }

    @Override
    public long clusterSize(Node bs) {
        return clusterSize;
    }

    @Override
    public boolean isAllocated(Node bs, long offset) {
        long c = offset / clusterSize;
        AtomicLongArray map = allocated;
        int word = (int) (c >>> 6);
        // beyond the end (an overlay longer than this backing asks): nothing is allocated here
        return offset >= 0 && word < map.length() && (map.get(word) & (1L << (c & 63))) != 0;
    }

    private void markAllocated(long cluster) {
        int word = (int) (cluster >>> 6);
        long bit = 1L << (cluster & 63);
        allocated.getAndUpdate(word, w -> w | bit);
    }

    private void markUnallocated(long cluster) {
        int word = (int) (cluster >>> 6);
        long bit = 1L << (cluster & 63);
        allocated.getAndUpdate(word, w -> w & ~bit);
    }

    /**
     * Clusters allocated in this layer.
     *
     * @return the number of clusters this layer holds data for
     */
    public long allocatedClusters() {
        long n = 0;
        for (int i = 0; i < allocated.length(); i++) {
            n += Long.bitCount(allocated.get(i));
        }
        return n;
    }

    private static Child file(Node bs) {
        return bs.child("file");
    }

    /** Reads from the backing chain, zero-filling what lies beyond the backing node or without one. */
    private void readBacking(Node bs, long offset, byte[] buf, int off, int len) {
        Child backing = bs.child("backing");
        long blen = backing == null || backing.node() == null ? 0 : backing.length();
        int fromBacking = (int) Math.max(0, Math.min(len, blen - offset));
        if (fromBacking > 0) {
            file(bs).debugEvent("read_backing_aio");
            backing.read(offset, buf, off, fromBacking, 0);
        }
        Arrays.fill(buf, off + fromBacking, off + len, (byte) 0);
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long cluster = pos / clusterSize;
            boolean alloc = isAllocated(bs, pos);
            // Coalesce a run of clusters with the same allocation status into one child request.
            long runEnd = Math.min(end, (cluster + 1) * clusterSize);
            while (runEnd < end && isAllocated(bs, runEnd) == alloc) {
                runEnd = Math.min(end, runEnd + clusterSize);
            }
            int n = (int) (runEnd - pos);
            int dst = off + (int) (pos - offset);
            if (alloc) {
                Child f = file(bs);
                f.debugEvent("read_aio");
                f.read(pos, buf, dst, n, 0);
            } else {
                readBacking(bs, pos, buf, dst, n);
            }
            pos = runEnd;
        }
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long cluster = pos / clusterSize;
            long cstart = cluster * clusterSize;
            long cend = Math.min(cstart + clusterSize, size);
            long chunkEnd = Math.min(end, cend);
            int src = off + (int) (pos - offset);
            if (isAllocated(bs, pos)) {
                writeFile(bs, pos, buf, src, (int) (chunkEnd - pos), flags);
            } else {
                allocateAndWrite(bs, cluster, cstart, cend, pos, buf, src, (int) (chunkEnd - pos), flags);
            }
            pos = chunkEnd;
        }
    }

    private void writeFile(Node bs, long pos, byte[] buf, int off, int len, int flags) {
        Child f = file(bs);
        f.debugEvent("write_aio");
        f.write(pos, buf, off, len, flags);
    }

    private void allocateAndWrite(Node bs, long cluster, long cstart, long cend, long pos, byte[] buf, int off,
                                  int len, int flags) {
        ReentrantLock allocationLock = allocationLock(cluster);
        allocationLock.lock();
        try {
            if (isAllocated(bs, pos)) {
                writeFile(bs, pos, buf, off, len, flags);
                return;
            }
            if (pos == cstart && pos + len == cend) {
                writeFile(bs, pos, buf, off, len, flags);
            } else {
                byte[] whole = new byte[(int) (cend - cstart)];
                readBacking(bs, cstart, whole, 0, whole.length);
                System.arraycopy(buf, off, whole, (int) (pos - cstart), len);
                writeFile(bs, cstart, whole, 0, whole.length, flags);
            }
            markAllocated(cluster);
        } finally {
            allocationLock.unlock();
        }
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        byte[] zeroes = new byte[clusterSize];
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long cend = Math.min((pos / clusterSize + 1) * clusterSize, end);
            write(bs, pos, zeroes, 0, (int) (cend - pos), flags);
            pos = cend;
        }
    }

    /**
     * Discards whole clusters: without a backing node they become unallocated (they read as zeroes); with one
     * they are zeroed, as qcow2 makes discarded clusters zero clusters when a backing file exists. Partial
     * clusters are left alone (discard is advisory).
     */
    @Override
    public void discard(Node bs, long offset, long len) {
        long first = (offset + clusterSize - 1) / clusterSize;
        long last = Math.min(offset + len, size) / clusterSize; // exclusive
        Child backing = bs.child("backing");
        for (long c = first; c < last; c++) {
            if (backing == null) {
                ReentrantLock allocationLock = allocationLock(c);
                allocationLock.lock();
                try {
                    markUnallocated(c);
                    file(bs).discard(c * clusterSize, clusterSize);
                } finally {
                    allocationLock.unlock();
                }
            } else {
                writeZeroes(bs, c * clusterSize, clusterSize, 0);
            }
        }
    }

    /**
     * Resizes the image as qcow2 does: growing adds unallocated clusters (they read through to the backing chain,
     * zeroes beyond it); shrinking drops the clusters wholly beyond the new end. The file is not touched (it grows
     * when written). Holds every allocation lock, so no allocating write or discard runs meanwhile; the node's
     * tracked request serialises it against requests over the changed range.
     */
    @Override
    public void truncate(Node bs, long length) {
        for (ReentrantLock l : allocationLocks) {
            l.lock();
        }
        try {
            AtomicLongArray old = allocated;
            AtomicLongArray now = bitmap(length, clusterSize);
            long keep = (Math.min(size, length) + clusterSize - 1) / clusterSize;
            for (long c = 0; c < keep; c++) {
                long bit = 1L << (c & 63);
                int word = (int) (c >>> 6);
                if ((old.get(word) & bit) != 0) {
                    now.set(word, now.get(word) | bit);
                }
            }
            allocated = now;
            size = length;
        } finally {
            for (ReentrantLock l : allocationLocks) {
                l.unlock();
            }
        }
    }

    @Override
    public String describeOptions() {
        return "size=" + size + ",cluster-size=" + clusterSize;
    }
}
