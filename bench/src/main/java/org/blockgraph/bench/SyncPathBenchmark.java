package org.blockgraph.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path alone, without an I/O context's queue: JMH threads call the synchronous API directly (depth 1
 * per thread), 1 or 2 threads on one BlockBackend. The difference to {@link IoPathBenchmark} at depth 1 is the cost
 * of the asynchronous submission (queue, future, queue-depth semaphore).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SyncPathBenchmark {
    /** Graph shape ({@link Shape#cliName()}). */
    @Param({"bare", "filters3"})
    public String shape;

    private Shape.Built graph;

    /** Per-thread buffer and offset cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        final byte[] buf = new byte[4096];
        long offset;

        long next() {
            long o = offset;
            offset = o + 8192 > Shape.SIZE ? 0 : o + 4096;
            return o;
        }
    }

    /** Builds the graph. */
    @Setup(Level.Trial)
    public void setUp() {
        graph = Shape.parse(shape).build(64);
    }

    /** Detaches the BlockBackend. */
    @TearDown(Level.Trial)
    public void tearDown() {
        graph.blk().close();
    }

    /**
     * One 4 KiB read, one thread.
     *
     * @param c the thread's buffer and offset
     * @return the buffer read into
     */
    @Benchmark
    @Threads(1)
    public byte[] read1(Cursor c) {
        graph.blk().read(c.next(), c.buf, 0, 4096);
        return c.buf;
    }

    /**
     * One 4 KiB read each, two threads.
     *
     * @param c the thread's buffer and offset
     * @return the buffer read into
     */
    @Benchmark
    @Threads(2)
    public byte[] read2(Cursor c) {
        graph.blk().read(c.next(), c.buf, 0, 4096);
        return c.buf;
    }

    /**
     * One 4 KiB write, one thread.
     *
     * @param c the thread's buffer and offset
     * @return the buffer written from
     */
    @Benchmark
    @Threads(1)
    public byte[] write1(Cursor c) {
        graph.blk().write(c.next(), c.buf, 0, 4096, 0);
        return c.buf;
    }

    /**
     * One 4 KiB write each, two threads.
     *
     * @param c the thread's buffer and offset
     * @return the buffer written from
     */
    @Benchmark
    @Threads(2)
    public byte[] write2(Cursor c) {
        graph.blk().write(c.next(), c.buf, 0, 4096, 0);
        return c.buf;
    }
}
