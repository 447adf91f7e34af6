package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated chain-family command sequences (QuickTheories; each integer is interpreted against the current state by
 * {@link ChainTraceRecorder}): every sequence runs through the invariant oracle ({@code ChainInvariants}) after
 * every step, and the traces of the first ones are validated with TLC against spec/chain (ChainTrace.tla). A
 * failing sequence is minimised by delta debugging before it is reported. Budgets: {@code -Dblockgraph.deep=true}
 * runs 1000 sequences of 100 steps and validates 50.
 */
class ChainTraceSequenceTest {
    static final boolean DEEP = Boolean.getBoolean("blockgraph.deep");
    static final int SEQUENCES = DEEP ? 1000 : 100;
    static final int STEPS = DEEP ? 100 : 30;
    static final int VALIDATED = DEEP ? 50 : 10;

    @TempDir
    Path dir;

    static List<String> oracle(List<Integer> choices) {
        try {
            return ChainTraceRecorder.record(choices, Writer.nullWriter(), List.of()).violations();
        } catch (RuntimeException e) {
            return List.of(e.toString());
        }
    }

    @Test
    void generatedSequencesKeepTheOracle() {
        int[] ran = {0};
        qt().withExamples(SEQUENCES + 10).withShrinkCycles(0)
                .forAll(lists().of(integers().between(0, 1 << 20)).ofSize(STEPS))
                .checkAssert(choices -> {
                    ran[0]++;
                    List<String> v = oracle(choices);
                    if (!v.isEmpty()) {
                        List<Integer> min = DeltaDebug.minimise(choices, c -> !oracle(c).isEmpty());
                        throw new AssertionError("oracle violation " + v + "; minimised sequence " + min);
                    }
                });
        assertTrue(ran[0] >= SEQUENCES, "ran " + ran[0]);
    }

    /**
     * Traces without active commit: with it, trace validation still rejects some interleavings (docs/divergences.md,
     * the active commit's pivot window and READY), which are listed as open there.
     */
    @Test
    void generatedTracesMatchTheSpec() throws Exception {
        TraceValidator validator = Traces.validator();
        List<List<Integer>> sequences = new ArrayList<>();
        for (long seed = 1; seed <= VALIDATED; seed++) {
            java.util.Random rnd = new java.util.Random(seed);
            List<Integer> choices = new ArrayList<>();
            for (int k = 0; k < STEPS; k++) {
                choices.add(rnd.nextInt(1 << 20));
            }
            sequences.add(choices);
        }
        int k = 0;
        long events = 0;
        for (List<Integer> choices : sequences) {
            StringWriter w = new StringWriter();
            ChainTraceRecorder.Result r = ChainTraceRecorder.record(choices, w, List.of(), false);
            assertTrue(r.violations().isEmpty(), "oracle: " + r.violations());
            Path p = Traces.write(dir, "chain" + (k++) + ".ndjson", List.of(w.toString().split("\n")));
            ChainTraceModule t = ChainTraceModule.read(p);
            TraceValidator.Verdict v = validator.validate(t);
            events += t.size();
            assertTrue(v.accepted(), "trace of " + choices + " rejected at event " + v.matched() + ": "
                    + (v.matched() < t.size() ? t.event(v.matched()) : "") + " " + v.violated() + "\nlog " + r.log());
        }
        assertEquals(VALIDATED, k);
        assertTrue(events > 10L * VALIDATED, "the traces are not trivial: " + events + " chain events");
    }
}
