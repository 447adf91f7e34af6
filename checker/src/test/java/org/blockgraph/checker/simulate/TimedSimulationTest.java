package org.blockgraph.checker.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.ManifestLoader;
import org.blockgraph.checker.manifest.Mode;
import org.blockgraph.checker.tlc.CounterexampleFormatter;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.TlcJar;
import org.blockgraph.checker.tlc.TraceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --simulate}: TLC random simulation within a time budget, on the fixture Tally spec. */
class TimedSimulationTest {

    @TempDir
    Path tmp;

    private TimedSimulation simulation() {
        return new TimedSimulation(TlcJar.locate().orElseThrow(), tmp, 1);
    }

    @Test
    void simulationFindsTheViolationOfTheNegativeModelWithItsTrace() throws Exception {
        Manifest m = ManifestLoader.load(Fixtures.specDir("scaleout"));
        TimedSimulation.Result r = simulation().check(m, m.find("TallyBug").orElseThrow(), Duration.ofSeconds(30),
                OptionalInt.of(40), OptionalLong.of(11), null);

        assertEquals(OutcomeKind.INVARIANT, r.result().outcome().kind());
        assertEquals("TypeInv", r.result().outcome().name());
        assertTrue(r.result().matches(), r.result().mismatches().toString());
        assertEquals(Mode.SIMULATE, r.result().entry().mode());
        // the trace ends in the state that breaks the bound: a = Max + 1 = 4
        TraceState lastState = r.result().output().trace().get(r.result().output().trace().size() - 1);
        assertEquals("4", lastState.variables().get("a"), r.result().output().trace().toString());
        assertEquals("0", r.result().output().trace().get(0).variables().get("a"));
        String formatted = CounterexampleFormatter.format(r.result().output().trace(), "");
        assertTrue(formatted.contains("<IncA>") && formatted.contains("a = 4"), formatted);
        assertTrue(r.reproduce().orElseThrow().contains("-seed 11"), r.reproduce().toString());
        assertTrue(r.summary().startsWith("simulation: violation in TLC run 1 (seed 11)"), r.summary());
    }

    @Test
    void aPassingModelIsSimulatedUntilTheBudgetAndEveryBehaviourIsCounted() throws Exception {
        Manifest m = ManifestLoader.load(Fixtures.specDir("scaleout"));
        int depth = 20;
        long start = System.nanoTime();
        TimedSimulation.Result r = simulation().check(m, m.find("TallyOk").orElseThrow(), Duration.ofSeconds(8),
                OptionalInt.of(depth), OptionalLong.of(5), null);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(OutcomeKind.OK, r.result().outcome().kind(), r.result().outcome().toString());
        assertTrue(r.result().matches(), r.result().mismatches().toString());
        assertTrue(r.runs() >= 1 && r.behaviours() >= 20, r.summary());
        // TallyOk never deadlocks: each run checks its initial state, then depth states per behaviour
        assertEquals(r.behaviours() * depth + r.runs(), r.states(), r.summary());
        assertEquals(OptionalLong.of(r.states()), r.result().totalStates());
        // a budget, not a speed claim: the last run is stopped at the deadline, so the whole stays close to it
        assertTrue(seconds < 8 + 20, "ran " + seconds + " s for an 8 s budget");
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofSeconds(30), DurationParser.parse("30s"));
        assertEquals(Duration.ofMinutes(5), DurationParser.parse("5m"));
        assertEquals(Duration.ofMinutes(90), DurationParser.parse("1h30m"));
        for (String bad : new String[] {"", "30", "5x", "-3s", "0s", "1.5m", "s", "200h", "5m junk"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> DurationParser.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid duration"), e.getMessage());
        }
    }
}
