package org.blockgraph.bench;

import java.util.concurrent.TimeUnit;
import org.blockgraph.io.IoThread;
import org.blockgraph.lock.BenchmarkOnly;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the graph read lock and the in-flight accounting cost: the same read path twice, once as shipped and once
 * in a JVM started with the benchmark-only {@link BenchmarkOnly#NO_IO_ACCOUNTING} switch, which makes both
 * no-ops. The goal is with / without ≥ 0.95. The switch is a {@code static final}, so each variant runs in its own
 * fork. Asynchronous (depth 64, one context) and synchronous (depth 1, one thread) variants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GraphLockCostBenchmark {
    private static final String OFF = "-D" + BenchmarkOnly.NO_IO_ACCOUNTING_PROPERTY + "=true";

    /** Graph shape ({@link Shape#cliName()}). */
    @Param({"bare", "filters3"})
    public String shape;

    private Shape.Built graph;
    private IoThread ctx;
    private final byte[] buf = new byte[4096];
    private long offset;

    /** Builds the graph and starts the context. */
    @Setup(Level.Trial)
    public void setUp() {
        graph = Shape.parse(shape).build(64);
        ctx = new IoThread("bench-io0");
    }

    /** Stops the context. */
    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
        graph.blk().close();
    }

    private long batch() {
        return IoLoad.run(graph.blk(), new IoThread[] {ctx}, IoPathBenchmark.BATCH, 64, 4096, false);
    }

    private byte[] one() {
        long o = offset;
        offset = o + 8192 > Shape.SIZE ? 0 : o + 4096;
        graph.blk().read(o, buf, 0, 4096);
        return buf;
    }

    /**
     * Asynchronous reads with the graph lock and in-flight accounting (as shipped).
     *
     * @return the batch's wall-clock nanoseconds
     */
    @Benchmark
    @Fork(1)
    @OperationsPerInvocation(IoPathBenchmark.BATCH)
    public long asyncWithLock() {
        checkSwitch(false);
        return batch();
    }

    /**
     * Asynchronous reads with both replaced by no-ops (benchmark-only build of the path).
     *
     * @return the batch's wall-clock nanoseconds
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = OFF)
    @OperationsPerInvocation(IoPathBenchmark.BATCH)
    public long asyncWithoutLock() {
        checkSwitch(true);
        return batch();
    }

    /**
     * Synchronous reads, as shipped.
     *
     * @return the buffer read into
     */
    @Benchmark
    @Fork(1)
    public byte[] syncWithLock() {
        checkSwitch(false);
        return one();
    }

    /**
     * Synchronous reads, benchmark-only build of the path.
     *
     * @return the buffer read into
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = OFF)
    public byte[] syncWithoutLock() {
        checkSwitch(true);
        return one();
    }

    /** A fork started without the switch must not measure the no-op path, or the reverse (folds away when JIT). */
    private static void checkSwitch(boolean expectedOff) {
        if (BenchmarkOnly.NO_IO_ACCOUNTING != expectedOff) {
            throw new IllegalStateException("benchmark-only switch is " + BenchmarkOnly.NO_IO_ACCOUNTING
                    + " in a fork that expects " + expectedOff);
        }
    }
}
