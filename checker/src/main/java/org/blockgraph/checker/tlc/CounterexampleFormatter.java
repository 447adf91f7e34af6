package org.blockgraph.checker.tlc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a TLC error trace for people: one block per state headed by the action that produced it, listing all
 * variables in the first state and afterwards only those whose value changed. Stuttering and loop-back markers
 * of liveness counterexamples get a line of their own.
 */
public final class CounterexampleFormatter {

    private CounterexampleFormatter() {
    }

    /**
     * The trace as text, every line prefixed with {@code indent}; empty string for an empty trace.
     *
     * @param trace the states of TLC's counterexample
     * @param indent the prefix of every line
     * @return the formatted trace
     */
    public static String format(List<TraceState> trace, String indent) {
        StringBuilder out = new StringBuilder();
        Map<String, String> previous = null;
        for (TraceState s : trace) {
            if (s.stuttering()) {
                out.append(indent).append("State ").append(s.index())
                        .append(": stuttering (the behaviour stays in the previous state forever)\n");
                continue;
            }
            out.append(indent).append("State ").append(s.index()).append(": ");
            if (s.backTo() > 0) {
                out.append("back to state ").append(s.backTo()).append(" (the behaviour loops from here)");
                if (s.action() != null) {
                    out.append(" via <").append(s.action()).append('>');
                }
                out.append('\n');
                continue;
            }
            out.append('<').append(s.action() == null ? "?" : s.action()).append('>');
            if (s.location() != null) {
                out.append("  (").append(s.location()).append(')');
            }
            out.append('\n');
            int shown = 0;
            for (Map.Entry<String, String> v : s.variables().entrySet()) {
                String before = previous == null ? null : previous.get(v.getKey());
                if (previous == null || !Objects.equals(before, v.getValue())) {
                    // TLC indents continuation lines relative to the value's first column: keep that alignment
                    String value = v.getValue().replace("\n",
                            "\n" + indent + "  " + " ".repeat(v.getKey().length() + 3));
                    out.append(indent).append("  ").append(v.getKey()).append(" = ").append(value).append('\n');
                    shown++;
                }
            }
            if (shown == 0) {
                out.append(indent).append("  (no variable changed)\n");
            }
            previous = s.variables();
        }
        return out.toString();
    }
}
