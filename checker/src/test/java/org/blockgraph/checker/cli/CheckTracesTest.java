package org.blockgraph.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockgraph check}'s second job: after the models, trace validation of seeded runs of the core. */
class CheckTracesTest {
    /** A CI model of six states: the model table stays cheap. */
    static final String MODEL = "DrainCallbacksEveryBegin";

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run check(Path specDir, String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--spec-dir", specDir.toString(), "--workers", "1",
                "--report", tmp.resolve("report").toString()));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void tracesRunAfterTheModelsWithASecondTableAndJsonRows() throws Exception {
        Run r = check(Fixtures.repoRoot().resolve("spec"), "--model", MODEL, "--traces", "1", "--trace-steps", "20",
                "--json");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.err().contains("family     seed  steps  events  verdict"), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("drain         1     20 ") && l.contains("accepted")),
                r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("chain         1     20 ") && l.contains("accepted")),
                r.err());
        assertTrue(r.err().contains("2 traces: 2 accepted, "), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(3, rows.size(), r.out());
        assertEquals("chain", rows.get(2).get("family").asText());
        assertEquals(MODEL, rows.get(0).get("model").asText());
        JsonNode t = rows.get(1);
        assertEquals("trace", t.get("kind").asText());
        assertEquals("drain", t.get("family").asText());
        assertEquals("accepted", t.get("verdict").asText());
        assertTrue(t.get("match").asBoolean());
        assertTrue(t.get("events").asLong() > 20, t.toString());
        assertTrue(Files.isRegularFile(Path.of(t.get("trace").asText())));
        assertEquals(rows, new ObjectMapper().readTree(tmp.resolve("report/results.json").toFile()));
    }

    @Test
    void modelAloneSkipsTracesAndBadOptionsAreUsageErrors() {
        Run r = check(Fixtures.repoRoot().resolve("spec"), "--model", MODEL);
        assertEquals(0, r.exit(), r.all());
        assertFalse(r.all().contains("events/s"), r.all());
        assertEquals(2, check(Fixtures.repoRoot().resolve("spec"), "--traces", "-1").exit());
        assertEquals(2, check(Fixtures.repoRoot().resolve("spec"), "--traces", "1", "--no-traces").exit());
        assertEquals(2, check(Fixtures.repoRoot().resolve("spec"), "--trace-steps", "0").exit());
    }

    @Test
    void aSpecFolderWithoutTraceSpecsSaysSo() {
        Run r = check(Fixtures.specDir("models"), "--model", "CounterOk", "--traces", "1");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("note: no trace/drain trace spec under "), r.out());
    }

    @Test
    void aRejectedTraceMakesTheCheckFail() throws Exception {
        Path spec = tmp.resolve("spec");
        Path src = Fixtures.repoRoot().resolve("spec");
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.toList()) {
                Path to = spec.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path ts = spec.resolve("trace/DrainTrace.tla");
        String text = Files.readString(ts);
        // A trace spec that matches no first event: every trace must now be rejected at event 1.
        Files.writeString(ts, text.replace("    /\\ i < Len(Trace)\n    /\\ \\/ IsBlkSubmit",
                "    /\\ i < Len(Trace) /\\ i > 0\n    /\\ \\/ IsBlkSubmit"));
        assertFalse(text.equals(Files.readString(ts)), "the doctoring must apply");
        Run r = check(spec, "--model", MODEL, "--traces", "1", "--trace-steps", "10");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("rejected at event 1"), r.out());
        // Only the drain family's trace spec is doctored: its trace is rejected, the chain family's accepted.
        assertTrue(r.out().contains("2 traces: 1 accepted"), r.out());
    }
}
