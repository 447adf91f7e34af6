package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Teeth of the chain family: doctored traces are rejected at the doctored event, and two deliberately broken core
 * variants (test-only switches of {@code BlockGraph.TestOnlyBugs}) are caught, one by the oracle, one by trace
 * validation.
 */
class ChainTraceTeethTest {
    @TempDir
    Path dir;

    /** The scripted 030 overlapping_5 run: commit n1 into n0 (j1), stream n2 with base-node = j1's filter (j2). */
    static List<String> overlapping5(List<String> bugs, List<String> oracleOut) throws Exception {
        StringWriter w = new StringWriter();
        try (ChainTraceRecorder r = new ChainTraceRecorder(w, bugs)) {
            assertEquals("block-commit top-node=n1 base-node=n0 as j1", r.scriptCommit("n1", "n0", "j1"));
            assertEquals("block-stream n2 base-node=f1 as j2", r.scriptStream("n2", "f1", "j2"));
            r.scriptRunJob("j1");
            r.scriptRunJob("j2");
            oracleOut.addAll(r.scriptFinish());
        }
        List<String> lines = new ArrayList<>(List.of(w.toString().split("\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    /** Guest writes to both clusters, then commit n2 into n0 (j3), run to its end. */
    static List<String> commitWithWrites() throws Exception {
        StringWriter w = new StringWriter();
        try (ChainTraceRecorder r = new ChainTraceRecorder(w, List.of())) {
            r.scriptWrite(0, 7);
            r.scriptWrite(1, 8);
            assertEquals("block-commit top-node=n2 base-node=n0 as j3", r.scriptCommit("n2", "n0", "j3"));
            r.scriptRunJob("j3");
            assertEquals(List.of(), r.scriptFinish());
        }
        List<String> lines = new ArrayList<>(List.of(w.toString().split("\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    private TraceValidator.Verdict validate(String name, List<String> lines) throws Exception {
        return Traces.validator().validate(ChainTraceModule.read(Traces.write(dir, name, lines)));
    }

    /** The index among the chain events (what the validator counts) of ndjson line {@code line} (0-based). */
    private int chainIndex(String name, List<String> lines, int line) throws Exception {
        ChainTraceModule t = ChainTraceModule.read(Traces.write(dir, name, lines));
        for (int k = 0; k < t.size(); k++) {
            if (t.lineOf(k) == line + 1) {
                return k;
            }
        }
        throw new AssertionError("line " + line + " is not a chain event");
    }

    @Test
    void theScriptedRunIsAcceptedOnTheRealCore() throws Exception {
        List<String> oracle = new ArrayList<>();
        List<String> lines = overlapping5(List.of(), oracle);
        assertEquals(List.of(), oracle);
        TraceValidator.Verdict v = validate("ok.ndjson", lines);
        assertTrue(v.accepted(), "rejected at " + v.matched() + " " + v.violated());
    }

    @Test
    void doctoredChainTracesAreRejected() throws Exception {
        List<String> lines = overlapping5(List.of(), new ArrayList<>());
        // 1. a ReopenBacking of a frozen link inserted: after guest writes to every cluster any reopen below the
        // active layer keeps the guest's view, so only n2's frozen link (commit n2 into n0 freezes f3 -> n2 -> n1
        // -> n0) makes ReopenBacking(n2, n0) impossible.
        List<String> frozen = commitWithWrites();
        int start = Traces.indexOf(frozen, 1, "CommitStart");
        List<String> reopen = new ArrayList<>(frozen);
        reopen.add(start + 1, "{\"seq\":0,\"action\":\"ReopenBacking\",\"args\":{\"node\":\"n2\",\"newBacking\":\"n0\"},"
                + "\"post\":{}}");
        reopen = Traces.renumber(reopen);
        TraceValidator.Verdict v1 = validate("reopen.ndjson", reopen);
        assertFalse(v1.accepted());
        assertEquals(chainIndex("reopen-idx.ndjson", reopen, start + 1), v1.matched(), "rejected at the reopen");
        // the same reopen before the commit froze the link is a behaviour of the spec
        List<String> before = new ArrayList<>(frozen);
        int insert = Traces.indexOf(frozen, 1, "InsertFilter");
        before.add(insert, reopen.get(start + 1));
        before = Traces.renumber(before);
        TraceValidator.Verdict v1b = validate("reopen-before.ndjson", before);
        assertEquals(chainIndex("reopen-before-idx.ndjson", before, insert) + 1, Math.min(v1b.matched(),
                chainIndex("reopen-before-idx2.ndjson", before, insert) + 1),
                "the reopen itself matches while the link is not frozen");

        // 2. a JobConclude moved before its JobPrepare (j1's)
        int prepare = Traces.indexOf(lines, 1, "JobPrepare");
        int conclude = Traces.indexOf(lines, prepare, "JobConclude");
        List<String> early = new ArrayList<>(lines);
        String c = early.remove(conclude);
        early.add(prepare, c);
        early = Traces.renumber(early);
        TraceValidator.Verdict v2 = validate("conclude.ndjson", early);
        assertFalse(v2.accepted());
        assertEquals(chainIndex("conclude-idx.ndjson", early, prepare), v2.matched(), "rejected at the JobConclude");

        // 3. a dropped ChainUnfreeze (the first one of the finishing commit)
        int pending = Traces.indexOf(lines, 1, "JobPending");
        int unfreeze = Traces.indexOf(lines, pending, "ChainUnfreeze");
        int concludeAfter = Traces.indexOf(lines, unfreeze, "JobConclude");
        List<String> dropped = new ArrayList<>(lines);
        dropped.remove(unfreeze);
        dropped = Traces.renumber(dropped);
        TraceValidator.Verdict v3 = validate("unfreeze.ndjson", dropped);
        assertFalse(v3.accepted());
        assertEquals(chainIndex("unfreeze-idx.ndjson", dropped, concludeAfter - 1), v3.matched(),
                "rejected at the JobConclude that lacks its unfreeze");
    }

    /** Broken variant 1: a stream that links bs to the base it saw at start (caught by trace validation). */
    @Test
    void aStreamThatPicksItsBaseAtStartIsCaught() throws Exception {
        List<String> lines = overlapping5(List.of("streamPicksBaseAtStart"), new ArrayList<>());
        int prepare = Traces.indexOf(lines, Traces.indexOf(lines, 1, "StreamStart"), "JobPrepare");
        while (prepare >= 0 && !lines.get(prepare).contains("\"job\":\"j2\"")) {
            prepare = Traces.indexOf(lines, prepare + 1, "JobPrepare");
        }
        assertTrue(prepare > 0 && lines.get(prepare).contains("\"ok\":false"),
                "the broken stream's prepare fails in Java: " + (prepare > 0 ? lines.get(prepare) : "none"));
        TraceValidator.Verdict v = validate("broken-stream.ndjson", lines);
        assertFalse(v.accepted(), "trace validation catches the stream that picked its base at start");
        assertEquals(chainIndex("broken-stream-idx.ndjson", lines, prepare), v.matched(),
                "rejected at the stream's failed prepare (the spec's prepare succeeds)");
    }

    /** Broken variant 2: a reopen that ignores the frozen flag (caught by the recorder's checks and the oracle). */
    @Test
    void aReopenThatIgnoresTheFrozenFlagIsCaught() {
        int caught = 0;
        for (long seed = 1; seed <= 20 && caught == 0; seed++) {
            Random rnd = new Random(seed);
            List<Integer> choices = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                choices.add(rnd.nextInt(1 << 20));
            }
            ChainTraceRecorder.Result r = ChainTraceRecorder.record(choices, Writer.nullWriter(),
                    List.of("reopenIgnoresFrozen"), false);
            if (!r.violations().isEmpty()) {
                String v = r.violations().toString();
                // the oracle (frozenLinkInv / frozenOwnedInv) or the recorder's refused-command check
                assertTrue(v.contains("frozenLinkInv") || v.contains("frozenOwnedInv") || v.contains("frozen link"), v);
                caught++;
            }
        }
        assertTrue(caught > 0, "no seed of 20 caught the reopen that ignores the frozen flag");
    }
}
