package org.blockgraph.io;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * An I/O context (QEMU's IOThread with its AioContext): one thread that runs the requests submitted to it, in
 * order, and completes them there, so completion callbacks run in the submitting context.
 */
public final class IoThread implements AutoCloseable {
    private static final Runnable STOP = () -> { };
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts a context with a thread of this name.
     * @param name the name of the context's thread
     */
    public IoThread(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (true) {
            Runnable r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (r == STOP) {
                return;
            }
            r.run();
        }
    }

    /**
     * Queues work for this context's thread.
     * @param r the work to run on this context's thread, after what is already queued
     * @throws IllegalStateException if the context is closed
     */
    public void execute(Runnable r) {
        if (closed) {
            throw new IllegalStateException("I/O thread '" + thread.getName() + "' is closed");
        }
        queue.add(r);
    }

    /**
     * Whether the caller is this context's thread.
     * @return true when called from this context's thread
     */
    public boolean inThisThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs what was queued, then stops the thread and waits for it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        if (!inThisThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
