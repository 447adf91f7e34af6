package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.testing.CountingFilter;
import org.blockgraph.testing.TestJob;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/**
 * The drain situations of upstream's {@code test-bdrv-drain.c} that reference §1 lists, with exact counter values:
 * nested sections, the counting rule, attach to drained, replace child mid-drain in all four combinations,
 * drain_all with graph changes inside, parked BlockBackend requests, in-flight requests, jobs paused by drain.
 */
class DrainTest {
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();
    static final long MIB = 1 << 20;

    final BlockGraph g = new BlockGraph();

    /** Device callbacks that count their calls (D-INV3: once per 0↔1 transition). */
    static final class CountingOps implements BlockBackend.DeviceOps {
        final AtomicInteger begins = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();

        @Override
        public void drainedBegin() {
            begins.incrementAndGet();
        }

        @Override
        public void drainedEnd() {
            ends.incrementAndGet();
        }
    }

    Node mem(String name) {
        return g.addNode(name, new MemoryDriver(MIB));
    }

    Node cow(String name, Node file, Node backing) {
        return backing == null ? g.addNode(name, new CowDriver(MIB), Map.of("file", file))
                : g.addNode(name, new CowDriver(MIB), Map.of("file", file, "backing", backing));
    }

    BlockBackend blk(String name, Node n, CountingOps ops) {
        // Callbacks are installed after insertion, as devices do: attaching quiesces the new parent through its
        // edge and un-quiesces it at once when the child is not drained (reference §1.3), which is not counted.
        BlockBackend b = BlockBackend.create(g, name, n, CR | W, CR | W | WU);
        b.setDeviceOps(ops);
        return b;
    }

    void assertAllQuiet() {
        for (Node n : g.nodes()) {
            assertEquals(0, n.quiesceCounter(), n.name());
            assertEquals(0, n.inFlight(), n.name());
            for (Child c : n.parents()) {
                assertFalse(c.isQuiescedParent(), c.toString());
            }
        }
        assertEquals(0, g.drainAllCount());
    }

    @Test
    void nestedSectionsOnlyCountAndCallbacksFireOnTransitions() {
        Node disk = mem("disk");
        CountingOps ops = new CountingOps();
        BlockBackend b = blk("vda", disk, ops);
        g.drainedBegin(disk);
        g.drainedBegin(disk);
        assertEquals(2, disk.quiesceCounter());
        assertEquals(1, b.quiesceCounter());
        assertEquals(1, ops.begins.get());
        assertTrue(b.rootEdge().isQuiescedParent());
        g.drainedEnd(disk);
        assertEquals(1, disk.quiesceCounter());
        assertEquals(1, b.quiesceCounter());
        assertEquals(0, ops.ends.get());
        g.drainedEnd(disk);
        assertEquals(0, disk.quiesceCounter());
        assertEquals(0, b.quiesceCounter());
        assertEquals(1, ops.ends.get());
        GraphState before = g.state();
        assertThrows(IllegalStateException.class, () -> g.drainedEnd(disk));
        assertEquals(before, g.state());
        assertAllQuiet();
    }

    @Test
    void countingRuleDrainsParentsNotChildren() {
        Node base = mem("base");
        Node tf = mem("tf");
        Node top = cow("top", tf, base);
        CountingOps ops = new CountingOps();
        BlockBackend b = blk("vda", top, ops);
        g.drainedBegin(base);
        assertEquals(1, base.quiesceCounter());
        assertEquals(1, top.quiesceCounter(), "the parent is quiesced through its backing edge");
        assertEquals(0, tf.quiesceCounter(), "children are not drained");
        assertTrue(top.child("backing").isQuiescedParent());
        assertFalse(top.child("file").isQuiescedParent());
        assertEquals(1, b.quiesceCounter());

        g.drainAllBegin();
        assertEquals(2, base.quiesceCounter(), "direct + drain_all");
        assertEquals(1, tf.quiesceCounter(), "drain_all");
        assertEquals(3, top.quiesceCounter(), "drain_all + one per drained child edge (file, backing)");
        assertEquals(1, b.quiesceCounter());
        assertEquals(1, ops.begins.get());

        g.drainAllEnd();
        assertEquals(1, base.quiesceCounter());
        assertEquals(0, tf.quiesceCounter());
        assertEquals(1, top.quiesceCounter());
        assertEquals(1, b.quiesceCounter());
        g.drainedEnd(base);
        assertEquals(1, ops.ends.get());
        assertEquals(0, b.quiesceCounter());
        assertAllQuiet();
    }

