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

/** The oracle's NoUseAfterFreeInv and NoReaderDuringWriteInv hold on real states and report broken ones. */
class DrainOracleFreeTest {
    final BlockGraph g = new BlockGraph();
    final Node base = g.addNode("base", new MemoryDriver(1 << 16));
    final Node top = g.addNode("top", new CowDriver(1 << 16, 4096),
            Map.of("file", g.addNode("tf", new MemoryDriver(0)), "backing", base));
    final BlockBackend blk = BlockBackend.create(g, "vda", top, Permission.CONSISTENT_READ.bit(), Permission.ALL);

    @Test
    void holdAfterDeletesAndRetargets() {
        Node spare = g.addNode("spare", new MemoryDriver(1 << 16));
        g.setBacking(top, spare);
        g.deleteNode("base");
        assertEquals(List.of(), DrainInvariants.noUseAfterFreeInv(g, List.of(blk)));
        assertEquals(List.of(), DrainInvariants.noReaderDuringWriteInv(g));
    }

    @Test
    void reportAnEdgeToADeletedNode() {
        base.removed = true; // as if base had been freed while top still pointed at it
        try {
            List<String> broken = DrainInvariants.noUseAfterFreeInv(g, List.of(blk));
            assertTrue(broken.stream().anyMatch(s -> s.contains("deleted node base still in the graph")), broken::toString);
            assertTrue(broken.stream().anyMatch(s -> s.contains("points at a deleted node")), broken::toString);
        } finally {
            base.removed = false;
        }
    }

    @Test
    void reportARootEdgeThatLeftItsNode() {
        top.parents.remove(blk.rootEdge());
        try {
            assertEquals(1, DrainInvariants.noUseAfterFreeInv(g, List.of(blk)).size());
        } finally {
            top.parents.add(0, blk.rootEdge());
        }
    }
}
