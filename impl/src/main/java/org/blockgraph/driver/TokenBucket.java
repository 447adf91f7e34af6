package org.blockgraph.driver;

/**
 * A leaky bucket as QEMU's throttle uses it: the level leaks at {@code rate} units per second; a request may start
 * while the level is below the burst size, and then adds its cost (the level may overshoot once). A rate of 0
 * means unlimited. Thread-safe.
 */
public final class TokenBucket {
    private volatile double rate; // volatile so unlimited buckets answer without taking the monitor
    private double burst;
    private double level;
    private long lastNanos;

    /**
     * @param rate  units per second, 0 for unlimited
     * @param burst how far the level may rise before requests wait; at least one second's worth if smaller
     */
    public TokenBucket(double rate, double burst) {
        this(rate, burst, System.nanoTime());
    }

    /**
     * A bucket whose clock starts at {@code nowNanos} (tests drive the clock themselves).
     *
     * @param rate tokens added per second
     * @param burst the most tokens the bucket holds
     * @param nowNanos the clock's reading at creation, in nanoseconds
     */
    public TokenBucket(double rate, double burst, long nowNanos) {
        set(rate, burst);
        this.lastNanos = nowNanos;
    }

    /**
     * Changes the rate and burst.
     *
     * @param newRate tokens added per second from now on
     * @param newBurst the most tokens the bucket holds from now on
     */
    public synchronized void set(double newRate, double newBurst) {
        if (newRate < 0 || newBurst < 0) {
            throw new IllegalArgumentException("rate and burst must not be negative");
        }
        rate = newRate;
        burst = Math.max(newBurst, newRate / 10);
    }

    private void leak(long now) {
        if (now <= lastNanos) {
            return;
        }
        if (rate > 0) {
            level = Math.max(0, level - rate * (now - lastNanos) / 1e9);
        }
        lastNanos = now;
    }

    /**
     * Takes {@code cost} if the bucket allows it now.
     *
     * @param cost the tokens the request needs
     * @param now the clock's reading, in nanoseconds
     * @return 0 if taken, else the nanoseconds to wait before trying again
     */
    public long tryTake(double cost, long now) {
        if (rate == 0) {
            return 0;
        }
        return tryTakeLimited(cost, now);
    }

    private synchronized long tryTakeLimited(double cost, long now) {
        if (rate == 0) {
            return 0;
        }
        leak(now);
        if (level < burst) {
            level += cost;
            return 0;
        }
        return Math.max(1, (long) ((level - burst) / rate * 1e9) + 1);
    }

    /**
     * Takes {@code cost} unconditionally (while limits are disabled the level still accounts for the I/O).
     *
     * @param cost the tokens the request used
     * @param now the clock's reading, in nanoseconds
     */
    public void force(double cost, long now) {
        if (rate == 0) {
            return;
        }
        forceLimited(cost, now);
    }

    private synchronized void forceLimited(double cost, long now) {
        leak(now);
        if (rate > 0) {
            level += cost;
        }
    }
}
