package org.blockgraph.checker.tlc;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs TLC as a subprocess (in-process reuse gives wrong counts: TLC keeps static state), with a fresh metadir
 * that is deleted afterwards, copying every output line to a file and feeding it to {@link TlcOutputParser}.
 * Progress reports are passed to a listener as they arrive. If the JVM is stopped (Ctrl-C) while a run is under
 * way, the subprocess is destroyed rather than left running.
 */
public final class TlcRunner {

    /** Running TLC processes and their metadirs, so that a JVM stopped mid-run leaves neither behind. */
    private static final Map<Process, Path> LIVE = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach((process, metadir) -> {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(metadir);
        }), "blockgraph-tlc-reaper"));
    }

    private TlcRunner() {
    }

    /** Stops runs whose time limit has passed (daemon: never keeps the JVM alive). */
    private static final ScheduledExecutorService STOPPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "blockgraph-tlc-stopper");
        t.setDaemon(true);
        return t;
    });

    /**
     * Runs one invocation to completion.
     *
     * @param invocation what to run
     * @param outputFile where to keep TLC's full output (its folder is created)
     * @param progress   receives each progress report; may be {@code null}
     * @return the finished run
     * @throws IOException if TLC cannot be started or its output not written
     * @throws InterruptedException if interrupted while TLC runs (the subprocess is then destroyed)
     */
    public static TlcRun run(TlcInvocation invocation, Path outputFile, Consumer<Progress> progress)
            throws IOException, InterruptedException {
        return run(invocation::command, invocation.workingDirectory(), invocation.cfg(), outputFile, null, progress,
                null);
    }

    /**
     * Runs any TLC entry point (tlc2.TLC, the distributed TLCServer) the same way: fresh metadir, output kept and
     * parsed, subprocess reaped if the JVM stops.
     *
     * @param command     the command line, given the fresh metadir
     * @param workingDir  the folder to run in (the MC module's)
     * @param cfg         the cfg, named in cfg errors; may be {@code null}
     * @param outputFile  where to keep the full output (its folder is created)
     * @param lines       receives every output line as it arrives; may be {@code null}
     * @param progress    receives each progress report; may be {@code null}
     * @param timeLimit   the process is destroyed once this much time has passed ({@link TlcRun#stopped()} is then
     *                    true); {@code null} for no limit
     * @return the finished (or stopped) run
     * @throws IOException if the process cannot be started or its output not written
     * @throws InterruptedException if interrupted while it runs (the subprocess is then destroyed)
     */
    public static TlcRun run(Function<Path, List<String>> command, Path workingDir, Path cfg, Path outputFile,
                             Consumer<String> lines, Consumer<Progress> progress, Duration timeLimit)
            throws IOException, InterruptedException {
        Path metadir = Files.createTempDirectory("blockgraph-tlc-");
        List<String> cmd = command.apply(metadir);
        Files.createDirectories(outputFile.toAbsolutePath().getParent());
        TlcOutputParser parser = new TlcOutputParser(cfg);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(cmd)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .start();
        LIVE.put(process, metadir);
        AtomicBoolean stopped = new AtomicBoolean();
        ScheduledFuture<?> stop = timeLimit == null ? null : STOPPER.schedule(() -> {
            stopped.set(true);
            process.destroyForcibly();
        }, Math.max(1, timeLimit.toMillis()), TimeUnit.MILLISECONDS);
        int exit;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(outputFile, StandardCharsets.UTF_8)) {
            out.write("# " + String.join(" ", cmd) + "\n# cwd: " + workingDir + "\n");
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                // flushed per line so that `tail -f` on the kept output follows a long run, and a killed run
                // keeps what TLC printed (TLC prints little: progress once a minute)
                out.flush();
                parser.accept(line);
                if (lines != null) {
                    lines.accept(line);
                }
                if (progress != null) {
                    Progress.parse(line).ifPresent(progress);
                }
            }
            exit = process.waitFor();
            if (stop != null) {
                stop.cancel(false);
            }
            out.write(stopped.get() ? "# stopped after the time limit of " + timeLimit.toMillis() + " ms\n"
                    : "# exit code " + exit + "\n");
        } finally {
            if (stop != null) {
                stop.cancel(false);
            }
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
            LIVE.remove(process);
            deleteTree(metadir);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TlcRun(cmd, exit, seconds, parser.result(), outputFile, stopped.get());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a metadir left in the temp folder is harmless; the run's result does not depend on it
        }
    }
}
