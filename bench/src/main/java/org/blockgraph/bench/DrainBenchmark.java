package org.blockgraph.bench;

import java.util.concurrent.TimeUnit;
import org.blockgraph.io.IoThread;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Drain under load: reads at depth 64 from one I/O context while a control thread runs {@code drainsPerSecond}
 * drained sections per second on the null node (each quiesces the whole path up to the BlockBackend, whose
 * requests park until the section ends). The goal is IOPS with 1000 drains/s / without ≥ 0.95. The secondary
 * result {@code drains} is the rate of sections actually achieved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DrainBenchmark {
    /** Graph shape ({@link Shape#cliName()}). */
    @Param({"bare", "filters3"})
    public String shape;

    /** Drained sections per second on the null node; 0 for none. */
    @Param({"0", "1000"})
    public int drainsPerSecond;

    private Shape.Built graph;
    private IoThread ctx;
    private DrainLoad drains;
    private long seen;

    /** Drained sections completed, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Sections {
        /** Sections counted during this iteration. */
        public long drains;
    }

    /** Builds the graph, starts the context and the drain thread. */
    @Setup(Level.Trial)
    public void setUp() {
        graph = Shape.parse(shape).build(64);
        ctx = new IoThread("bench-io0");
        if (drainsPerSecond > 0) {
            drains = new DrainLoad(graph.graph(), graph.leaf(), drainsPerSecond);
        }
    }

    /** Stops the drain thread (rethrowing its failure) and the context. */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (drains != null) {
                drains.close();
            }
        } finally {
            ctx.close();
            graph.blk().close();
        }
    }

    /**
     * One batch of reads at depth 64.
     *
     * @param sections counts the drained sections that overlapped the batch (a JMH auxiliary counter)
     * @return the batch's wall-clock nanoseconds, so nothing is optimised away
     */
    @Benchmark
    @OperationsPerInvocation(IoPathBenchmark.BATCH)
    public long readsUnderDrains(Sections sections) {
        long t = IoLoad.run(graph.blk(), new IoThread[] {ctx}, IoPathBenchmark.BATCH, 64, 4096, false);
        if (drains != null) {
            long now = drains.sections();
            sections.drains += now - seen;
            seen = now;
        }
        return t;
    }
}
