package org.blockgraph.checker.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.tlc.Outcome;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.TlcOutput;
import org.blockgraph.checker.tlc.TlcOutputParser;
import org.blockgraph.checker.tlc.TlcRun;
import org.junit.jupiter.api.Test;

/**
 * Classification of captured TLCServer outputs (tlc-output/Distributed*.out). The server exits 0 in every one of
 * them, so only the output can tell them apart.
 */
class DistributedOutcomesTest {

    private static Outcome classify(String capture, boolean stopped, String why) {
        TlcOutput out = TlcOutputParser.parse(Fixtures.tlcOutput(capture), Path.of("X.cfg"));
        return DistributedOutcomes.classify(new TlcRun(List.of(), 0, 1.0, out, Path.of("x.out"), stopped), why);
    }

    @Test
    void aFinishedSearchIsOkWithItsCounts() {
        TlcOutput out = TlcOutputParser.parse(Fixtures.tlcOutput("DistributedTallyOk"), null);
        assertEquals(OptionalLong.of(15625), out.distinctStates());
        assertEquals(OutcomeKind.OK, classify("DistributedTallyOk", false, null).kind());
    }

    @Test
    void aViolationIsAnErrorThatSaysTheServerNamesNothing() {
        Outcome o = classify("DistributedRingAssert", false, null);
        assertEquals(OutcomeKind.ERROR, o.kind());
        assertTrue(o.detail().contains("does not say which invariant"), o.detail());
    }

    @Test
    void parseAndCfgErrorsKeepTheirKind() {
        assertEquals(OutcomeKind.PARSE_ERROR, classify("DistributedSyntax", false, null).kind());
        Outcome cfg = classify("DistributedRingBadCfg", false, null);
        assertEquals(OutcomeKind.CONFIG_ERROR, cfg.kind());
        assertTrue(cfg.detail().contains("configuration file at line 4"), cfg.detail());
    }

    @Test
    void aServerStoppedByTheToolIsAnErrorWithTheReason() {
        Outcome o = classify("DistributedTallyOk", true, "every local worker exited");
        assertEquals(OutcomeKind.ERROR, o.kind());
        assertEquals("every local worker exited", o.detail());
        TlcOutput empty = new TlcOutputParser(null).result();
        Outcome none = DistributedOutcomes.classify(new TlcRun(List.of(), 0, 1.0, empty, Path.of("x"), false), null);
        assertEquals(OutcomeKind.ERROR, none.kind());
        assertTrue(none.detail().contains("without a result"), none.detail());
    }
}
