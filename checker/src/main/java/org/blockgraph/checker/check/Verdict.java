package org.blockgraph.checker.check;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.blockgraph.checker.manifest.Mode;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.Outcome;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.TlcOutput;

/**
 * Compares a TLC run with its manifest entry. A model matches when the result is the expected one (a negative
 * model: violated exactly the named invariant/property, or deadlocked when {@code Deadlock} is expected) and, for
 * exhaustive models, the distinct and total state counts and the recorded depth are equal. Counts are compared
 * only once the result matches: a different result already explains different counts.
 */
public final class Verdict {

    private Verdict() {
    }

    /**
     * The depth to compare: the counterexample's length when TLC printed one, else the state-graph depth.
     *
     * @param output TLC's parsed output
     * @return the depth, or empty if TLC printed neither
     */
    public static OptionalInt depthOf(TlcOutput output) {
        int trace = output.traceLength();
        return trace > 0 ? OptionalInt.of(trace) : output.depth();
    }

    /**
     * Every way the run differs from the entry, one line each; empty when it matches.
     *
     * @param entry the manifest entry
     * @param outcome how the run ended
     * @param output TLC's parsed output
     * @return the differences, one line each
     */
    public static List<String> mismatches(ModelEntry entry, Outcome outcome, TlcOutput output) {
        List<String> out = new ArrayList<>();
        if (!outcome.satisfies(entry.expected())) {
            boolean located = outcome.kind() == OutcomeKind.PARSE_ERROR && !output.specErrors().isEmpty();
            String got = outcome.label() + (outcome.detail() == null || located ? "" : " (" + outcome.detail() + ")");
            if (entry.isNegative() && outcome.kind() == OutcomeKind.OK) {
                out.add("result: expected " + entry.expected() + ", but TLC found no error: the negative model no"
                        + " longer fails (was its bug removed?)");
            } else {
                out.add("result: expected " + entry.expected() + ", TLC gave " + got);
            }
            return out;
        }
        if (entry.mode() == Mode.EXHAUSTIVE) {
            compare(out, "distinctStates", entry.distinctStates(), output.distinctStates());
            compare(out, "totalStates", entry.totalStates(), output.statesGenerated());
            if (entry.depth().isPresent()) {
                OptionalInt actual = depthOf(output);
                if (actual.isEmpty()) {
                    out.add("depth: manifest " + entry.depth().getAsInt() + ", TLC reported none");
                } else if (actual.getAsInt() != entry.depth().getAsInt()) {
                    out.add("depth: manifest " + entry.depth().getAsInt() + ", TLC " + actual.getAsInt());
                }
            }
        }
        return out;
    }

    private static void compare(List<String> out, String field, OptionalLong expected, OptionalLong actual) {
        if (expected.isEmpty()) {
            return;
        }
        if (actual.isEmpty()) {
            out.add(field + ": manifest " + expected.getAsLong() + ", TLC reported none");
        } else if (actual.getAsLong() != expected.getAsLong()) {
            out.add(field + ": manifest " + expected.getAsLong() + ", TLC " + actual.getAsLong());
        }
    }
}
