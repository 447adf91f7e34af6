package org.blockgraph.checker.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

class CounterexampleFormatterTest {

    private static Map<String, String> vars(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void firstStateShowsAllVariablesThenOnlyChangedOnes() {
        List<TraceState> trace = List.of(
                new TraceState(1, "Initial predicate", null, vars("x", "0", "y", "0", "z", "{}"), false, 0),
                new TraceState(2, "IncX", "line 14, col 9 to line 14, col 69 of module Counter",
                        vars("x", "1", "y", "0", "z", "{}"), false, 0),
                new TraceState(3, "Touch", null, vars("x", "1", "y", "0", "z", "{}"), false, 0),
                new TraceState(4, null, null, Map.of(), true, 0));
        String text = CounterexampleFormatter.format(trace, "> ");
        assertEquals("""
                > State 1: <Initial predicate>
                >   x = 0
                >   y = 0
                >   z = {}
                > State 2: <IncX>  (line 14, col 9 to line 14, col 69 of module Counter)
                >   x = 1
                > State 3: <Touch>
                >   (no variable changed)
                > State 4: stuttering (the behaviour stays in the previous state forever)
                """, text);
    }

    @Test
    void realTraceShowsOnlyChangedVariables() {
        TlcOutput out = TlcOutputParser.parse(Fixtures.tlcOutput("CounterBug"), null);
        String text = CounterexampleFormatter.format(out.trace(), "");
        assertEquals("""
                State 1: <Initial predicate>
                  x = 0
                  y = 0
                State 2: <IncX>  (line 14, col 9 to line 14, col 69 of module Counter)
                  x = 1
                State 3: <IncX>  (line 14, col 9 to line 14, col 69 of module Counter)
                  x = 2
                State 4: <IncX>  (line 14, col 9 to line 14, col 69 of module Counter)
                  x = 3
                """, text);
    }

    @Test
    void multiLineValuesAreIndentedAndLoopsNamed() {
        TlcOutput longValues = TlcOutputParser.parse(Fixtures.tlcOutput("LongValues"), null);
        String text = CounterexampleFormatter.format(longValues.trace(), "  ");
        assertTrue(text.contains("  State 27: <Pass>"), text);
        assertTrue(text.contains("    log = [ from |-> 1,\n            to |-> 2,\n            seen |->\n                << 0,"), text);
        TlcOutput lasso = TlcOutputParser.parse(Fixtures.tlcOutput("Lasso"), null);
        String loop = CounterexampleFormatter.format(lasso.trace(), "");
        assertTrue(loop.endsWith("State 7: back to state 2 (the behaviour loops from here) via <Pass>\n"), loop);
    }
}
