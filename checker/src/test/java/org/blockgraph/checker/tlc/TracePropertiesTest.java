package org.blockgraph.checker.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Generated error traces in TLC's printed form (one or several variables, single- and multi-line values, values
 * that themselves contain {@code " = "}, stuttering and loop-back endings) must parse back to exactly the states
 * they were printed from, and the counterexample formatter must show exactly the variables that changed.
 * Examples come from a list of choices interpreted against the trace being built, so a shrunk failure stays short.
 * The budget comes from {@code -Dblockgraph.examples} (default 300) and the seed from {@code -Dblockgraph.seed}
 * (fixed by default, so CI runs are repeatable).
 */
class TracePropertiesTest {

    private static final List<String> NAMES = List.of("x", "queue", "log", "st");
    private static final List<String> ACTIONS = List.of("IncX", "DrainBegin", "Next");
    private static final List<String> VALUES = List.of(
            "0",
            "1",
            "TRUE",
            "{}",
            "\"a = b\"",
            "<<0, 1, 2>>",
            "[from |-> 0, to |-> 1, seen |-> <<>>]",
            "[ from |-> 1,\n  to |-> 2,\n  seen |->\n      << 0,\n         1 >> ]",
            "( <<n1, \"backing\">> :> TRUE @@\n  <<n1, \"file\">> :> FALSE )",
            "{ [st |-> \"idle\"],\n  [st |-> \"done\"] }");
    private static final Pattern SHOWN = Pattern.compile("^  ([A-Za-z_][A-Za-z0-9_]*) = ");

    /** A trace built from choices: the states, and how it ends (0 plain, 1 stuttering, k+1 back to state k). */
    record Generated(List<Map<String, String>> states, List<String> actions, int ending) {
    }

    static Generated interpret(List<Integer> choices) {
        int[] at = {0};
        java.util.function.IntUnaryOperator next = bound -> Math.floorMod(choices.get(at[0]++ % choices.size()),
                bound);
        int vars = 1 + next.applyAsInt(NAMES.size());
        int count = 1 + next.applyAsInt(6);
        List<Map<String, String>> states = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Map<String, String> state = new LinkedHashMap<>();
            for (int v = 0; v < vars; v++) {
                boolean keep = s > 0 && next.applyAsInt(2) == 0;
                state.put(NAMES.get(v), keep ? states.get(s - 1).get(NAMES.get(v))
                        : VALUES.get(next.applyAsInt(VALUES.size())));
            }
            states.add(state);
            actions.add(s == 0 ? "Initial predicate" : ACTIONS.get(next.applyAsInt(ACTIONS.size())));
        }
        int ending = next.applyAsInt(count + 2);
        return new Generated(states, actions, ending);
    }

    static String print(Generated g) {
        StringBuilder out = new StringBuilder("Error: Temporal properties were violated.\n\n"
                + "Error: The following behavior constitutes a counter-example:\n\n");
        for (int s = 0; s < g.states().size(); s++) {
            String action = g.actions().get(s);
            out.append("State ").append(s + 1).append(": <").append(action);
            if (s > 0) {
                out.append(" line 3, col 5 to line 9, col 40 of module Spec");
            }
            out.append(">\n");
            boolean several = g.states().get(s).size() > 1;
            g.states().get(s).forEach((name, value) ->
                    out.append(several ? "/\\ " : "").append(name).append(" = ").append(value).append('\n'));
            out.append('\n');
        }
        if (g.ending() == 1) {
            out.append("State ").append(g.states().size() + 1).append(": Stuttering\n");
        } else if (g.ending() > 1) {
            out.append("Back to state ").append(g.ending() - 1).append(": <Next line 3, col 5 to line 9, col 40 of"
                    + " module Spec>\n\n");
        }
        return out.append("Finished checking temporal properties in 00s at 2026-11-22 02:39:01\n"
                + "7 states generated, 6 distinct states found, 0 states left on queue.\n").toString();
    }

    @Test
    void printedTracesParseBackAndFormatOnlyChanges() {
        qt().withFixedSeed(Long.getLong("blockgraph.seed", 20_261_122L))
                .withExamples(Integer.getInteger("blockgraph.examples", 300))
                .forAll(lists().of(integers().between(0, 99)).ofSizeBetween(1, 40))
                .checkAssert(choices -> {
                    Generated g = interpret(choices);
                    TlcOutput out = TlcOutputParser.parse(print(g), null);
                    assertEquals(g.states().size(), out.traceLength());
                    assertEquals(7, out.statesGenerated().getAsLong(), "the counts after the trace are still read");
                    for (int s = 0; s < g.states().size(); s++) {
                        TraceState parsed = out.trace().get(s);
                        assertEquals(s + 1, parsed.index());
                        assertEquals(g.actions().get(s), parsed.action());
                        assertEquals(g.states().get(s), parsed.variables());
                    }
                    int markers = g.ending() == 0 ? 0 : 1;
                    assertEquals(g.states().size() + markers, out.trace().size());
                    if (g.ending() == 1) {
                        assertEquals(true, out.trace().get(g.states().size()).stuttering());
                    } else if (g.ending() > 1) {
                        assertEquals(g.ending() - 1, out.trace().get(g.states().size()).backTo());
                    }
                    List<Set<String>> shown = shownPerState(CounterexampleFormatter.format(out.trace(), ""));
                    for (int s = 0; s < g.states().size(); s++) {
                        Set<String> changed = new LinkedHashSet<>();
                        for (Map.Entry<String, String> v : g.states().get(s).entrySet()) {
                            if (s == 0 || !v.getValue().equals(g.states().get(s - 1).get(v.getKey()))) {
                                changed.add(v.getKey());
                            }
                        }
                        assertEquals(changed, shown.get(s), "state " + (s + 1));
                    }
                });
    }

    /** The variable names each state block of the formatted trace shows. */
    private static List<Set<String>> shownPerState(String formatted) {
        List<Set<String>> blocks = new ArrayList<>();
        for (String line : formatted.split("\n")) {
            if (line.startsWith("State ")) {
                blocks.add(new LinkedHashSet<>());
                continue;
            }
            Matcher m = SHOWN.matcher(line);
            if (m.find()) {
                blocks.get(blocks.size() - 1).add(m.group(1));
            }
        }
        return blocks;
    }
}
