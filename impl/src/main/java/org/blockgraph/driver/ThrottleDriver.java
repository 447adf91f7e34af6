package org.blockgraph.driver;

import org.blockgraph.graph.Node;

/**
 * Filter {@code throttle} over its {@code file} child, a member of a {@link ThrottleGroup}: total bytes per second
 * and total operations per second, shared with every other node of the group. A request waits (holding its
 * in-flight reference) until the group's buckets let it through. While the node is drained its limits are off
 * ({@code throttle_co_drain_begin}), so its waiting requests finish and the drain can complete; other members of
 * the group stay throttled.
 */
public final class ThrottleDriver extends FilterDriver {
    private final ThrottleGroup group;
    /** Changed only on drain transitions, under the control lock (one writer); read by request threads. */
    private volatile int limitsDisabled;

    /**
     * A throttle node with a private group of its own.
     *
     * @param bpsTotal  bytes per second, 0 for unlimited
     * @param iopsTotal operations per second, 0 for unlimited
     */
    public ThrottleDriver(long bpsTotal, long iopsTotal) {
        this(new ThrottleGroup(null, bpsTotal, iopsTotal));
    }

    /**
     * A throttle node in {@code group} (shared budget with the group's other nodes).
     *
     * @param group the throttle group (upstream's {@code throttle-group} object)
     */
    public ThrottleDriver(ThrottleGroup group) {
        super("file");
        this.group = group;
    }

    @Override
    public String name() {
        return "throttle";
    }

    /**
     * The group this node draws its budget from.
     *
     * @return the node's throttle group
     */
    public ThrottleGroup group() {
        return group;
    }

    /**
     * Changes the limits of this node's group; waiting requests re-check at once.
     *
     * @param bpsTotal  bytes per second, 0 for unlimited
     * @param iopsTotal operations per second, 0 for unlimited
     * @throws IllegalArgumentException if a limit is negative or too large (as {@link ThrottleGroup#setLimits})
     */
    public void setLimits(long bpsTotal, long iopsTotal) {
        group.setLimits(bpsTotal, iopsTotal);
    }

    private boolean disabled() {
        return limitsDisabled > 0;
    }

    private void throttle(long cost) {
        group.throttle(cost, this::disabled);
    }

    @Override
    public void drainBegin(Node bs) {
        limitsDisabled++;
        group.signal();
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
