package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.blockgraph.trace.TraceRecorder;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated drain-family command sequences (QuickTheories; each integer is interpreted against the current state
 * by {@link TraceRecorder#choose}): every sequence runs through the invariant oracle after every step, and the
 * traces of the first ones are validated with TLC. A failing sequence is minimised by delta debugging before it
 * is reported. Budgets: {@code -Dblockgraph.deep=true} runs 2000 sequences of 200 steps and validates 100.
 */
class DrainTraceSequenceTest {
    static final boolean DEEP = Boolean.getBoolean("blockgraph.deep");
    static final int SEQUENCES = DEEP ? 2000 : 200;
    static final int STEPS = DEEP ? 200 : 50;
    static final int VALIDATED = DEEP ? 100 : 20;

    @TempDir
    Path dir;

    static List<String> oracle(List<Integer> choices) {
        try (TraceRecorder rec = new TraceRecorder(TraceSink.OFF, 2)) {
            return rec.run(choices).violations();
        } catch (Exception e) {
            return List.of(e.toString());
        }
    }

    @Test
    void generatedSequencesKeepTheOracleAndTheirTracesMatchTheSpec() throws Exception {
        List<List<Integer>> firsts = new ArrayList<>();
        int[] ran = {0};
        qt().withExamples(SEQUENCES + 10).withShrinkCycles(0)
                .forAll(lists().of(integers().between(0, 1 << 20)).ofSize(STEPS))
                .checkAssert(choices -> {
                    ran[0]++;
                    if (firsts.size() < VALIDATED) {
                        firsts.add(choices);
                    }
                    List<String> v = oracle(choices);
                    if (!v.isEmpty()) {
                        List<Integer> min = DeltaDebug.minimise(choices, c -> !oracle(c).isEmpty());
                        throw new AssertionError("oracle violation " + v + "; minimised sequence " + min);
                    }
                });
        assertTrue(ran[0] >= SEQUENCES, "ran " + ran[0]);
        TraceValidator validator = Traces.validator();
        int k = 0;
        for (List<Integer> choices : firsts) {
            List<String> lines = Traces.record(choices, 2, TraceRecorder.Variant.CORRECT);
            TraceModule t = TraceModule.read(Traces.write(dir, "seq" + (k++) + ".ndjson", lines));
            TraceValidator.Verdict v = validator.validate(t);
            assertTrue(v.accepted(), "trace of " + choices + " rejected at event " + v.matched() + ": "
                    + (v.matched() < t.size() ? t.event(v.matched()) : "") + " " + v.violated());
        }
        assertEquals(VALIDATED, k);
    }

    @Test
    void deltaDebuggingFindsAOneMinimalFailingSubsequence() {
        List<Integer> input = new ArrayList<>();
        for (int k = 0; k < 60; k++) {
            input.add(k);
        }
        Predicate<List<Integer>> fails = c -> c.contains(7) && c.contains(42) && c.indexOf(7) < c.indexOf(42);
        assertEquals(List.of(7, 42), DeltaDebug.minimise(input, fails));
    }
}
