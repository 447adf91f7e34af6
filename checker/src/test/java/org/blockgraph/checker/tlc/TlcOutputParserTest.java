package org.blockgraph.checker.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/** Parsing of real TLC 2.18 outputs captured from the fixture specs (src/test/resources/tlc-output). */
class TlcOutputParserTest {

    private static TlcOutput parse(String name) {
        return TlcOutputParser.parse(Fixtures.tlcOutput(name), Path.of("/spec/chain/" + name + ".cfg"));
    }

    @Test
    void okRunGivesFinalCountsAndDepth() {
        TlcOutput out = parse("CounterOk");
        assertEquals(OptionalLong.of(13), out.statesGenerated());
        assertEquals(OptionalLong.of(9), out.distinctStates());
        assertEquals(OptionalInt.of(5), out.depth());
        assertTrue(out.trace().isEmpty());
        assertTrue(out.specErrors().isEmpty());
        assertTrue(out.errorMessages().isEmpty());
        assertNull(out.violatedInvariant());
        assertFalse(out.simulation());
    }

    @Test
    void invariantViolationNamesTheInvariantAndKeepsTheTrace() {
        TlcOutput out = parse("CounterBug");
        assertEquals("TypeInv", out.violatedInvariant());
        assertEquals(OptionalLong.of(8), out.statesGenerated());
        assertEquals(OptionalLong.of(7), out.distinctStates());
        assertEquals(4, out.traceLength());
        TraceState first = out.trace().get(0);
        assertEquals("Initial predicate", first.action());
        assertEquals(List.of("x", "y"), List.copyOf(first.variables().keySet()));
        TraceState last = out.trace().get(3);
        assertEquals(4, last.index());
        assertEquals("IncX", last.action());
        assertEquals("line 14, col 9 to line 14, col 69 of module Counter", last.location());
        assertEquals("3", last.variables().get("x"));
        assertEquals("0", last.variables().get("y"));
    }

    @Test
    void deadlockIsRecognised() {
        TlcOutput out = parse("CounterDeadlock");
        assertTrue(out.deadlock());
        assertEquals(5, out.traceLength());
        assertEquals("IncY", out.trace().get(4).action());
        assertEquals(OptionalInt.of(5), out.depth());
    }

    @Test
    void livenessCounterexampleEndsInStuttering() {
        TlcOutput out = parse("RingUnfair");
        assertTrue(out.temporalViolation());
        assertNull(out.violatedProperty());
        assertEquals(2, out.trace().size());
        assertTrue(out.trace().get(1).stuttering());
        assertEquals(1, out.traceLength());
        assertEquals("[from |-> 0, to |-> 0, seen |-> <<>>]", out.trace().get(0).variables().get("log"));
        assertEquals(OptionalLong.of(7), out.statesGenerated());
    }

    @Test
    void livenessLassoEndsWithBackToState() {
        TlcOutput out = parse("Lasso");
        assertTrue(out.temporalViolation());
        TraceState back = out.trace().get(out.trace().size() - 1);
        assertEquals(2, back.backTo());
        assertEquals("Pass", back.action());
        assertEquals(6, out.traceLength());
        assertEquals("Reset", out.trace().get(5).action());
    }

    @Test
    void multiLineValuesAreKeptWhole() {
        TlcOutput out = parse("LongValues");
        assertEquals("limit out of range", out.assertionMessage().replace("\"", ""));
        assertEquals(27, out.traceLength());
        String log = out.trace().get(26).variables().get("log");
        assertTrue(log.startsWith("[ from |-> 1,\n  to |-> 2,\n  seen |->\n      << 0,\n         1,"), log);
        assertTrue(log.endsWith("\n         1 >> ]"), log);
        assertEquals(3, out.trace().get(26).variables().size());
        assertEquals("26", out.trace().get(26).variables().get("passes"));
    }

    @Test
    void singleVariableStatesHaveNoConjunctionPrefix() {
        TlcOutput out = parse("OneVariable");
        assertEquals("SmallInv", out.violatedInvariant());
        assertEquals(3, out.traceLength());
        assertEquals("2", out.trace().get(2).variables().get("x"));
    }

    @Test
    void assertionMessageIsRead() {
        TlcOutput out = parse("RingAssert");
        assertEquals("\"a limit of 2 is not supported\"", out.assertionMessage());
        assertEquals(3, out.traceLength());
        assertTrue(out.errorMessages().get(0).startsWith("The error occurred when TLC was evaluating"));
    }

