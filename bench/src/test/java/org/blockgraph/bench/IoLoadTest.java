package org.blockgraph.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.junit.jupiter.api.Test;

/** The benchmark drivers do the I/O they claim to (no timing here: speed belongs in the benchmarks). */
class IoLoadTest {
    private static final int CR = Permission.CONSISTENT_READ.bit();
    private static final int W = Permission.WRITE.bit();

    @Test
    void writesReachEveryBlockAcrossContextsAndWrapAtTheEnd() {
        BlockGraph g = new BlockGraph();
        Node mem = g.addNode("mem", new MemoryDriver(16 * 4096));
        BlockBackend blk = new BlockBackend(g, "vda", CR | W, Permission.ALL, 8);
        blk.insert(mem);
        IoLoad.run(blk, 2, 40, 4, 4096, true); // 20 per context: wraps past the 16 blocks
        byte[] all = blk.read(0, 16 * 4096);
        for (int i = 0; i < all.length; i++) {
            assertEquals((byte) 0xa5, all[i], "byte " + i);
        }
        IoLoad.run(blk, 1, 100, 8, 4096, false);
        assertEquals(0, blk.inFlight());
        blk.close();
    }

    @Test
    void aFailedRequestFailsTheRun() {
        BlockGraph g = new BlockGraph();
        Node mem = g.addNode("mem", new MemoryDriver(1 << 20));
        BlockBackend readOnly = new BlockBackend(g, "vda", CR, Permission.ALL, 64);
        readOnly.insert(mem);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> IoLoad.run(readOnly, 1, 1000, 64, 4096, true));
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
        assertEquals(0, readOnly.inFlight());
    }

    @Test
    void depthBeyondTheQueueIsRefused() {
        Shape.Built b = Shape.BARE.build(64);
        assertThrows(IllegalArgumentException.class, () -> IoLoad.run(b.blk(), 2, 1000, 64, 4096, false));
    }

    @Test
    void filtersShapeReadsAndWritesUnderDrains() {
        Shape.Built b = Shape.FILTERS3.build(64);
        assertEquals("thr0", b.top().name());
        try (DrainLoad drains = new DrainLoad(b.graph(), b.leaf(), 1000)) {
            IoLoad.run(b.blk(), 1, 20_000, 64, 4096, false);
            IoLoad.run(b.blk(), 1, 20_000, 64, 4096, true);
        }
        assertEquals(0, b.leaf().quiesceCounter());
    }

    @Test
    void nullBenchPrintsQemuImgsLines() {
        StringWriter out = new StringWriter();
        int code = NullBench.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "-c", "2000", "-d",
                "4", "--shape", "filters3", "--warmup", "100", "--drains-per-second", "100");
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("Sending 2000 read requests, 4096 bytes each, 4 in parallel"),
                out.toString());
        assertTrue(out.toString().matches("(?s).*Run completed in \\d+\\.\\d+ seconds\\..*"), out.toString());
    }

    @Test
    void nullBenchRefusesBadUsage() {
        StringWriter err = new StringWriter();
        assertEquals(2, NullBench.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "--shape",
                "qcow2"));
        assertTrue(err.toString().contains("unknown shape"), err.toString());
    }
}
