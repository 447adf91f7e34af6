package org.blockgraph.checker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    private static final List<SummaryRow> ROWS = List.of(
            new SummaryRow("DrainMain", "exhaustive", "ok", "ok", 123_456L, 654_321L, 17, 41.25, true, List.of(),
                    "/r/DrainMain.out"),
            new SummaryRow("DrainBug", "exhaustive", "DrainInv", "ok", 10L, 20L, 3, 1.0, false,
                    List.of("result: expected DrainInv, but TLC found no error"), "/r/DrainBug.out"),
            new SummaryRow("Sim", "simulate", "ok", "parse error", null, null, null, 0.3, false, List.of("x <y>"),
                    "/elsewhere/Sim.out"));

    @Test
    void tableAlignsColumnsAndEndsWithASummary() {
        assertEquals("""
                model      mode        expected  actual       distinct    total  depth  seconds  verdict
                -----------------------------------------------------------------------------------------
                DrainMain  exhaustive  ok        ok            123,456  654,321     17     41.3  MATCH
                DrainBug   exhaustive  DrainInv  ok                 10       20      3      1.0  MISMATCH
                Sim        simulate    ok        parse error         -        -      -      0.3  MISMATCH
                3 models: 1 matched, 2 MISMATCHED (DrainBug, Sim) in 42.6 s
                """, ResultTable.render(ROWS));
    }

    @Test
    void htmlEscapesAndLinksOutputs() {
        String html = HtmlReport.render(ROWS, Path.of("/r"), "blockgraph check");
        assertTrue(html.contains("<a href=\"DrainMain.out\">DrainMain.out</a>"), html);
        assertTrue(html.contains("<a href=\"file:///elsewhere/Sim.out\">Sim.out</a>"), html);
        assertTrue(html.contains("<li>x &lt;y&gt;</li>"), html);
        assertTrue(html.contains("class=\"MISMATCH\">MISMATCH"), html);
    }
}
