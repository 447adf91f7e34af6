package org.blockgraph.driver;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Role;

/**
 * Protocol driver {@code memory}: bytes in memory, sparse (4 KiB pages that were never written read as zeroes and
 * take no memory). Like a file, it grows when written beyond its end.
 */
public final class MemoryDriver extends BlockDriver {
    static final int PAGE = 4096;
    private final ConcurrentHashMap<Long, byte[]> pages = new ConcurrentHashMap<>();
    private final AtomicLong size;

    /**
     * A zero-filled image of {@code size} bytes.
     *
     * @param size the size in bytes
     */
    public MemoryDriver(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        this.size = new AtomicLong(size);
    }

    @Override
    public String name() {
        return "memory";
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
        return size.get();
    }

    /**
     * Pages holding data (for tests of sparseness).
     *
     * @return the number of pages that were ever written
     */
    public int allocatedPages() {
        return pages.size();
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        long pos = offset;
        int done = 0;
        while (done < len) {
            long page = pos / PAGE;
            int inPage = (int) (pos % PAGE);
            int n = Math.min(len - done, PAGE - inPage);
            byte[] p = pages.get(page);
            if (p == null) {
                java.util.Arrays.fill(buf, off + done, off + done + n, (byte) 0);
            } else {
                synchronized (p) {
                    System.arraycopy(p, inPage, buf, off + done, n);
                }
            }
            done += n;
            pos += n;
        }
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        long pos = offset;
        int done = 0;
        while (done < len) {
            long page = pos / PAGE;
            int inPage = (int) (pos % PAGE);
            int n = Math.min(len - done, PAGE - inPage);
            byte[] p = pages.computeIfAbsent(page, k -> new byte[PAGE]);
            synchronized (p) {
                System.arraycopy(buf, off + done, p, inPage, n);
            }
            done += n;
            pos += n;
        }
        size.accumulateAndGet(offset + len, Math::max);
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long page = pos / PAGE;
            int inPage = (int) (pos % PAGE);
            int n = (int) Math.min(end - pos, PAGE - inPage);
            if (inPage == 0 && n == PAGE) {
                pages.remove(page);
            } else {
                byte[] p = pages.get(page);
                if (p != null) {
                    synchronized (p) {
                        java.util.Arrays.fill(p, inPage, inPage + n, (byte) 0);
                    }
                }
            }
            pos += n;
        }
        size.accumulateAndGet(end, Math::max);
    }

    @Override
    public void discard(Node bs, long offset, long len) {
        writeZeroes(bs, offset, len, 0);
    }

    @Override
    public void flush(Node bs) {
    }

    /** Grows (new bytes read as zeroes) or shrinks (bytes beyond the new end are dropped). */
    @Override
    public void truncate(Node bs, long length) {
        long old = size.get();
        if (length < old) {
            long firstWhole = (length + PAGE - 1) / PAGE;
            pages.keySet().removeIf(page -> page >= firstWhole);
            byte[] p = pages.get(length / PAGE);
            if (p != null && length % PAGE != 0) {
                synchronized (p) {
                    java.util.Arrays.fill(p, (int) (length % PAGE), PAGE, (byte) 0);
                }
            }
        }
        size.set(length);
    }

    @Override
    public String describeOptions() {
        return "size=" + size.get();
    }
}
