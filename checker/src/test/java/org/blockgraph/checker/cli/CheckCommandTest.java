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
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockgraph check} end to end on the fixture specs, with TLC running for real. */
class CheckCommandTest {

    @TempDir
    Path tmp;

    /** The exit code and both streams of one CLI run. */
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run check(Path specDir, String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--spec-dir", specDir.toString(), "--workers", "1"));
        if (!List.of(more).contains("--report")) {
            args.addAll(List.of("--report", tmp.resolve("report").toString()));
        }
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void matchingModelsExitZeroWithATable() {
        Run r = check(Fixtures.specDir("models"));
        assertEquals(0, r.exit(), r.all());
        for (String name : List.of("CounterOk", "CounterDeadlock", "CounterBug", "RingFair", "RingUnfair")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.endsWith("MATCH")),
                    name + " row in\n" + r.out());
        }
        assertFalse(r.out().contains("RingSim"), "deep model must not run without --deep");
        assertTrue(r.out().contains("5 models: 5 matched in "), r.out());
        assertTrue(r.out().contains("model            mode        expected             actual"), r.out());
        assertFalse(r.out().contains("counterexample"), "expected violations stay quiet without --verbose");
    }

    @Test
    void deepAddsTheDeepModelsAndVerboseShowsExpectedCounterexamples() {
        Run r = check(Fixtures.specDir("models"), "--deep", "--verbose", "--model", "RingSim", "--model",
                "CounterBug");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("[1/2] RingSim  MATCH"), r.out());
        assertTrue(r.out().contains("counterexample (4 states; only changed variables shown):"), r.out());
        assertTrue(r.out().contains("        State 4: <IncX>"), r.out());
    }

    @Test
    void changedExpectedCountExitsOneAndNamesTheModel() {
        Path spec = Fixtures.copy("models", tmp);
        Fixtures.edit(spec.resolve("manifest.json"), "\"distinctStates\": 6,\n      \"totalStates\": 7,\n"
                + "      \"depth\": 6", "\"distinctStates\": 5,\n      \"totalStates\": 7,\n      \"depth\": 6");
        Run r = check(spec, "--model", "RingFair", "--model", "CounterOk");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("[1/2] RingFair  MISMATCH"), r.out());
        assertTrue(r.out().contains("distinctStates: manifest 5, TLC 6"), r.out());
        assertTrue(r.out().contains("TLC output: " + tmp.resolve("report").resolve("RingFair.out")), r.out());
        assertTrue(r.out().contains("2 models: 1 matched, 1 MISMATCHED (RingFair)"), r.out());
    }

    @Test
    void changedCountOfANegativeModelIsAMismatchWithoutItsExpectedTrace() {
        Path spec = Fixtures.copy("models", tmp);
        Fixtures.edit(spec.resolve("manifest.json"), "\"totalStates\": 8,", "\"totalStates\": 9,");
        Run r = check(spec, "--model", "CounterBug");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("[1/1] CounterBug  MISMATCH  TypeInv (expected TypeInv)"), r.out());
        assertTrue(r.out().contains("totalStates: manifest 9, TLC 8"), r.out());
        assertTrue(r.out().contains("if the change is intended, record: \"distinctStates\": 7, \"totalStates\": 8,"
                + " \"depth\": 4"), r.out());
        assertFalse(r.out().contains("counterexample"), "the violation itself was expected: " + r.out());
    }

    @Test
    void negativeModelWhoseBugWasRemovedIsAMismatch() {
        Path spec = Fixtures.copy("models", tmp);
        Fixtures.edit(spec.resolve("drain/MCCounterBug.cfg"), "Bug = TRUE", "Bug = FALSE");
        Run r = check(spec, "--model", "CounterBug");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("result: expected TypeInv, but TLC found no error: the negative model no longer"
                + " fails"), r.out());
    }

    @Test
    void negativeModelFailingWithAnotherInvariantIsAMismatchWithItsTrace() {
        Path spec = Fixtures.copy("models", tmp);
        // SumInv is checked by the cfg too, so the manifest is consistent, but TLC finds TypeInv violated first
        Fixtures.edit(spec.resolve("manifest.json"), "\"expected\": \"TypeInv\"", "\"expected\": \"SumInv\"");
        Run r = check(spec, "--model", "CounterBug");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("result: expected SumInv, TLC gave TypeInv"), r.out());
        assertTrue(r.out().contains("counterexample (4 states"), "unexpected violations always show the trace");
    }

    @Test
    void negativeLivenessModelStillFailingMatches() {
        Run r = check(Fixtures.specDir("models"), "--model", "RingUnfair");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("MATCH  EventuallyMovedProp (expected EventuallyMovedProp)"), r.out());
    }

    @Test
    void syntaxErrorGivesFileLineColumn() {
        Run r = check(Fixtures.specDir("broken"), "--model", "Syntax", "--model", "Semantic");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("broken/drain/Syntax.tla:10:1: Encountered"), r.out());
        assertTrue(r.out().contains("broken/drain/Semantic.tla:8:18: Unknown operator: `Undefined'."), r.out());
    }

    @Test
    void brokenFixturesAllMismatch() {
        Run r = check(Fixtures.specDir("broken"), "--model", "RingAssert", "--model", "RingBadCfg", "--model",
                "RingTwoProps");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("TLC gave assert failed (\"a limit of 2 is not supported\")"), r.out());
        assertTrue(r.out().contains("MCRingBadCfg.cfg:4: TLC found an error in the configuration file at line 4"),
                r.out());
        assertTrue(r.out().contains("TLC gave temporal properties"), r.out());
        assertTrue(r.out().contains("3 models: 0 matched, 3 MISMATCHED"), r.out());
    }

    @Test
    void jsonSummaryGoesToStdoutAndReportIsWritten() throws Exception {
        Path report = tmp.resolve("rep");
        Run r = check(Fixtures.specDir("models"), "--json", "--model", "CounterBug", "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(1, rows.size());
        JsonNode row = rows.get(0);
        assertEquals("CounterBug", row.get("model").asText());
        assertEquals("exhaustive", row.get("mode").asText());
        assertEquals("TypeInv", row.get("expected").asText());
        assertEquals("TypeInv", row.get("result").asText());
        assertEquals(7, row.get("distinctStates").asLong());
        assertEquals(8, row.get("totalStates").asLong());
        assertEquals(4, row.get("depth").asInt());
        assertTrue(row.get("seconds").isNumber());
        assertTrue(row.get("match").asBoolean());
        assertTrue(r.err().contains("1 model: 1 matched"), r.err());
        assertEquals(rows, new ObjectMapper().readTree(report.resolve("results.json").toFile()));
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<td>CounterBug</td>") && html.contains("href=\"CounterBug.out\""), html);
        assertTrue(Files.isRegularFile(report.resolve("CounterBug.out")));
    }

    @Test
    void emptySelectionSaysSoAndPasses() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("manifest.json"), "{\"models\": []}");
        Run r = check(empty);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("The manifest lists no models yet.\n0 models: 0 matched"), r.out());

        Path spec = Fixtures.copy("models", tmp);
        Path manifest = spec.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"class\": \"ci\"", "\"class\": \"deep\""));
        Run deepOnly = check(spec);
        assertEquals(0, deepOnly.exit(), deepOnly.all());
        assertTrue(deepOnly.out().contains("No model is selected (the models of class deep run only with --deep)."),
                deepOnly.out());
    }

    @Test
    void notesDoNotChangeTheVerdict() {
        Path spec = Fixtures.copy("models", tmp);
        Fixtures.edit(spec.resolve("drain/MCCounterBug.cfg"), "INVARIANTS SumInv TypeInv", "INVARIANTS TypeInv");
        Run r = check(spec, "--model", "CounterBug");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("note: negative model CounterBug does not check SumInv"), r.out());
    }

    @Test
    void unknownModelIsAUsageErrorListingValidNames() {
        Run r = check(Fixtures.specDir("models"), "--model", "Nope");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("unknown model Nope; valid names: CounterOk, CounterDeadlock, CounterBug,"
                + " RingFair, RingUnfair, RingSim"), r.err());
    }

    @Test
    void manifestDiskDisagreementIsAUsageErrorAndRunsNothing() throws Exception {
        Path spec = Fixtures.copy("models", tmp);
        Files.writeString(spec.resolve("chain/MCRingNew.cfg"), "INIT Init\n");
        Run r = check(spec);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("and the files on disk disagree:\n  orphan file: chain/MCRingNew.cfg has no"
                + " manifest entry"), r.err());
        assertFalse(Files.exists(tmp.resolve("report")), "nothing may run on a bad manifest");
    }

    @Test
    void schemaErrorIsAUsageErrorNamingTheField() {
        Path spec = Fixtures.copy("models", tmp);
        Fixtures.edit(spec.resolve("manifest.json"), "\"class\": \"deep\"", "\"class\": \"nightly\"");
        Run r = check(spec);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("models[5] (RingSim).class: must be one of ci, deep, was \"nightly\""), r.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, check(Fixtures.specDir("models"), "--workers", "0").exit());
        assertEquals(2, check(tmp.resolve("nowhere")).exit());
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "check", "--bogus"));
        assertTrue(err.toString().contains("Unknown option: '--bogus'"), err.toString());
    }

    @Test
    void bareCommandIsAUsageError() {
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err)));
        assertTrue(err.toString().startsWith("missing subcommand (try: blockgraph check)\nUsage: blockgraph"),
                err.toString());
        assertEquals(1, err.toString().split("Usage:", -1).length - 1, "usage printed once: " + err);
    }
}
