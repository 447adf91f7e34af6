package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.io.BlockBackend;
import org.junit.jupiter.api.Test;

/** The invariant oracle holds on real states and reports states broken on purpose (it has teeth). */
class DrainInvariantsTest {
    final BlockGraph g = new BlockGraph();
    final Node base = g.addNode("base", new MemoryDriver(1 << 16));
    final Node top = g.addNode("top", new CowDriver(1 << 16, 4096),
            Map.of("file", g.addNode("tf", new MemoryDriver(0)), "backing", base));
    final BlockBackend blk = BlockBackend.create(g, "vda", top, Permission.CONSISTENT_READ.bit(), Permission.ALL);

    @Test
    void holdsAcrossDrains() {
        assertEquals(List.of(), DrainInvariants.all(g, List.of(blk)));
        g.drainedBegin(base);
        assertEquals(List.of(), DrainInvariants.all(g, List.of(blk)));
        g.drainAllBegin();
        assertEquals(List.of(), DrainInvariants.all(g, List.of(blk)));
        g.drainAllEnd();
        g.drainedEnd(base);
        assertEquals(List.of(), DrainInvariants.all(g, List.of(blk)));
    }

    @Test
    void reportsAMiscountedNode() {
        g.drainedBegin(base);
        top.quiesceCounter.incrementAndGet(); // as if an end had been lost (the 2017 per-level bug)
        try {
            List<String> broken = DrainInvariants.quiesceCountInv(g);
            assertEquals(List.of("quiesceCountInv: top qc=2 expected 1"), broken);
        } finally {
            top.quiesceCounter.decrementAndGet();
            g.drainedEnd(base);
        }
    }

    @Test
    void reportsAStaleQuiescedParentFlagAndAnUnbalancedBlockBackend() {
        Child edge = top.child("backing");
        edge.quiescedParent = true;
        try {
            assertTrue(DrainInvariants.quiescedParentInv(g).get(0).startsWith("quiescedParentInv: node 'top'"));
            assertEquals(1, DrainInvariants.drainBalanceInv(g, List.of(blk)).size(), "top counts 0 < 1 demanded");
        } finally {
            edge.quiescedParent = false;
        }
        blk.rootEdge().quiescedParent = true;
        try {
            assertEquals(1, DrainInvariants.callbackOnceInv(List.of(blk)).size());
        } finally {
            blk.rootEdge().quiescedParent = false;
        }
    }

    @Test
    void reportsARequestInFlightUnderAnEstablishedSection() {
        g.drainedBegin(base);
        top.inFlight.incrementAndGet(); // a request that slipped into a parent of the drained node
        try {
            assertEquals(List.of("drainedQuietInv: top has 1 requests in flight while base is drained"),
                    DrainInvariants.drainedQuietInv(g));
        } finally {
            top.inFlight.decrementAndGet();
            g.drainedEnd(base);
        }
    }
}
