package org.blockgraph.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.io.IoRequest;
import org.blockgraph.io.IoThread;

/**
 * The blockgraph equivalent of {@code qemu-img bench}'s request loop: on each {@link IoThread} (one I/O context,
 * like qemu-img's single AioContext), {@code depth} requests are submitted through the asynchronous API and every
 * completion, which runs in that context, submits the next one until the context's share of {@code count} is done.
 * Offsets start at 0 and advance by {@code size}, wrapping to 0 at the end of the device, as qemu-img does with
 * its default step.
 *
 * <p>Every request must succeed: a failed request fails the whole run (a benchmark that silently counts errors
 * as I/O would measure nothing).
 */
public final class IoLoad {
    private IoLoad() {
    }

    /**
     * Runs the load and returns the wall-clock nanoseconds from the first submission to the last completion.
     *
     * @param blk   the BlockBackend (its queue depth must be at least {@code depth} times the contexts)
     * @param ctxs  the I/O contexts; the requests are split evenly among them, each keeping {@code depth} in flight
     * @param count total requests
     * @param depth requests in flight per context
     * @param size  bytes per request
     * @param write writes instead of reads
     * @return nanoseconds from the first submission to the last completion
     * @throws IllegalStateException if a request failed (its error is the cause)
     */
    public static long run(BlockBackend blk, IoThread[] ctxs, long count, int depth, int size, boolean write) {
        if (count < 1 || depth < 1 || size < 1 || ctxs.length < 1) {
            throw new IllegalArgumentException("count, depth, size and the number of contexts must be positive");
        }
        if ((long) depth * ctxs.length > blk.maxQueueDepth()) {
            throw new IllegalArgumentException("depth " + depth + " on " + ctxs.length + " context(s) exceeds the "
                    + "BlockBackend's queue depth " + blk.maxQueueDepth());
        }
        long length = blk.length();
        if (length < size) {
            throw new IllegalArgumentException("device of " + length + " bytes is smaller than one request");
        }
        CountDownLatch done = new CountDownLatch(ctxs.length);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < ctxs.length; i++) {
            long share = count / ctxs.length + (i < count % ctxs.length ? 1 : 0);
            streams.add(new Stream(blk, ctxs[i], share, depth, size, write, length, done, failure));
        }
        long start = System.nanoTime();
        for (Stream s : streams) {
            s.ctx.execute(s::start);
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the contexts still run our requests: wait for them, then re-assert
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        long elapsed = System.nanoTime() - start;
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("a benchmark request failed: " + t, t);
        }
        long completed = 0;
        for (Stream s : streams) {
            completed += s.completed;
        }
        if (completed != count) {
            throw new IllegalStateException("completed " + completed + " requests of " + count);
        }
        return elapsed;
    }

    /**
     * Convenience: {@link #run} on a fresh set of {@code threads} contexts, closed afterwards.
     *
     * @param blk the BlockBackend (its queue depth must be at least {@code depth} times {@code threads})
     * @param threads how many I/O contexts to create
     * @param count total requests
     * @param depth requests in flight per context
     * @param size bytes per request
     * @param write writes instead of reads
     * @return nanoseconds from the first submission to the last completion
     */
    public static long run(BlockBackend blk, int threads, long count, int depth, int size, boolean write) {
        IoThread[] ctxs = new IoThread[threads];
        for (int i = 0; i < threads; i++) {
            ctxs[i] = new IoThread("bench-io" + i);
        }
        try {
            return run(blk, ctxs, count, depth, size, write);
        } finally {
            for (IoThread c : ctxs) {
                c.close();
            }
        }
    }

    /** One context's share. All fields but the final ones are touched only on the context's own thread. */
    private static final class Stream {
        final BlockBackend blk;
        final IoThread ctx;
        final long total;
        final int depth;
        final int size;
        final boolean write;
        final long length;
        final CountDownLatch done;
        final AtomicReference<Throwable> failure;
        final byte[] writeBuffer;
        long submitted;
        long completed;
        long nextOffset;
        boolean stopped;

        Stream(BlockBackend blk, IoThread ctx, long total, int depth, int size, boolean write, long length,
               CountDownLatch done, AtomicReference<Throwable> failure) {
            this.blk = blk;
            this.ctx = ctx;
            this.total = total;
            this.depth = depth;
            this.size = size;
            this.write = write;
            this.length = length;
            this.done = done;
            this.failure = failure;
            this.writeBuffer = write ? new byte[size] : null;
            if (write) {
                Arrays.fill(writeBuffer, (byte) 0xa5);
            }
        }

        void start() {
            if (total == 0) {
                done.countDown();
                return;
            }
            for (int i = 0; i < depth && submitted < total && !stopped; i++) {
                submitNext();
            }
        }

        private void submitNext() {
            long off = nextOffset;
            nextOffset = off + size + size > length ? 0 : off + size;
            IoRequest req = write ? IoRequest.write(off, writeBuffer) : IoRequest.read(off, size);
            try {
                blk.submit(ctx, req).whenComplete(this::completed);
                submitted++;
            } catch (RuntimeException e) {
                // refused submission: an exception here would end the context's thread and hang the run
                failure.compareAndSet(null, e);
                stopped = true;
                if (completed == submitted) {
                    done.countDown();
                }
            }
        }

        private void completed(IoRequest req, Throwable error) {
            completed++;
            if (error != null) {
                failure.compareAndSet(null, error);
                stopped = true; // submit nothing more; the requests still in flight finish
            }
            if (!stopped && submitted < total) {
                submitNext();
            } else if (completed == submitted) {
                done.countDown();
            }
        }
    }
}
