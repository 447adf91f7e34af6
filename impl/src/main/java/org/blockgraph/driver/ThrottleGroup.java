package org.blockgraph.driver;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A throttle group (QOM type {@code throttle-group}): one budget of total bytes per second and total operations
 * per second, each a {@link TokenBucket}, shared by every {@link ThrottleDriver} node that belongs to it. Requests
 * of all members draw from the same buckets, so two nodes in a group limited to 100 IOPS get 100 IOPS together.
 * Which nodes use a group is read off the graph (the nodes whose {@link ThrottleDriver#group()} it is). Thread-safe.
 */
public final class ThrottleGroup {
    /** Largest accepted limit ({@code THROTTLE_VALUE_MAX} upstream). */
    public static final long VALUE_MAX = 1_000_000_000_000_000L;

    private final String name;
    private final TokenBucket bytes;
    private final TokenBucket ops;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();

    /**
     * @param name      the group's id (null for a node's private group)
     * @param bpsTotal  bytes per second, 0 for unlimited
     * @param iopsTotal operations per second, 0 for unlimited
     */
    public ThrottleGroup(String name, long bpsTotal, long iopsTotal) {
        checkLimit(bpsTotal);
        checkLimit(iopsTotal);
        this.name = name;
        this.bytes = new TokenBucket(bpsTotal, bpsTotal);
        this.ops = new TokenBucket(iopsTotal, iopsTotal);
    }

    private static void checkLimit(long v) {
        if (v < 0 || v > VALUE_MAX) {
            throw new IllegalArgumentException("bps/iops/max values must be within [0, " + VALUE_MAX + "]");
        }
    }

    /**
     * The group's id, or null for a private group.
     *
     * @return the {@code throttle-group} object id, or null
     */
    public String name() {
        return name;
    }

    /**
     * Changes the limits; waiting requests of every member re-check at once.
     *
     * @param bpsTotal  bytes per second, 0 for unlimited
     * @param iopsTotal operations per second, 0 for unlimited
     * @throws IllegalArgumentException if a limit is negative or above the maximum upstream allows; nothing
     *                                  changes then
     */
    public void setLimits(long bpsTotal, long iopsTotal) {
        checkLimit(bpsTotal);
        checkLimit(iopsTotal);
        bytes.set(bpsTotal, bpsTotal);
        ops.set(iopsTotal, iopsTotal);
        signal();
    }

    void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Charges one request of {@code cost} bytes, waiting while the budget is exhausted; {@code disabled} says
     * whether the calling node's limits are off (drained), in which case the request is only accounted.
     */
    void throttle(long cost, java.util.function.BooleanSupplier disabled) {
        while (true) {
            long now = System.nanoTime();
            if (disabled.getAsBoolean()) {
                bytes.force(cost, now);
                ops.force(1, now);
                return;
            }
            long waitOps = ops.tryTake(1, now);
            if (waitOps == 0) {
                long waitBytes = bytes.tryTake(cost, now);
                if (waitBytes == 0) {
                    return;
                }
                // Keep the operation counted and wait for the byte bucket: simpler and only slightly stricter than
                // upstream, which checks both buckets before charging either.
                sleep(waitBytes, disabled);
                bytes.force(cost, System.nanoTime());
                return;
            }
            sleep(waitOps, disabled);
        }
    }

    private void sleep(long nanos, java.util.function.BooleanSupplier disabled) {
        lock.lock();
        try {
            if (!disabled.getAsBoolean()) {
                wake.await(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