    @Test
    void syntaxErrorHasFileLineAndColumn() {
        TlcOutput out = parse("Syntax");
        assertEquals(1, out.specErrors().size());
        SpecError e = out.specErrors().get(0);
        assertTrue(e.file().endsWith("/broken/drain/Syntax.tla"), e.file());
        assertEquals(10, e.line());
        assertEquals(1, e.column());
        assertTrue(e.toString().contains("Syntax.tla:10:1: Encountered"), e.toString());
    }

    @Test
    void semanticErrorIsReportedOnceWithItsModuleFile() {
        TlcOutput out = parse("Semantic");
        assertEquals(1, out.specErrors().size(), out.specErrors().toString());
        SpecError e = out.specErrors().get(0);
        assertTrue(e.file().endsWith("/broken/drain/Semantic.tla"), e.file());
        assertEquals(8, e.line());
        assertEquals(18, e.column());
        assertEquals("Unknown operator: `Undefined'.", e.message());
    }

    @Test
    void badCfgKeywordPointsAtTheCfgLine() {
        TlcOutput out = parse("RingBadCfg");
        assertEquals(1, out.specErrors().size());
        SpecError e = out.specErrors().get(0);
        assertEquals("/spec/chain/RingBadCfg.cfg", e.file());
        assertEquals(4, e.line());
        assertTrue(e.message().startsWith("TLC found an error in the configuration file at line 4"), e.message());
    }

    @Test
    void undefinedCfgNameIsAnErrorMessage() {
        TlcOutput out = parse("RingNoSuchInv");
        assertEquals(List.of("The invariant NoSuchInv specified in the configuration file is not defined in the"
                + " specification."), out.errorMessages());
    }

    @Test
    void simulationCountsStatesChecked() {
        TlcOutput out = parse("RingSim");
        assertTrue(out.simulation());
        assertEquals(OptionalLong.of(2001), out.statesGenerated());
        assertTrue(out.distinctStates().isEmpty());
    }

    @Test
    void progressReportsAreParsedWithAndWithoutRates() {
        Progress first = Progress.parse("Progress(6) at 2026-11-22 02:39:01: 7 states generated, 6 distinct"
                + " states found, 0 states left on queue.").orElseThrow();
        assertEquals(new Progress(6, 7, 6, OptionalLong.empty()), first);
        Progress later = Progress.parse("Progress(23) at 2026-11-22 03:10:44: 12,345,678 states generated"
                + " (1,234,567 s/min), 2,345,678 distinct states found (234,567 ds/min), 45,678 states left on"
                + " queue.").orElseThrow();
        assertEquals(new Progress(23, 12_345_678, 2_345_678, OptionalLong.of(1_234_567)), later);
        assertEquals(4001, Progress.parse("Progress: 4001 states checked.").orElseThrow().states());
        assertTrue(Progress.parse("13 states generated, 9 distinct states found, 0 states left on queue.")
                .isEmpty());
    }

    @Test
    void outputCanBeFedIncrementally() {
        TlcOutputParser p = new TlcOutputParser(null);
        Fixtures.tlcOutput("CounterBug").lines().limit(20).forEach(p::accept);
        TlcOutput partial = p.result();
        assertEquals("TypeInv", partial.violatedInvariant());
        assertTrue(partial.statesGenerated().isEmpty());
    }

    @Test
    void missingModuleIsBlamedOnTheModuleThatExtendsIt() {
        TlcOutput out = parse("MissingModule");
        assertEquals(1, out.specErrors().size(), out.specErrors().toString());
        SpecError e = out.specErrors().get(0);
        assertTrue(e.file().endsWith("/MCA.tla"), e.file());
        assertEquals("Cannot find source file for module NoSuchModule imported in module MCA.", e.message());
        assertEquals(OutcomeKind.PARSE_ERROR, Outcomes.classify(150, out, null).kind());
    }

    @Test
    void lexicalErrorHasLineAndColumnAndNoDuplicateSummary() {
        TlcOutput out = parse("LexicalError");
        assertEquals(1, out.specErrors().size(), out.specErrors().toString());
        SpecError e = out.specErrors().get(0);
        assertTrue(e.toString().matches(".*/MCB\\.tla:6:16: Lexical error at line 6, column 16\\..*"), e.toString());
    }

    @Test
    void unassignedConstantIsACfgError() {
        TlcOutput out = parse("UnassignedConstant");
        assertEquals(List.of("The constant parameter Max is not assigned a value by the configuration file."),
                out.errorMessages());
        assertEquals("/spec/chain/UnassignedConstant.cfg: The constant parameter Max is not assigned a value by the"
                + " configuration file.", out.specErrors().get(0).toString());
        assertEquals(OutcomeKind.CONFIG_ERROR, Outcomes.classify(151, out, null).kind());
    }
}
