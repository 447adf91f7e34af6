package org.blockgraph.driver;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.blockgraph.graph.Node;

/**
 * Filter {@code throttle} over its {@code file} child: total bytes per second and total operations per second, each
 * a {@link TokenBucket}. A request waits (holding its in-flight reference) until both buckets let it through.
 * While the node is drained the limits are off ({@code throttle_co_drain_begin}), so waiting requests finish and
 * the drain can complete.
 */
public final class ThrottleDriver extends FilterDriver {
    private final TokenBucket bytes;
    private final TokenBucket ops;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Changed only on drain transitions, under the control lock (one writer); read by request threads. */
    private volatile int limitsDisabled;

    /**
     * @param bpsTotal  bytes per second, 0 for unlimited
     * @param iopsTotal operations per second, 0 for unlimited
     */
    public ThrottleDriver(long bpsTotal, long iopsTotal) {
        super("file");
        this.bytes = new TokenBucket(bpsTotal, bpsTotal);
        this.ops = new TokenBucket(iopsTotal, iopsTotal);
    }

    @Override
    public String name() {
        return "throttle";
    }

    /**
     * Changes the limits; waiting requests re-check at once.
     *
     * @param bpsTotal bytes per second for reads and writes together; 0 for no limit
     * @param iopsTotal requests per second for reads and writes together; 0 for no limit
     */
    public void setLimits(long bpsTotal, long iopsTotal) {
        bytes.set(bpsTotal, bpsTotal);
        ops.set(iopsTotal, iopsTotal);
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void throttle(long cost) {
        while (true) {
            long now = System.nanoTime();
            if (limitsDisabled > 0) {
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
                // Give the operation back by waiting for the byte bucket with it counted: simpler and only
                // slightly stricter than upstream, which checks both buckets before charging either.
                sleep(waitBytes);
                bytes.force(cost, System.nanoTime());
                return;
            }
            sleep(waitOps);
        }
    }

    private void sleep(long nanos) {
        lock.lock();
        try {
            if (limitsDisabled == 0) {
                wake.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void drainBegin(Node bs) {
        limitsDisabled++;
        signal();
    }

    @Override
    public void drainEnd(Node bs) {
        limitsDisabled--;
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        throttle(len);
        super.read(bs, offset, buf, off, len, flags);
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        throttle(len);
        super.write(bs, offset, buf, off, len, flags);
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        throttle(0);
        super.writeZeroes(bs, offset, len, flags);
    }

    @Override
    public void discard(Node bs, long offset, long len) {
        throttle(0);
        super.discard(bs, offset, len);
    }
}
