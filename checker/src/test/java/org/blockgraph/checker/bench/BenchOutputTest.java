package org.blockgraph.checker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchOutputTest {
    /** Verbatim output of Debian's qemu-img 7.2 bench on null-co. */
    private static final String QEMU = """
            Sending 200000 read requests, 4096 bytes each, 64 in parallel (starting at offset 0, step size 4096)
            Run completed in 0.361 seconds.
            """;

    /** NullBench prints the same two lines plus its own. */
    private static final String NULL_BENCH = """
            Sending 500000 write requests, 4096 bytes each, 1 in parallel (starting at offset 0, step size 4096)
            blockgraph: shape filters3, 1 I/O context(s), 1000 drains/s, graph lock and accounting on, 300000 warm-up requests
            Drained sections during the run: 812 (950/s)
            Run completed in 1.250000 seconds.
            """;

    @Test
    void readsQemuImgBench() {
        BenchOutput o = BenchOutput.parse(QEMU);
        assertEquals(200000, o.requests());
        assertFalse(o.write());
        assertEquals(4096, o.size());
        assertEquals(64, o.depth());
        assertEquals(0.361, o.seconds(), 1e-12);
        assertEquals(200000 / 0.361, o.iops(), 1e-6);
    }

    @Test
    void readsNullBench() {
        BenchOutput o = BenchOutput.parse(NULL_BENCH);
        assertTrue(o.write());
        assertEquals(1, o.depth());
        assertEquals(400000.0, o.iops(), 1e-6);
    }

    @Test
    void refusesOutputWithoutTheCompletionLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOutput.parse(
                "Sending 10 read requests, 4096 bytes each, 1 in parallel\nqemu-img: Could not open 'x'\n"));
        assertTrue(e.getMessage().contains("Run completed in"), e.getMessage());
        assertTrue(e.getMessage().contains("Could not open"), "the tool's own error is shown: " + e.getMessage());
    }

    @Test
    void refusesOutputWithoutTheSendingLine() {
        assertThrows(IllegalArgumentException.class, () -> BenchOutput.parse("Run completed in 1.0 seconds.\n"));
    }

    @Test
    void refusesAZeroDuration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOutput.parse(
                "Sending 10 read requests, 4096 bytes each, 1 in parallel\nRun completed in 0.000 seconds.\n"));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }
}
