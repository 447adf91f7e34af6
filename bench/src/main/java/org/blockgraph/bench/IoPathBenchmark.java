package org.blockgraph.bench;

import java.util.concurrent.TimeUnit;
import org.blockgraph.io.IoThread;
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
 * The I/O path: 4 KiB requests to a null node through the asynchronous API, {@code depth} in flight per I/O
 * context, 1 or 2 contexts submitting at once to one BlockBackend (multiqueue), bare or through three filters.
 * Scores are requests per second (one invocation = {@value #BATCH} requests).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IoPathBenchmark {
    /** Requests per invocation. */
    public static final int BATCH = 16384;

    /** Graph shape ({@link Shape#cliName()}). */
    @Param({"bare", "filters3"})
    public String shape;

    /** Requests in flight per context. */
    @Param({"1", "64"})
    public int depth;

    /** {@code read} or {@code write}. */
    @Param({"read", "write"})
    public String op;

    /** Submitting I/O contexts. */
    @Param({"1", "2"})
    public int threads;

    private Shape.Built graph;
    private IoThread[] ctxs;

    /** Builds the graph and starts the contexts. */
    @Setup(Level.Trial)
    public void setUp() {
        graph = Shape.parse(shape).build(depth * threads);
        ctxs = new IoThread[threads];
        for (int i = 0; i < threads; i++) {
            ctxs[i] = new IoThread("bench-io" + i);
        }
    }

    /** Stops the contexts. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (IoThread c : ctxs) {
            c.close();
        }
        graph.blk().close();
    }

    /**
     * One batch of requests; returns its duration so nothing is optimised away.
     *
     * @return the batch's wall-clock nanoseconds
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long requests() {
        return IoLoad.run(graph.blk(), ctxs, BATCH, depth, 4096, "write".equals(op));
    }
}