    /** {@code test_append_to_drained}. */
    @Test
    void appendToDrained() {
        Node base = mem("base");
        CountingOps ops = new CountingOps();
        BlockBackend b = blk("vda", base, ops);
        g.drainedBegin(base);
        assertEquals(1, base.quiesceCounter());
        Node overlay = cow("overlay", mem("ovf"), null);
        g.appendOverlay(overlay, base);
        assertSame(overlay, b.node());
        assertEquals(1, overlay.quiesceCounter());
        assertEquals(1, base.quiesceCounter());
        assertEquals(0, overlay.inFlight());
        assertEquals(0, base.inFlight());
        assertEquals(1, b.quiesceCounter());
        assertEquals(0, ops.ends.get(), "the BlockBackend never left its drained section");
        g.drainedEnd(base);
        assertEquals(0, overlay.quiesceCounter());
        assertEquals(0, base.quiesceCounter());
        assertEquals(0, b.quiesceCounter());
        assertAllQuiet();
    }

    /** Detaching a drained child un-quiesces its parent through that edge ({@code replace_child_noperm(NULL)}). */
    @Test
    void detachingADrainedChildUndrainsTheParent() {
        Node base = mem("base");
        Node top = cow("top", mem("tf"), base);
        CountingOps ops = new CountingOps();
        BlockBackend b = blk("vda", top, ops);
        g.drainedBegin(base);
        assertEquals(1, top.quiesceCounter());
        g.detachChild(top, "backing");
        assertEquals(0, top.quiesceCounter());
        assertEquals(1, base.quiesceCounter(), "the child keeps its own section");
        assertEquals(1, ops.ends.get());
        assertEquals(0, b.quiesceCounter());
        // Setting a drained backing quiesces the parent again, without polling.
        g.setBacking(top, base);
        assertEquals(1, top.quiesceCounter());
        assertEquals(1, b.quiesceCounter());
        g.drainedEnd(base);
        assertAllQuiet();
        assertEquals(0, b.quiesceCounter());
    }

    /** {@code test_replace_child_mid_drain}: every (old drained?, new drained?) combination. */
    @Test
    void replaceChildMidDrainInAllFourCombinations() throws Exception {
        for (boolean oldDrained : new boolean[] {false, true}) {
            for (boolean newDrained : new boolean[] {false, true}) {
                replaceChildMidDrain(oldDrained, newDrained);
            }
        }
    }

