package org.blockgraph.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;

/**
 * A control thread that runs drained sections on one node at a fixed rate ({@code drainedBegin}, which waits
 * until the node and everything above it is quiet, then at once {@code drainedEnd}), as a management loop would,
 * while I/O runs. Sections are paced against the clock: a late section is not made up by a burst.
 */
public final class DrainLoad implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong sections = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    /**
     * Starts draining {@code node} {@code perSecond} times per second.
     *
     * @param graph     the graph
     * @param node      the node to drain (draining the leaf quiesces the whole path above it)
     * @param perSecond sections per second, positive
     */
    public DrainLoad(BlockGraph graph, Node node, int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("drains per second must be positive");
        }
        long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
        thread = new Thread(() -> {
            long next = System.nanoTime();
            try {
                while (!stop) {
                    graph.drainedBegin(node);
                    graph.drainedEnd(node);
                    sections.incrementAndGet();
                    next += period;
                    long now = System.nanoTime();
                    if (next > now) {
                        LockSupport.parkNanos(next - now);
                    } else {
                        next = now; // behind: no catch-up burst
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "bench-drain");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Drained sections completed so far.
     *
     * @return the number of sections begun and ended
     */
    public long sections() {
        return sections.get();
    }

    /** Stops the thread and waits for it; rethrows what made it fail, if anything. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the drain thread failed: " + t, t);
        }
    }
}
