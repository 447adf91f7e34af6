package org.blockgraph.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.OptionalLong;
import org.blockgraph.checker.tlc.Progress;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void redrawsOneLineAndErasesItAtTheEnd() {
        StringWriter sink = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(sink), "[1/2] DrainMain", false);
        line.draw();
        line.update(new Progress(7, 1_234_567, 345_678, OptionalLong.of(2_000_000)));
        line.draw();
        line.close();
        String text = sink.toString();
        assertTrue(text.startsWith("\r  [1/2] DrainMain: starting TLC... 0:00"), text);
        assertTrue(text.contains("\r  [1/2] DrainMain: 1,234,567 states, 345,678 distinct, 2,000,000 states/min,"
                + " 0:00 elapsed"), text);
        assertEquals(0, text.chars().filter(c -> c == '\n').count(), "a progress line never scrolls");
        assertTrue(text.endsWith("\r"), "the line is erased when the model ends");
    }
}