    private void replaceChildMidDrain(boolean oldDrained, boolean newDrained) throws Exception {
        String c = "old " + (oldDrained ? "drained" : "undrained") + ", new " + (newDrained ? "drained" : "undrained");
        BlockGraph g = new BlockGraph();
        Node oldChild = g.addNode("old", new MemoryDriver(MIB));
        CountingFilter counting = new CountingFilter();
        Node newChild = g.addNode("new", counting, Map.of("file", g.addNode("newf", new MemoryDriver(MIB))));
        Node parent = g.addNode("parent", new BlkdebugDriver(), Map.of("image", oldChild));
        CountingOps ops = new CountingOps();
        BlockBackend b = BlockBackend.create(g, "vda", parent, CR | W, CR | W | WU);
        b.setDeviceOps(ops);
        if (oldDrained) {
            g.drainedBegin(oldChild);
            assertEquals(1, parent.quiesceCounter(), c);
        }
        if (newDrained) {
            g.drainedBegin(newChild);
        }
        g.replaceChild(parent, "image", newChild);
        assertSame(newChild, parent.child("image").node());
        assertEquals(newDrained ? 1 : 0, parent.quiesceCounter(), c);
        assertEquals(1, ops.begins.get(), c + ": the parent is drained exactly once");
        assertEquals(newDrained ? 0 : 1, ops.ends.get(), c + ": undrained only if the new child is not drained");
        if (newDrained) {
            // A drained child never receives a request: the BlockBackend parks it.
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> b.write(0, new byte[] {7}));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (b.parkedRequests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, b.parkedRequests(), c);
            assertEquals(0, counting.entered.get(), c);
            g.drainedEnd(newChild);
            w.get(10, TimeUnit.SECONDS);
            assertEquals(1, counting.entered.get(), c);
        }
        if (oldDrained) {
            g.drainedEnd(oldChild);
        }
        assertEquals(0, parent.quiesceCounter(), c);
        assertEquals(0, b.quiesceCounter(), c);
        assertEquals(1, ops.ends.get(), c);
        assertEquals(0, oldChild.quiesceCounter(), c);
    }

    /** {@code test_graph_change_drain_all}: nodes and edges created and deleted inside drain_all. */
    @Test
    void drainAllWithGraphChangesInside() {
        Node a = mem("a");
        CountingOps opsA = new CountingOps();
        BlockBackend vda = blk("vda", a, opsA);
        g.drainAllBegin();
        assertEquals(1, a.quiesceCounter());
        assertEquals(1, vda.quiesceCounter());

        Node b = mem("b");
        assertEquals(1, b.quiesceCounter(), "a node created inside drain_all starts drained");
        CountingOps opsB = new CountingOps();
        BlockBackend vdb = blk("vdb", b, opsB);
        assertEquals(1, vdb.quiesceCounter(), "attaching to a drained child keeps the new parent quiesced");

        Node ovf = mem("ovf");
        Node ov = cow("ov", ovf, null);
        assertEquals(2, ov.quiesceCounter(), "drain_all + its drained file");
        g.appendOverlay(ov, a);
        assertEquals(3, ov.quiesceCounter(), "drain_all + file + backing");
        assertSame(ov, vda.node());
        assertEquals(1, vda.quiesceCounter());
        assertEquals(0, opsA.ends.get());

        Node tmpf = mem("tmpf");
        cow("tmp", tmpf, null);
        g.deleteNode("tmp");
        assertEquals(1, tmpf.quiesceCounter());
        g.deleteNode("tmpf");
        assertEquals(1, g.drainAllCount());

        g.drainAllEnd();
        assertEquals(1, opsA.ends.get());
        assertEquals(1, opsB.ends.get());
        assertEquals(0, vda.quiesceCounter());
        assertEquals(0, vdb.quiesceCounter());
        assertAllQuiet();
        vdb.write(0, new byte[] {1});
        assertEquals(1, vdb.read(0, 1)[0]);
    }

    /** Reference §1.4: a request in a quiesced BlockBackend drops its in-flight reference and waits. */
    @Test
    void parkedRequestsDropTheirInFlightReferenceAndResumeAfterTheSection() throws Exception {
        Watchdog.run(30, () -> {
            Node disk = mem("disk");
            CountingFilter counting = new CountingFilter();
            Node cf = g.addNode("cf", counting, Map.of("file", disk));
            BlockBackend b = blk("vda", cf, new CountingOps());
            g.drainedBegin(disk);
            assertEquals(1, cf.quiesceCounter());
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> b.write(4096, new byte[] {9, 9}));
            while (b.parkedRequests() == 0) {
                Thread.sleep(1);
            }
            assertEquals(0, b.inFlight(), "a parked request holds no in-flight reference");
            assertEquals(0, counting.entered.get());
            assertEquals(0, disk.inFlight());
            g.drainedBegin(disk); // a second drain does not wait for the parked request
            g.drainedEnd(disk);
            assertFalse(w.isDone());
            g.drainedEnd(disk);
            w.get(10, TimeUnit.SECONDS);
            assertEquals(0, b.parkedRequests());
            assertEquals(1, counting.entered.get());
            assertArrayEquals(new byte[] {9, 9}, b.read(4096, 2));

            // Job BlockBackends disable queuing: their requests pass (the job pauses itself instead).
            g.drainedBegin(disk);
            b.setDisableRequestQueuing(true);
            b.write(0, new byte[] {1});
            assertEquals(3, counting.entered.get());
            g.drainedEnd(disk);
            assertAllQuiet();
        });
    }

    /** D-INV2: drainedBegin returns only when the node has nothing in flight. */
    @Test
    void drainWaitsForRequestsInFlight() throws Exception {
        Watchdog.run(30, () -> {
            BlkdebugDriver dbg = new BlkdebugDriver();
            Node file = g.addNode("file", dbg, Map.of("image", mem("filemem")));
            Node top = cow("top", file, null);
            Node unrelated = mem("unrelated");
            BlockBackend b = blk("vda", top, new CountingOps());
            dbg.breakpoint("write_aio", "w");
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> b.write(0, new byte[] {5}));
            assertTrue(dbg.awaitSuspended("w", 10, TimeUnit.SECONDS));
            assertEquals(1, top.inFlight());
            assertEquals(0, file.inFlight(), "held at the event, before it enters the file node");
            g.drainedBegin(unrelated); // an unrelated drain does not wait
            g.drainedEnd(unrelated);
            CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> g.drainedBegin(top));
            Thread.sleep(100);
            assertFalse(drain.isDone(), "drain must wait for the held request");
            assertEquals(1, top.quiesceCounter());
            dbg.resume("w");
            drain.get(10, TimeUnit.SECONDS);
            w.get(10, TimeUnit.SECONDS);
            assertEquals(0, top.inFlight());
            assertEquals(0, b.inFlight());
            g.drainedEnd(top);
            assertEquals(5, b.read(0, 1)[0]);
            assertAllQuiet();
        });
    }

    /** {@code test_blockjob_common_drain_node}: a job on src (chain src_overlay → src → src_backing) and target. */
    @Test
    void jobsArePausedByDrainWithUpstreamCounts() throws Exception {
        Watchdog.run(60, () -> {
            Node srcBacking = mem("src_backing");
            Node src = cow("src", mem("srcf"), srcBacking);
            Node srcOverlay = cow("src_overlay", mem("sof"), src);
            Node target = mem("target");
            BlockBackend blkSrc = BlockBackend.create(g, "blk_src", srcOverlay, CR, Permission.ALL);
            TestJob job = new TestJob(g, "job0");
            job.useBlockBackend(src);
            job.addNode("main node", src);
            job.addNode("target", target);
            job.start();
            assertTrue(job.awaitBusy(10_000));

            for (Node drained : new Node[] {src, srcBacking, target}) {
                g.drainedBegin(drained);
                assertEquals(1, job.pauseCount(), drained.name());
                assertTrue(job.paused(), drained.name());
                assertFalse(job.busy(), drained.name());
                g.drainedEnd(drained);
                assertEquals(0, job.pauseCount(), drained.name());
                assertTrue(job.awaitBusy(10_000), drained.name());
            }

            g.drainAllBegin();
            assertEquals(2, job.pauseCount(), "two job edges are quiesced");
            assertTrue(job.paused());
            assertFalse(job.busy());
            g.drainAllEnd();
            assertEquals(0, job.pauseCount());
            assertTrue(job.awaitBusy(10_000));

            // Parent-only propagation: draining the overlay does not pause a job sitting on src.
            long steps = job.steps();
            g.drainedBegin(srcOverlay);
            assertEquals(0, job.pauseCount());
            while (job.steps() < steps + 3) {
                Thread.sleep(1);
            }
            g.drainedEnd(srcOverlay);

            job.finish();
            blkSrc.close();
            assertAllQuiet();
        });
    }
}
