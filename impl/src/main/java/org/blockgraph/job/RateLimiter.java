package org.blockgraph.job;

import java.math.BigInteger;

/**
 * The {@code speed} limit of a job's copying, in bytes per second: a token bucket in its virtual-scheduling form
 * (GCRA). Each copied byte costs {@code 1e9 / speed} ns of "theoretical time"; the job may run ahead of real time
 * by at most {@link #BURST_NANOS} (one 100 ms slice, QEMU's BLOCK_JOB_SLICE_TIME), and a step that pushes it
 * further must sleep for the excess. Over any interval of length T the job copies at most
 * {@code speed * (T + BURST) } bytes plus one step; the steady rate is exactly {@code speed}.
 *
 * <p>Not thread-safe: the owning {@link Job} guards it with the job mutex. Time comes from the executor's
 * {@link JobClock}, so tests drive it with a fake clock.
 */
final class RateLimiter {
    /** How far ahead of real time the job may run (its burst allowance). */
    static final long BURST_NANOS = 100_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Cap on theoretical time ahead of now, so sums cannot overflow with absurd byte counts. */
    private static final long MAX_AHEAD = Long.MAX_VALUE / 4;

    private long bytesPerSecond;
    /** The theoretical time at which all bytes accounted so far have been paid for. */
    private long theoreticalTime;

    /** Sets the speed (0 = unlimited) and starts the accounting afresh at {@code now}. */
    void setSpeed(long bytesPerSecond, long now) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("negative speed " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.theoreticalTime = now;
    }

    long speed() {
        return bytesPerSecond;
    }

    /** How long the job must still sleep at {@code now} before it may copy again (0 if it may copy now). */
    long pendingDelay(long now) {
        if (bytesPerSecond == 0) {
            return 0;
        }
        return Math.max(0, theoreticalTime - now - BURST_NANOS);
    }

    /** Accounts {@code bytes} copied at {@code now} and returns how long the job must sleep before its next copy. */
    long consume(long bytes, long now) {
        if (bytesPerSecond == 0 || bytes <= 0) {
            return 0;
        }
        long base = Math.max(theoreticalTime, now);
        long cost = costNanos(bytes);
        theoreticalTime = (cost >= MAX_AHEAD - (base - now)) ? now + MAX_AHEAD : base + cost;
        return Math.max(0, theoreticalTime - now - BURST_NANOS);
    }

    /** ceil(bytes * 1e9 / speed), saturating. */
    private long costNanos(long bytes) {
        long high = Math.multiplyHigh(bytes, NANOS_PER_SECOND);
        long low = bytes * NANOS_PER_SECOND;
        if (high == 0 && low >= 0) {
            return low / bytesPerSecond + (low % bytesPerSecond == 0 ? 0 : 1);
        }
        BigInteger exact = BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(NANOS_PER_SECOND))
                .add(BigInteger.valueOf(bytesPerSecond - 1)).divide(BigInteger.valueOf(bytesPerSecond));
        return exact.bitLength() < 62 ? exact.longValue() : MAX_AHEAD;
    }
}
