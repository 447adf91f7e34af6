package org.blockgraph.job;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The core's control lock (QEMU's big lock / main-loop context): job commands and completions that change the
 * graph run while holding it. Supplied by the embedder so the job framework does not depend on the core; tests
 * supply their own. Must be reentrant: a driver hook running under it may issue job commands.
 *
 * <p>Lock order: the control lock before the job mutex; never the other way round.
 */
public interface ControlLock {

    /** Takes the lock, waiting if another thread holds it; reentrant. */
    void lock();

    /** Releases one hold of the lock taken by {@link #lock()}. */
    void unlock();

    /**
     * Whether the calling thread holds the lock (hooks assert it).
     *
     * @return true if the calling thread holds the lock
     */
    boolean isHeldByCurrentThread();

    /**
     * Runs {@code task} under the lock. The default takes the lock and runs it now; a core whose control lock can
     * defer work (run it when the current holder leaves) overrides this so that a job's completion never blocks
     * an executor thread while, say, a drain holds the lock and waits for another job to reach a pause point.
     *
     * @param task the work to run under the lock
     */
    default void execute(Runnable task) {
        lock();
        try {
            task.run();
        } finally {
            unlock();
        }
    }

    /**
     * A plain reentrant lock, for embedders and tests without a core.
     *
     * @return a new control lock backed by a {@link java.util.concurrent.locks.ReentrantLock}
     */
    static ControlLock reentrant() {
        ReentrantLock lock = new ReentrantLock();
        return new ControlLock() {
            @Override
            public void lock() {
                lock.lock();
            }

            @Override
            public void unlock() {
                lock.unlock();
            }

            @Override
            public boolean isHeldByCurrentThread() {
                return lock.isHeldByCurrentThread();
            }
        };
    }
}
