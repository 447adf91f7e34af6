package org.blockgraph.job;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The default executor: a small pool of daemon threads on the system clock. Close it to stop its threads. */
public final class ThreadPoolJobExecutor implements JobExecutor, AutoCloseable {
    private final ScheduledThreadPoolExecutor pool;

    /**
     * A pool with {@code threads} threads.
     *
     * @param threads the number of pool threads (daemon threads named {@code blockgraph-job-N})
     */
    public ThreadPoolJobExecutor(int threads) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "blockgraph-job-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        pool = new ScheduledThreadPoolExecutor(threads, factory);
        pool.setRemoveOnCancelPolicy(true);
    }

    @Override
    public JobClock clock() {
        return JobClock.SYSTEM;
    }

    @Override
    public void submit(JobTask task) {
        pool.execute(task);
    }

    @Override
    public Timer schedule(JobTask task, long deadlineNanos) {
        long delay = Math.max(0, deadlineNanos - JobClock.SYSTEM.nanoTime());
        ScheduledFuture<?> f = pool.schedule(task, delay, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** Stops the threads; tasks not yet started are dropped. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
