package org.blockgraph.checker.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

class ManifestLoaderTest {

    private static final Path DIR = Path.of("/spec");
    private static final Path FILE = DIR.resolve("manifest.json");

    private static final String GOOD_ENTRY = """
            {"name": "DrainMain", "family": "drain", "module": "drain/MCDrain.tla", "cfg": "drain/MCDrainMain.cfg",
             "mode": "exhaustive", "class": "ci", "expected": "ok", "distinctStates": 12, "totalStates": 34,
             "description": "d"}""";

    private static List<String> problems(String json) {
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.parse(DIR, FILE, json));
        return e.problems();
    }

    private static List<String> problemsOfEntry(String field, String value) {
        String entry = GOOD_ENTRY.replaceFirst("\"" + field + "\": [^,}]+", "\"" + field + "\": " + value);
        return problems("{\"models\": [" + entry + "]}");
    }

    @Test
    void loadsTheFixtureManifest() throws Exception {
        Manifest m = ManifestLoader.load(Fixtures.specDir("models"));
        assertEquals(6, m.models().size());
        ModelEntry ok = m.find("CounterOk").orElseThrow();
        assertEquals("drain/MCCounter.tla", ok.module());
        assertEquals(Mode.EXHAUSTIVE, ok.mode());
        assertEquals(ModelClass.CI, ok.modelClass());
        assertEquals(OptionalLong.of(9), ok.distinctStates());
        assertEquals(OptionalLong.of(13), ok.totalStates());
        assertEquals(OptionalInt.of(5), ok.depth());
        assertEquals(List.of("-deadlock"), ok.tlcArgs());
        assertEquals(Optional.of(0.9), ok.seconds());
        assertTrue(m.find("CounterBug").orElseThrow().isNegative());
        ModelEntry sim = m.find("RingSim").orElseThrow();
        assertEquals(Optional.of(new SimulateSettings(200, 10, 7)), sim.simulate());
        assertEquals(ModelClass.DEEP, sim.modelClass());
        assertEquals(Fixtures.specDir("models").resolve("drain/MCCounter.tla"), m.resolve(ok.module()));
    }

    @Test
    void descriptionsMayContainAnyText() throws Exception {
        String entry = GOOD_ENTRY.replace("\"description\": \"d\"", "\"description\": \"Re-finds the 2017 bug (see"
                + " commit abc..def); counts with -workers 1.\"");
        assertEquals(1, ManifestLoader.parse(DIR, FILE, "{\"models\": [" + entry + "]}").models().size());
    }

    @Test
    void emptyModelListIsValid() throws Exception {
        Manifest m = ManifestLoader.parse(DIR, FILE, "{\"$schema\": \"./manifest.schema.json\", \"models\": []}");
        assertTrue(m.models().isEmpty());
    }

    @Test
    void invalidJsonNamesLineAndColumn() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse(DIR, FILE, "{\n  \"models\": [\n    {\"name\": \"A\",,}\n  ]\n}"));
        assertTrue(e.getMessage().startsWith("/spec/manifest.json:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse(DIR, FILE, "{\"models\": [], \"models\": []}"));
        assertTrue(e.getMessage().contains("Duplicate field"), e.getMessage());
    }

    @Test
    void missingFileIsAClearError() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.load(Path.of("/nonexistent/spec")));
        assertTrue(e.getMessage().startsWith("no manifest at /nonexistent/spec/manifest.json"), e.getMessage());
    }

    @Test
    void eachBrokenFieldIsNamedWithItsPath() {
        assertEquals(List.of("models[0] (DrainMain).mode: must be one of exhaustive, simulate, was \"exhaustiv\""),
                problemsOfEntry("mode", "\"exhaustiv\""));
        assertEquals(List.of("models[0] (DrainMain).class: must be one of ci, deep, was \"nightly\""),
                problemsOfEntry("class", "\"nightly\""));
        assertEquals(List.of("models[0] (DrainMain).family: must be one of drain, chain, was \"graph\""),
                problemsOfEntry("family", "\"graph\""));
        assertTrue(problemsOfEntry("distinctStates", "\"12\"").get(0)
                .startsWith("models[0] (DrainMain).distinctStates: must be an integer >= 1"));
        assertTrue(problemsOfEntry("totalStates", "-3").get(0)
                .startsWith("models[0] (DrainMain).totalStates: must be an integer >= 1"));
        assertTrue(problemsOfEntry("expected", "\"Type Inv\"").get(0)
                .startsWith("models[0] (DrainMain).expected: must be \"ok\", \"Deadlock\", or the name"));
        assertTrue(problemsOfEntry("module", "\"drain/Drain.tla\"").get(0)
                .startsWith("models[0] (DrainMain).module: must be a relative path to an MC*.tla module"));
        assertTrue(problemsOfEntry("cfg", "\"chain/MCDrainMain.cfg\"").get(0)
                .startsWith("models[0] (DrainMain).cfg: must lie in the family's folder \"drain/\""));
    }

    @Test
    void unknownAndMissingFieldsAreReported() {
        List<String> p = problems("{\"models\": [{\"name\": \"X\", \"familly\": \"drain\"}], \"extra\": 1}");
        assertTrue(p.contains("extra: unknown field (allowed: $schema, models)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("models[0] (X).familly: unknown field")), p.toString());
        for (String f : List.of("family", "module", "cfg", "mode", "class", "expected", "description")) {
            assertTrue(p.contains("models[0] (X)." + f + ": required field is missing"), f + " in " + p);
        }
        assertEquals(List.of("models: required field is missing"), problems("{}"));
    }

    @Test
    void exhaustiveModelsNeedCountsAndSimulateModelsNeedSettings() {
        String noCounts = GOOD_ENTRY.replace("\"distinctStates\": 12, \"totalStates\": 34,", "");
        assertEquals(List.of(
                "models[0] (DrainMain).distinctStates: required for an exhaustive model (copy it from TLC's output)",
                "models[0] (DrainMain).totalStates: required for an exhaustive model (copy it from TLC's output)"),
                problems("{\"models\": [" + noCounts + "]}"));
        String sim = GOOD_ENTRY.replace("\"exhaustive\"", "\"simulate\"");
        List<String> p = problems("{\"models\": [" + sim + "]}");
        assertTrue(p.get(0).startsWith("models[0] (DrainMain).simulate: required for a simulate model"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("models[0] (DrainMain).distinctStates: not allowed")));
        String badSim = noCounts.replace("\"exhaustive\"", "\"simulate\"")
                .replace("\"description\"", "\"simulate\": {\"num\": 0, \"depth\": 5}, \"description\"");
        List<String> q = problems("{\"models\": [" + badSim + "]}");
        assertTrue(q.contains("models[0] (DrainMain).simulate.seed: required field is missing"), q.toString());
        assertTrue(q.stream().anyMatch(s -> s.startsWith("models[0] (DrainMain).simulate.num: must be an integer")),
                q.toString());
    }

    @Test
    void namesAreUniqueAndReservedTlcArgsRejected() {
        List<String> p = problems("{\"models\": [" + GOOD_ENTRY + ", " + GOOD_ENTRY.replace("MCDrainMain", "MCOther")
                + "]}");
        assertEquals(List.of("models[1] (DrainMain).name: duplicate name \"DrainMain\""), p);
        String args = GOOD_ENTRY.replace("\"description\"", "\"tlcArgs\": [\"-deadlock\", \"-workers\"], \"description\"");
        assertEquals(List.of("models[0] (DrainMain).tlcArgs[1]: -workers is set by the checker itself"
                + " (use mode/simulate or --workers)"), problems("{\"models\": [" + args + "]}"));
    }

    @Test
    void aModelExpectedToDeadlockMayNotTurnDeadlockCheckingOff() {
        String entry = GOOD_ENTRY.replace("\"expected\": \"ok\"", "\"expected\": \"Deadlock\"")
                .replace("\"description\"", "\"tlcArgs\": [\"-deadlock\"], \"description\"");
        assertEquals(List.of("models[0] (DrainMain).tlcArgs: contains -deadlock, which turns deadlock checking off,"
                + " but the model is expected to deadlock"), problems("{\"models\": [" + entry + "]}"));
    }
}
