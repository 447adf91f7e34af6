package org.blockgraph.checker.tlc;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

    /**
     * Runs one invocation to completion.
     *
     * @param invocation what to run
     * @param outputFile where to keep TLC's full output (its folder is created)
     * @param progress   receives each progress report; may be {@code null}
     */
    public static TlcRun run(TlcInvocation invocation, Path outputFile, Consumer<Progress> progress)
            throws IOException, InterruptedException {
        Path metadir = Files.createTempDirectory("blockgraph-tlc-");
        List<String> command = invocation.command(metadir);
        Files.createDirectories(outputFile.toAbsolutePath().getParent());
        TlcOutputParser parser = new TlcOutputParser(invocation.cfg());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(invocation.workingDirectory().toFile())
                .redirectErrorStream(true)
                .start();
        LIVE.put(process, metadir);
        int exit;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(outputFile, StandardCharsets.UTF_8)) {
            out.write("# " + String.join(" ", command) + "\n# cwd: " + invocation.workingDirectory() + "\n");
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                // flushed per line so that `tail -f` on the kept output follows a long run, and a killed run
                // keeps what TLC printed (TLC prints little: progress once a minute)
                out.flush();
                parser.accept(line);
                if (progress != null) {
                    Progress.parse(line).ifPresent(progress);
                }
            }
            exit = process.waitFor();
            out.write("# exit code " + exit + "\n");
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
            LIVE.remove(process);
            deleteTree(metadir);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TlcRun(command, exit, seconds, parser.result(), outputFile);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a metadir left in the temp folder is harmless; the run's result does not depend on it
        }
    }
}
