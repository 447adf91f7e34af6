package org.blockgraph.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.graph.Node;
import org.blockgraph.io.IoThread;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A graph change under load: the time to insert a throttle filter above the top node and remove it again (each a
 * drained, write-locked, permission-checked change), idle or while one I/O context keeps 64 reads in flight.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GraphChangeBenchmark {
    /** {@code idle} or {@code depth64} (reads in flight meanwhile). */
    @Param({"idle", "depth64"})
    public String load;

    private Shape.Built graph;
    private IoThread ctx;
    private Thread loader;
    private volatile boolean stop;
    private final AtomicReference<Throwable> loadFailure = new AtomicReference<>();

    /** Builds the three-filter graph and starts the background load. */
    @Setup(Level.Trial)
    public void setUp() {
        graph = Shape.FILTERS3.build(64);
        if ("depth64".equals(load)) {
            ctx = new IoThread("bench-io0");
            loader = new Thread(() -> {
                try {
                    while (!stop) {
                        IoLoad.run(graph.blk(), new IoThread[] {ctx}, 4096, 64, 4096, false);
                    }
                } catch (Throwable t) {
                    loadFailure.set(t);
                }
            }, "bench-load");
            loader.setDaemon(true);
            loader.start();
        } else if (!"idle".equals(load)) {
            throw new IllegalArgumentException("load must be idle or depth64");
        }
    }

    /**
     * Stops the load; fails the trial if a request failed.
     *
     * @throws InterruptedException if interrupted while waiting for the load thread
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        stop = true;
        if (loader != null) {
            loader.join();
            ctx.close();
        }
        graph.blk().close();
        if (loadFailure.get() != null) {
            throw new IllegalStateException("background I/O failed", loadFailure.get());
        }
    }

    /**
     * Insert a filter above the top node, then remove it.
     *
     * @return the inserted filter, so nothing is optimised away
     */
    @Benchmark
    public Node insertAndRemoveFilter() {
        Node f = graph.graph().insertFilter("bench-thr", new ThrottleDriver(0, 0), graph.top());
        graph.graph().removeFilter(f);
        return f;
    }
}
