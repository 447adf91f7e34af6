package org.blockgraph.lock;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The control lock: graph changes, drains and job completion are serialised under it (QEMU's big lock plus the
 * main loop). Any thread may take it; nothing is handed to a private control thread. I/O never takes it.
 *
 * <p>It is reentrant, because a graph change drains nodes and a drain may be part of a larger control operation.
 * Work that must not run inside another control operation (a job that finished and wants to change the graph while
 * a drain waits for quiet) is queued with {@link #execute(Runnable)}: it runs at once if the lock is free, or else
 * when the current holder leaves its outermost control operation. Deferred work therefore never runs inside a
 * drain's wait.
 */
public final class ControlLock {
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Runnable> deferred = new ConcurrentLinkedQueue<>();
    private volatile Consumer<Throwable> failureHandler = t -> {
        Thread.UncaughtExceptionHandler h = Thread.getDefaultUncaughtExceptionHandler();
        if (h != null) {
            h.uncaughtException(Thread.currentThread(), t);
        } else {
            t.printStackTrace();
        }
    };

    /**
     * Where a deferred task's failure goes (default: the default uncaught-exception handler), so that it never
     * surfaces in whichever unrelated control operation happened to run the task.
     *
     * @param handler receives each failure of a deferred task
     */
    public void setFailureHandler(Consumer<Throwable> handler) {
        failureHandler = handler;
    }

    /** Enters a control operation. */
    public void lock() {
        lock.lock();
    }

    /** Leaves a control operation; leaving the outermost one first runs the deferred work. */
    public void unlock() {
        if (lock.getHoldCount() == 1) {
            runDeferred();
        }
        lock.unlock();
        if (lock.isHeldByCurrentThread()) {
            return; // still inside an outer control operation: its unlock runs the deferred work
        }
        // A task queued between our last poll and the unlock found the lock taken and relies on us: re-check.
        while (!deferred.isEmpty() && lock.tryLock()) {
            try {
                runDeferred();
            } finally {
                lock.unlock();
            }
        }
    }

    private void runDeferred() {
        Runnable task;
        while ((task = deferred.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failureHandler.accept(e);
            }
        }
    }

    /**
     * Runs {@code task} under the control lock: now if the lock is free or already held by this thread (and no
     * drain of this thread is waiting), otherwise when the current holder leaves its outermost control operation.
     * Never blocks the caller.
     *
     * @param task the control operation to run under the lock
     */
    public void execute(Runnable task) {
        deferred.add(task);
        if (lock.tryLock()) {
            try {
                if (lock.getHoldCount() == 1) {
                    runDeferred();
                }
            } finally {
                unlock();
            }
        }
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return true if the calling thread holds the lock
     */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Throws {@link IllegalStateException} unless the calling thread holds the lock. */
    public void assertHeld() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("this operation needs the control lock");
        }
    }
}
