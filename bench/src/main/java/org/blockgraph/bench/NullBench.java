package org.blockgraph.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.blockgraph.io.IoThread;
import org.blockgraph.lock.BenchmarkOnly;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * blockgraph's equivalent of {@code qemu-img bench -t none -c N -d DEPTH -s SIZE [-w]} on a null device: same
 * options, same request pattern (see {@link IoLoad}), and the same two output lines, so one parser reads both.
 * It builds the graph, runs a warm-up pass (the JIT compiles the path; qemu-img is compiled ahead of time), then
 * times the measured pass.
 *
 * <p>Extras: {@code --shape} (bare or filters3), {@code --threads} (I/O contexts submitting at once, each at the
 * given depth), {@code --drains-per-second} (a control thread drains the null node meanwhile). The benchmark-only
 * no-lock/no-accounting path is chosen when the JVM starts, with
 * {@code -Dblockgraph.benchmarkOnly.noIoAccounting=true}; the output then says so.
 */
@Command(name = "nullbench", mixinStandardHelpOptions = true,
        description = "qemu-img bench's request loop, through blockgraph's I/O path to a null node.")
public final class NullBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-c", description = "requests to time (default ${DEFAULT-VALUE})", defaultValue = "75000")
    long count;

    @Option(names = "-d", description = "requests in flight per I/O context (default ${DEFAULT-VALUE})",
            defaultValue = "64")
    int depth;

    @Option(names = "-s", description = "bytes per request (default ${DEFAULT-VALUE})", defaultValue = "4096")
    int size;

    @Option(names = "-w", description = "write instead of read")
    boolean write;

    @Option(names = "--shape", description = "bare or filters3 (default ${DEFAULT-VALUE})", defaultValue = "bare")
    String shape;

    @Option(names = "--threads", description = "submitting I/O contexts (default ${DEFAULT-VALUE})",
            defaultValue = "1")
    int threads;

    @Option(names = "--drains-per-second", description = "drained sections per second on the null node meanwhile "
            + "(default ${DEFAULT-VALUE}: none)", defaultValue = "0")
    int drainsPerSecond;

    @Option(names = "--warmup", description = "untimed requests first (default: min(count, 200000))",
            defaultValue = "-1")
    long warmup;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Shape sh;
        try {
            sh = Shape.parse(shape);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (count < 1 || depth < 1 || size < 1 || threads < 1 || drainsPerSecond < 0 || depth > 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "-c, -d (at most 1024), -s and --threads must be positive, --drains-per-second not negative");
        }
        long warm = warmup < 0 ? Math.min(count, 200_000) : warmup;
        Shape.Built g = sh.build(depth * threads);
        IoThread[] ctxs = new IoThread[threads];
        for (int i = 0; i < threads; i++) {
            ctxs[i] = new IoThread("bench-io" + i);
        }
        DrainLoad drains = null;
        try {
            if (warm > 0) {
                IoLoad.run(g.blk(), ctxs, warm, depth, size, write);
            }
            out.printf(Locale.ROOT, "Sending %d %s requests, %d bytes each, %d in parallel (starting at offset 0, "
                    + "step size %d)%n", count, write ? "write" : "read", size, depth, size);
            out.printf(Locale.ROOT, "blockgraph: shape %s, %d I/O context(s), %d drains/s, graph lock and "
                    + "accounting %s, %d warm-up requests%n", sh.cliName(), threads, drainsPerSecond,
                    BenchmarkOnly.NO_IO_ACCOUNTING ? "OFF (benchmark-only)" : "on", warm);
            long sectionsBefore = 0;
            if (drainsPerSecond > 0) {
                drains = new DrainLoad(g.graph(), g.leaf(), drainsPerSecond);
                sectionsBefore = drains.sections();
            }
            long nanos = IoLoad.run(g.blk(), ctxs, count, depth, size, write);
            if (drains != null) {
                long sections = drains.sections() - sectionsBefore;
                drains.close();
                drains = null;
                out.printf(Locale.ROOT, "Drained sections during the run: %d (%.0f/s)%n", sections,
                        sections / (nanos / 1e9));
            }
            out.printf(Locale.ROOT, "Run completed in %.6f seconds.%n", nanos / 1e9);
            out.flush();
            return 0;
        } finally {
            if (drains != null) {
                drains.close();
            }
            for (IoThread c : ctxs) {
                c.close();
            }
            g.blk().close();
        }
    }

    /**
     * Runs with the given streams; returns the exit code (0 ok, 1 a request failed, 2 bad usage).
     *
     * @param out where the results go
     * @param err where usage errors and request failures go
     * @param args the command line
     * @return the exit code
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new NullBench());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("nullbench: " + ex.getMessage());
            return 1;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Entry point.
     *
     * @param args the command line (see {@link #execute})
     */
    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }
}
