package org.blockgraph.checker.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/** Exit-code mapping: each of TLC's exit codes, with the output of a real run that produced it. */
class OutcomesTest {

    private static Outcome classify(int exit, String capture, CfgFile cfg) {
        return Outcomes.classify(exit, TlcOutputParser.parse(Fixtures.tlcOutput(capture), Path.of("x.cfg")), cfg);
    }

    @Test
    void exitCodeTable() {
        assertEquals(TlcExitCode.SUCCESS, TlcExitCode.of(0));
        assertEquals(TlcExitCode.DEADLOCK, TlcExitCode.of(11));
        assertEquals(TlcExitCode.SAFETY, TlcExitCode.of(12));
        assertEquals(TlcExitCode.LIVENESS, TlcExitCode.of(13));
        assertEquals(TlcExitCode.ASSERT, TlcExitCode.of(14));
        assertEquals(TlcExitCode.SPEC_PARSE, TlcExitCode.of(150));
        assertEquals(TlcExitCode.CONFIG_PARSE, TlcExitCode.of(151));
        assertEquals(TlcExitCode.ERROR, TlcExitCode.of(255));
        assertEquals(TlcExitCode.CRASH, TlcExitCode.of(1));
        assertEquals(TlcExitCode.UNKNOWN, TlcExitCode.of(42));
        assertEquals(TlcExitCode.UNKNOWN, TlcExitCode.of(-1));
    }

    @Test
    void exit0IsOk() {
        Outcome o = classify(0, "CounterOk", null);
        assertEquals(OutcomeKind.OK, o.kind());
        assertTrue(o.satisfies("ok"));
        assertFalse(o.satisfies("TypeInv"));
    }

    @Test
    void exit11IsDeadlock() {
        Outcome o = classify(11, "CounterDeadlock", null);
        assertEquals(OutcomeKind.DEADLOCK, o.kind());
        assertTrue(o.satisfies("Deadlock"));
        assertFalse(o.satisfies("ok"));
    }

    @Test
    void exit12IsTheNamedInvariant() {
        Outcome o = classify(12, "CounterBug", null);
        assertEquals(new Outcome(OutcomeKind.INVARIANT, "TypeInv", null), o);
        assertTrue(o.satisfies("TypeInv"));
        assertFalse(o.satisfies("SumInv"));
        assertFalse(o.satisfies("ok"));
    }

    @Test
    void exit13TakesThePropertyFromTheCfg() {
        Outcome o = classify(13, "RingUnfair", new CfgFile(List.of("TypeInv"), List.of("EventuallyMovedProp")));
        assertEquals(new Outcome(OutcomeKind.PROPERTY, "EventuallyMovedProp", null), o);
        assertTrue(o.satisfies("EventuallyMovedProp"));
    }

    @Test
    void exit13WithSeveralPropertiesIsUnnamedAndNeverMatches() {
        Outcome o = classify(13, "RingTwoProps",
                new CfgFile(List.of("TypeInv"), List.of("TokenReturnsProp", "EventuallyMovedProp")));
        assertEquals(OutcomeKind.TEMPORAL_UNNAMED, o.kind());
        assertFalse(o.satisfies("TokenReturnsProp"));
        assertFalse(o.satisfies("EventuallyMovedProp"));
        assertTrue(o.detail().contains("exactly the one PROPERTY"), o.detail());
    }

    @Test
    void exit14IsAnAssertionThatNeverMatches() {
        Outcome o = classify(14, "RingAssert", null);
        assertEquals(OutcomeKind.ASSERTION, o.kind());
        assertEquals("\"a limit of 2 is not supported\"", o.detail());
        assertFalse(o.satisfies("ok"));
        assertFalse(o.satisfies("Assert"));
    }

    @Test
    void exit150IsAParseErrorWithItsLocation() {
        Outcome o = classify(150, "Syntax", null);
        assertEquals(OutcomeKind.PARSE_ERROR, o.kind());
        assertTrue(o.detail().contains("Syntax.tla:10:1"), o.detail());
        assertEquals(OutcomeKind.PARSE_ERROR, classify(150, "Semantic", null).kind());
    }

    @Test
    void exit151And255AreCfgErrors() {
        assertEquals(OutcomeKind.CONFIG_ERROR, classify(151, "RingNoSuchInv", null).kind());
        Outcome bad = classify(255, "RingBadCfg", null);
        assertEquals(OutcomeKind.CONFIG_ERROR, bad.kind());
        assertTrue(bad.detail().startsWith("exit 255: TLC found an error in the configuration file at line 4"),
                bad.detail());
    }

    @Test
    void crashAndUnknownCodesAreErrors() {
        Outcome crash = Outcomes.classify(1, TlcOutputParser.parse("Error: java.lang.OutOfMemoryError\n", null),
                null);
        assertEquals(OutcomeKind.ERROR, crash.kind());
        assertTrue(crash.detail().contains("exit 1") && crash.detail().contains("OutOfMemoryError"),
                crash.detail());
        assertEquals(OutcomeKind.ERROR, Outcomes.classify(75, TlcOutputParser.parse("", null), null).kind());
        assertNull(crash.name());
    }
}
