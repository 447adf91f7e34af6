package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict tables of docs/design-debates.md are generated, not typed: they must equal what {@link DesignVerdicts}
 * makes of the manifest's expectations (which CI's {@code blockgraph check} holds every run to). With
 * {@code -Dblockgraph.docs.report=DIR/results.json} (a {@code blockgraph check --report DIR} run) the test first
 * rewrites the tables from that run.
 */
class DesignVerdictsTest {
    private static final Path ROOT = Fixtures.repoRoot();
    private static final Path PAGE = ROOT.resolve("docs/design-debates.md");
    private static final Path COUNTEREXAMPLES = ROOT.resolve("docs/" + DesignVerdicts.COUNTEREXAMPLES_PAGE);
    static final String REGENERATE = "./blockgraph check --report /tmp/r --model ... (the models of the table), then"
            + " mvn -B -o -pl checker -am verify -Dtest=DesignVerdictsTest -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dblockgraph.docs.report=/tmp/r/results.json";

    @Test
    void theCommittedTablesAreWhatTheRecordedRunsGive() throws Exception {
        Manifest m = ManifestLoader.load(ROOT.resolve("spec"));
        String report = System.getProperty("blockgraph.docs.report", "");
        if (!report.isEmpty()) {
            Map<String, DesignVerdicts.Run> runs = DesignVerdicts.readReport(Path.of(report));
            Files.writeString(PAGE, DesignVerdicts.replace(Files.readString(PAGE), DesignVerdicts.tables(m, runs)));
            Files.writeString(COUNTEREXAMPLES, DesignVerdicts.counterexamples(m, runs));
        }
        String page = Files.readString(PAGE);
        String committed = DesignVerdicts.section(page).orElseThrow(() -> new AssertionError(PAGE
                + " has no " + DesignVerdicts.BEGIN + " section"));
        assertEquals(DesignVerdicts.tables(m, DesignVerdicts.expected(m)), committed,
                "docs/design-debates.md's verdict tables differ from the manifest's recorded runs; regenerate: "
                        + REGENERATE);
        List<String> problems = DesignVerdicts.counterexampleProblems(m, Files.readString(COUNTEREXAMPLES));
        assertEquals(List.of(), problems, COUNTEREXAMPLES + " disagrees with the manifest; regenerate: " + REGENERATE);
    }

    @Test
    void aMissingWrongOrExtraCounterexampleIsReported() throws Exception {
        Manifest m = ManifestLoader.load(ROOT.resolve("spec"));
        String page = Files.readString(COUNTEREXAMPLES);
        String cut = page.replaceFirst("(?s)### `Drain2017Locked`.*?```\\n\\n", "");
        assertTrue(DesignVerdicts.counterexampleProblems(m, cut).contains(
                "Drain2017Locked: fails QuiesceCountInv but has no counterexample"));
        String shorter = page.replaceFirst("(?m)^State 2: <", "State 2 dropped: <");
        assertTrue(DesignVerdicts.counterexampleProblems(m, shorter).stream()
                .anyMatch(p -> p.contains("the counterexample has") && p.contains("states, the manifest records")),
                () -> DesignVerdicts.counterexampleProblems(m, shorter).toString());
        String extra = page + "\n### `DrainMain`: x fails `ok` (1 states)\n";
        assertTrue(DesignVerdicts.counterexampleProblems(m, extra).contains(
                "DrainMain: a counterexample for a model that is not a failing debate model"));
    }

    @Test
    void everyDebateAlternativeIsInTheTable() throws Exception {
        Manifest m = ManifestLoader.load(ROOT.resolve("spec"));
        String tables = DesignVerdicts.tables(m, DesignVerdicts.expected(m));
        for (String model : new String[] {"DrainUpstreamUnlocked", "Drain2017", "Drain2017Locked",
            "DrainAioContextList", "DrainMain", "Chain030Ovl5FreezeBase", "Chain030ParallelBaseOverlay"}) {
            assertTrue(tables.contains("| `" + model + "` |"), model + " missing:\n" + tables);
        }
        assertTrue(tables.contains("| `DrainUpstreamUnlocked` | DrainDesign=Upstream, GraphChangeRule=Unlocked |"
                + " design alternative | **fails** `NoUseAfterFreeInv` | 4 |"), tables);
        assertTrue(tables.contains("| `DrainMain` | DrainDesign=Upstream, GraphChangeRule=Locked | main model | holds"
                + " | — | 242,129 |"), tables);
    }

    @Test
    void aRunThatDisagreesWithTheManifestShowsInTheTable(@TempDir Path tmp) throws Exception {
        Manifest m = ManifestLoader.load(ROOT.resolve("spec"));
        Path results = tmp.resolve("results.json");
        Files.writeString(results, "[{\"model\":\"Drain2017\",\"mode\":\"exhaustive\",\"expected\":\"NoUseAfterFreeInv\","
                + "\"result\":\"ok\",\"distinctStates\":1234,\"totalStates\":2000,\"depth\":9,\"seconds\":1.0,"
                + "\"match\":false,\"mismatches\":[],\"output\":\"x\"},"
                + "{\"model\":\"DrainAioContextList\",\"result\":\"DrainedQuietInv\",\"distinctStates\":77,\"depth\":5}]");
        Map<String, DesignVerdicts.Run> runs = DesignVerdicts.readReport(results);
        String tables = DesignVerdicts.tables(m, runs);
        assertTrue(tables.contains("| `Drain2017` | DrainDesign=Design2017, GraphChangeRule=Unlocked | design"
                + " alternative | holds (manifest expects `NoUseAfterFreeInv`) | — | 1,234 |"), tables);
        assertTrue(tables.contains("| **fails** `DrainedQuietInv` | 5 | 77 |"), tables);
        assertTrue(tables.contains("| `DrainMain` | DrainDesign=Upstream, GraphChangeRule=Locked | main model | not run"),
                tables);
        Map<String, DesignVerdicts.Run> expected = new LinkedHashMap<>(DesignVerdicts.expected(m));
        assertTrue(!tables.equals(DesignVerdicts.tables(m, expected)));

        Files.writeString(results, "{\"model\":\"x\"}");
        assertThrows(IOException.class, () -> DesignVerdicts.readReport(results));
        assertThrows(IllegalArgumentException.class, () -> DesignVerdicts.replace("# no markers\n", "x"));
    }
}
