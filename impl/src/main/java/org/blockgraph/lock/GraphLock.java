package org.blockgraph.lock;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The graph reader/writer lock ({@code block/graph-lock.c}), the lock part of spec/drain's {@code GraphRdlock},
 * {@code GraphWrlockBegin}, {@code GraphWrlock} and {@code GraphWrunlock}. Those actions are traced by their
 * callers, where the spec's step ends: {@code BlockBackend} (the drain check and the read lock are one step) and
 * {@code BlockGraph} (the writer first quiesces every node, as upstream's {@code bdrv_graph_wrlock} does with
 * {@code bdrv_drain_all_begin_nopoll}).
 *
 * <p>Every request holds a read lock while it walks the graph; graph changes hold the write lock, under the
 * control lock. Readers are cheap: each increments one of several padded striped counters chosen by its thread,
 * so readers on different threads rarely share a cache line, and then reads the writer flag. The writer sets the
 * flag and waits until the sum of the stripes is zero. That is the Dekker pattern with volatile accesses on both
 * sides, so either the reader sees the writer (and backs off) or the writer sees the reader (and waits for it).
 *
 * <p>The lock is not reentrant on either side: a thread holding a read lock must not take it again (a writer
 * waiting in between would deadlock it), and the writer must not wait for a drain (no polling under the write
 * lock, reference §5.1). A read lock is released by the thread that took it, because the stripe is chosen by
 * thread.
 */
public final class GraphLock {
    /** Longs per stripe: 128 bytes, so two stripes never share a cache line (nor an adjacent-line prefetch). */
    private static final int PAD = 16;
    private final int stripes;
    private final AtomicLongArray readers;
    private volatile boolean hasWriter;
    private Thread writer; // written and read by the control-lock holder only
    private final AioWait wait;
    private final ControlLock control;

    /**
     * @param control the control lock the writer must hold
     * @param wait    the graph's global wakeup, used by writers waiting for readers and readers waiting for writers
     */
    public GraphLock(ControlLock control, AioWait wait) {
        int n = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4) - 1) << 1;
        this.stripes = n;
        this.readers = new AtomicLongArray(n * PAD);
        this.control = control;
        this.wait = wait;
    }

    private int stripe() {
        long id = Thread.currentThread().getId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (stripes - 1);
    }

    /** Takes a read lock for the calling thread, waiting while a writer holds or wants the lock. */
    public void rdlock() {
        int slot = stripe() * PAD;
        while (true) {
            readers.incrementAndGet(slot); // volatile RMW, then volatile read of hasWriter (Dekker)
            if (!hasWriter) {
                break;
            }
            readers.decrementAndGet(slot);
            wait.kick(); // the writer may be waiting for this very count
            wait.waitWhile(() -> hasWriter, null);
        }
    }

    /** Releases the calling thread's read lock. */
    public void rdunlock() {
        long left = readers.decrementAndGet(stripe() * PAD);
        if (left < 0) {
            readers.incrementAndGet(stripe() * PAD);
            throw new IllegalStateException("graph read lock released by a thread that does not hold it");
        }
        if (hasWriter) {
            wait.kick();
        }
    }

    /**
     * The number of read locks currently held (a racy sum; exact when no reader is entering or leaving).
     *
     * @return the number of read locks held
     */
    public long readerCount() {
        long sum = 0;
        for (int i = 0; i < stripes; i++) {
            sum += readers.get(i * PAD);
        }
        return sum;
    }

    /**
     * Whether a writer holds or is acquiring the lock.
     *
     * @return true if a writer holds the lock or waits for it
     */
    public boolean hasWriter() {
        return hasWriter;
    }

    /** Takes the write lock; the caller holds the control lock and not the write lock. Waits for readers. */
    public void wrlock() {
        control.assertHeld();
        if (writer != null) {
            throw new IllegalStateException("graph write lock is not reentrant");
        }
        writer = Thread.currentThread();
        hasWriter = true; // volatile write, then volatile reads of the stripes (Dekker)
        wait.waitWhile(() -> readerCount() > 0, null);
    }

    /** Releases the write lock and wakes readers that waited for it. */
    public void wrunlock() {
        if (writer != Thread.currentThread()) {
            throw new IllegalStateException("graph write lock released by a thread that does not hold it");
        }
        writer = null;
        hasWriter = false;
        wait.kick();
    }

    /**
     * Whether the calling thread holds the write lock.
     *
     * @return true if the calling thread holds the write lock
     */
    public boolean isWriteLockedByCurrentThread() {
        return writer == Thread.currentThread();
    }
}
