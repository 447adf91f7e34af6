package org.blockgraph.lock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The global wakeup of one block graph, the analogue of QEMU's {@code AIO_WAIT_WHILE} / {@code aio_wait_kick()}.
 *
 * <p>A waiter blocks its own thread until a condition over atomic counters is false; there is no nested event
 * loop. Anything that may make a waited-for condition false (an in-flight counter dropping, a job reaching a pause
 * point, a reader leaving the graph lock) calls {@link #kick()} after its volatile update. The kick is cheap when
 * nobody waits: one volatile read.
 *
 * <p>No lost wakeups (Dekker): a waiter increments {@code waiters} (volatile) and then evaluates the condition
 * (volatile reads); a kicker updates its counter (volatile) and then reads {@code waiters}. Either the kicker sees
 * the waiter and signals under the lock (the waiter evaluates the condition only while holding that lock), or the
 * waiter's evaluation sees the kicker's update.
 */
public final class AioWait {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();

    /** Wakes every waiter so it re-evaluates its condition. Call after the state change, never before. */
    public void kick() {
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
     * Blocks the calling thread while {@code busy} is true. The condition must read only thread-safe state and
     * must not block or change the graph.
     *
     * @param busy        the condition to wait out
     * @param afterQuiet  run once the condition was found false, still under the wait lock (the linearisation
     *                    point of the wait, where its trace event is emitted); may be null
     */
    public void waitWhile(BooleanSupplier busy, Runnable afterQuiet) {
        lock.lock();
        waiters.incrementAndGet();
        try {
            while (busy.getAsBoolean()) {
                // Untimed waits would be enough given the kick protocol; the bound only limits the damage of a
                // kick that a future change forgets, and it does not change the result.
                changed.await(50, TimeUnit.MILLISECONDS);
            }
            if (afterQuiet != null) {
                afterQuiet.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the block graph to become quiet", e);
        } finally {
            waiters.decrementAndGet();
            lock.unlock();
        }
    }
}
