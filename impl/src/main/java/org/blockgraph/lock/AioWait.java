package org.blockgraph.lock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The global wakeup of one block graph, the analogue of QEMU's {@code AIO_WAIT_WHILE} / {@code aio_wait_kick()}.
 *
 * <p>A waiter blocks its own thread until a condition over thread-safe state is false; there is no nested event
 * loop. Anything that may make a waited-for condition false (an in-flight counter dropping, a job reaching a pause
 * point, a reader leaving the graph lock) calls {@link #kick()} after its update. A kick is cheap when nobody
 * waits: one atomic increment and one volatile read.
 *
 * <p>An event count: the waiter reads the {@code version}, evaluates the condition without holding any lock of
 * ours, and sleeps only while the version is unchanged. A kicker updates its state, increments the version, and
 * signals if someone may sleep ({@code waiters}, checked after the increment; the waiter registers before
 * re-checking the version: a Dekker pair). So a kick is never lost, and the condition may take the caller's own
 * locks (a job's mutex, say) in any order: our lock is a leaf, held only to sleep and to signal.
 */
public final class AioWait {
    /** Re-evaluation period, a safety net only: parents that forget to kick slow a drain down, never hang it. */
    private static final long REPOLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private final long repollNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong version = new AtomicLong();
    private final AtomicInteger waiters = new AtomicInteger();

    /** A wakeup with the default safety-net re-evaluation period. */
    public AioWait() {
        this(REPOLL_NANOS);
    }

    /** A wakeup that re-evaluates on its own only every {@code repollNanos} (tests disable it to catch lost kicks). */
    AioWait(long repollNanos) {
        this.repollNanos = repollNanos;
    }

    /** Wakes every waiter so it re-evaluates its condition. Call after the state change, never before. */
    public void kick() {
        version.incrementAndGet();
        if (waiters.get() > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Blocks the calling thread while {@code busy} is true. The condition must not block for long and must not
     * change the graph.
     *
     * @param busy        the condition to wait out
     * @param afterQuiet  run once the condition was found false (where the wait's trace event is emitted); may be
     *                    null
     */
    public void waitWhile(BooleanSupplier busy, Runnable afterQuiet) {
        while (true) {
            long seen = version.get();
            if (!busy.getAsBoolean()) {
                break;
            }
            lock.lock();
            waiters.incrementAndGet();
            try {
                long left = repollNanos;
                while (version.get() == seen && left > 0) {
                    left = changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the block graph to become quiet", e);
            } finally {
                waiters.decrementAndGet();
                lock.unlock();
            }
        }
        if (afterQuiet != null) {
            afterQuiet.run();
        }
    }
}
