package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.trace.TraceRecorder;
import org.blockgraph.trace.TraceRecorder.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored, delta-debugged command sequences (checker/src/test/resources/trace-regressions/*.json): each file names
 * the core variant, the I/O threads, the choices and the expectation, "caught" (the invariant oracle reports a
 * violation or TLC rejects the trace) or "accepted". Every file is replayed. On the fixed core no generated
 * sequence has failed yet, so the files hold the minimised sequences of the deliberately broken variants, which
 * keeps the mechanism (generate, catch, minimise, store, replay) exercised; a sequence that fails on the real core
 * goes here the same way, with the expectation "accepted" once fixed.
 *
 * <p>{@code -Dblockgraph.trace.regenerate=true} searches seeds for failing runs of each broken variant, minimises
 * them with {@link DeltaDebug} (predicate: caught) and rewrites the files.
 */
class TraceRegressionTest {
    static final Path DIR = Fixtures.repoRoot().resolve("checker/src/test/resources/trace-regressions");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path dir;

    /** Oracle violations and TLC's verdict for one run. */
    record Outcome(List<String> oracle, TraceValidator.Verdict verdict, List<String> lines) {
        boolean caught() {
            return !oracle.isEmpty() || !verdict.accepted();
        }

        String describe() {
            if (!oracle.isEmpty()) {
                return "oracle: " + oracle.get(0);
            }
            if (!verdict.accepted()) {
                int line = verdict.matched() + 1;
                return "TLC rejected event " + (verdict.matched() + 1) + ": "
                        + (line < lines.size() ? lines.get(line) : "") + (verdict.violated() == null ? ""
                        : " (" + verdict.violated() + ")");
            }
            return "accepted";
        }
    }

    Outcome run(Variant variant, int threads, List<Integer> choices, String name) throws Exception {
        StringWriter w = new StringWriter();
        TraceRecorder.Result r = TraceRecorder.record(choices, threads, variant, w);
        List<String> lines = new ArrayList<>(List.of(w.toString().split("\n")));
        lines.removeIf(String::isEmpty);
        TraceValidator.Verdict v = Traces.validator().validate(TraceModule.read(Traces.write(dir, name, lines)),
                false);
        return new Outcome(r.violations(), v, lines);
    }

    static List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyStoredSequenceStillGivesItsExpectedVerdict() throws Exception {
        List<Path> files = files();
        assertFalse(files.isEmpty(), "no stored sequences under " + DIR);
        for (Path f : files) {
            JsonNode j = JSON.readTree(f.toFile());
            Variant variant = Variant.valueOf(j.get("variant").asText());
            List<Integer> choices = new ArrayList<>();
            j.get("choices").forEach(c -> choices.add(c.asInt()));
            String expect = j.get("expect").asText();
            Outcome o = run(variant, j.get("threads").asInt(), choices, f.getFileName() + ".ndjson");
            assertEquals(expect, o.caught() ? "caught" : "accepted", f.getFileName() + ": " + o.describe());
        }
    }

    @Test
    void regenerate() throws Exception {
        if (!Boolean.getBoolean("blockgraph.trace.regenerate")) {
            return; // a maintenance task, not a check: see the class comment
        }
        for (Variant variant : List.of(Variant.IO_WHILE_DRAINED, Variant.DRAIN_ENDS_EARLY)) {
            int stored = 0;
            for (long seed = 1; seed <= 20 && stored < 1; seed++) {
                List<Integer> choices = TraceRecorder.choices(seed, 40);
                int[] runs = {0};
                Predicate<List<Integer>> caught = c -> {
                    try {
                        return run(variant, 2, c, "dd" + (runs[0]++) + ".ndjson").caught();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                if (!caught.test(choices)) {
                    continue;
                }
                List<Integer> min = DeltaDebug.minimise(choices, caught);
                Outcome o = run(variant, 2, min, "min.ndjson");
                assertTrue(o.caught());
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("variant", variant.name());
                file.put("threads", 2);
                file.put("expect", "caught");
                file.put("found", "seed " + seed + ", 40 steps, minimised from 40 to " + min.size()
                        + " choices in " + runs[0] + " runs; " + o.describe());
                file.put("choices", min);
                JSON.writeValue(DIR.resolve(variant.name().toLowerCase().replace('_', '-') + "-seed" + seed
                        + ".json").toFile(), file);
                stored++;
            }
        }
    }
}
