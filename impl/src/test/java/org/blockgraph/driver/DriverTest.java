package org.blockgraph.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/** The drivers' semantics: memory, null, cow, blkdebug, copy-on-read, throttle, commit_top, mirror_top. */
class DriverTest {
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();
    static final int CLUSTER = 4096;
    final BlockGraph g = new BlockGraph();

    Node mem(String name, long size) {
        return g.addNode(name, new MemoryDriver(size));
    }

    BlockBackend blk(String name, Node n) {
        return BlockBackend.create(g, name, n, CR | W, CR | W | WU);
    }

    static byte[] fill(int len, int value) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void memoryIsSparseAndReadsZeroesWhereNothingWasWritten() {
        MemoryDriver d = new MemoryDriver(1 << 30);
        BlockBackend b = blk("vda", g.addNode("m", d));
        assertArrayEquals(new byte[8], b.read((1 << 30) - 8, 8));
        b.write(5000, fill(10, 3));
        assertEquals(1, d.allocatedPages());
        b.write(4090, fill(10, 4)); // spans two pages
        assertEquals(2, d.allocatedPages());
        assertArrayEquals(new byte[] {0, 4, 4}, b.read(4089, 3));
        b.writeZeroes(4096, 4096, 0);
        assertEquals(1, d.allocatedPages(), "a fully zeroed page is dropped");
        assertArrayEquals(new byte[] {4, 0}, b.read(4095, 2));
    }

    @Test
    void nullDiscardsWritesAndReadsZeroes() {
        BlockBackend b = blk("vda", g.addNode("n", new NullDriver(1 << 20)));
        b.write(0, fill(512, 1));
        assertArrayEquals(new byte[512], b.read(0, 512));
    }

    @Test
    void cowReadsThroughUnallocatedClustersAndCopiesPartialClusters() {
        Node base = mem("base", 4 * CLUSTER);
        BlockBackend setup = blk("setup", base);
        setup.write(0, fill(4 * CLUSTER, 7));
        setup.close();
        CowDriver cow = new CowDriver(6 * CLUSTER, CLUSTER); // larger than its backing: the rest reads as zeroes
        MemoryDriver file = new MemoryDriver(0);
        Node top = g.addNode("top", cow, Map.of("file", g.addNode("topf", file), "backing", base));
        BlockBackend b = blk("vda", top);
        assertArrayEquals(new byte[] {7, 7, 0, 0}, b.read(4 * CLUSTER - 2, 4));
        assertEquals(0, cow.allocatedClusters());

        b.write(CLUSTER + 100, new byte[] {1, 2});
        assertEquals(1, cow.allocatedClusters());
        assertTrue(cow.isAllocated(top, CLUSTER));
        byte[] cluster1 = b.read(CLUSTER, CLUSTER);
        byte[] expected = fill(CLUSTER, 7);
        expected[100] = 1;
        expected[101] = 2;
        assertArrayEquals(expected, cluster1, "the rest of the cluster was copied from the backing");
        // The file holds the whole cluster at the guest offset.
        assertEquals(1, file.allocatedPages());

        b.write(0, fill(CLUSTER, 9)); // a whole cluster: no copy needed
        assertEquals(2, cow.allocatedClusters());
        assertArrayEquals(new byte[] {9, 7}, b.read(CLUSTER - 1, 2));

        // Discard with a backing file zeroes (it must not fall through to the backing again).
        b.discard(2 * CLUSTER, CLUSTER);
        assertArrayEquals(new byte[4], b.read(2 * CLUSTER, 4));
        assertEquals(3, cow.allocatedClusters());
        assertArrayEquals(new byte[] {7}, b.read(3 * CLUSTER, 1));
    }

    @Test
    void cowWithoutBackingDeallocatesOnDiscard() {
        CowDriver cow = new CowDriver(4 * CLUSTER, CLUSTER);
        BlockBackend b = blk("vda", g.addNode("top", cow, Map.of("file", mem("f", 0))));
        b.write(0, fill(2 * CLUSTER, 5));
        assertEquals(2, cow.allocatedClusters());
        b.discard(0, CLUSTER + 10);
        assertEquals(1, cow.allocatedClusters(), "only whole clusters are discarded");
        assertArrayEquals(new byte[] {0, 5}, new byte[] {b.read(0, 1)[0], b.read(CLUSTER, 1)[0]});
        assertThrows(IllegalArgumentException.class, () -> new CowDriver(1 << 20, 1000));
        assertEquals(CowDriver.DEFAULT_CLUSTER_SIZE, new CowDriver(1 << 20).clusterSize(null));
    }

    @Test
    void blkdebugInjectsErrorsOnEventsFromTheFormatDriver() {
        BlkdebugDriver dbg = new BlkdebugDriver();
        Node file = g.addNode("file", dbg, Map.of("image", mem("fm", 0)));
        CowDriver cow = new CowDriver(4 * CLUSTER, CLUSTER);
        BlockBackend b = blk("vda", g.addNode("top", cow, Map.of("file", file)));
        b.write(0, fill(2 * CLUSTER, 1));
        dbg.addRule(new BlkdebugDriver.InjectError("read_aio", BlockIoException.EIO, CLUSTER, true, false,
                Set.of(BlkdebugDriver.IoType.READ)));
        assertEquals(1, b.read(0, 1)[0], "offset does not match: the active rule waits");
        BlockIoException e = assertThrows(BlockIoException.class, () -> b.read(CLUSTER, 1));
        assertEquals(BlockIoException.EIO, e.errno());
        assertEquals("Input/output error", e.getMessage());
        assertEquals(1, b.read(CLUSTER, 1)[0], "a once rule is gone after it fired");

        dbg.addRule(new BlkdebugDriver.InjectError("write_aio", BlockIoException.ENOSPC, -1, false, false,
                Set.of(BlkdebugDriver.IoType.WRITE)));
        for (int i = 0; i < 2; i++) {
            e = assertThrows(BlockIoException.class, () -> b.write(0, new byte[] {2}));
            assertEquals(BlockIoException.ENOSPC, e.errno());
        }
        assertEquals(1, b.read(0, 1)[0], "a failed write changed nothing");
        assertThrows(IllegalArgumentException.class, () -> dbg.breakpoint("no_such_event", "t"));
        assertEquals(0, b.inFlight());
    }

    @Test
    void blkdebugHoldsRequestsAtBreakpoints() throws Exception {
        Watchdog.run(30, () -> {
            BlkdebugDriver dbg = new BlkdebugDriver();
            Node file = g.addNode("file", dbg, Map.of("image", mem("fm", 0)));
            Node top = g.addNode("top", new CowDriver(4 * CLUSTER, CLUSTER), Map.of("file", file));
            BlockBackend b = blk("vda", top);
            dbg.breakpoint("write_aio", "A");
            assertThrows(IllegalArgumentException.class, () -> dbg.breakpoint("read_aio", "A"));
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> b.write(0, new byte[] {3}));
            assertTrue(dbg.awaitSuspended("A", 10, TimeUnit.SECONDS));
            assertTrue(dbg.isSuspended("A"));
            assertEquals(1, b.inFlight());
            assertEquals(1, top.inFlight());
            assertFalse(w.isDone());
            dbg.resume("A");
            w.get(10, TimeUnit.SECONDS);
            assertFalse(dbg.isSuspended("A"));
            assertThrows(IllegalArgumentException.class, () -> dbg.resume("A"));
            b.write(0, new byte[] {4}); // the breakpoint fired once
            assertEquals(4, b.read(0, 1)[0]);
            dbg.breakpoint("read_aio", "R");
            dbg.removeBreakpoint("R");
            assertEquals(4, b.read(0, 1)[0]);
            assertEquals(0, top.inFlight());
        });
    }

    @Test
    void copyOnReadCopiesFromTheBackingChainIntoTheNodeBelow() {
        Node base = mem("base", 8 * CLUSTER);
        BlockBackend setup = blk("setup", base);
        setup.write(0, fill(8 * CLUSTER, 6));
        setup.close();
        CowDriver midCow = new CowDriver(8 * CLUSTER, CLUSTER);
        Node mid = g.addNode("mid", midCow, Map.of("file", mem("midf", 0), "backing", base));
        BlockBackend setMid = blk("setmid", mid);
        setMid.write(5 * CLUSTER, fill(CLUSTER, 8));
        setMid.close();
        CowDriver topCow = new CowDriver(8 * CLUSTER, CLUSTER);
        Node top = g.addNode("top", topCow, Map.of("file", mem("topf", 0), "backing", mid));
        Node cor = g.insertFilter("cor", new CopyOnReadDriver(), top);
        BlockBackend b = blk("vda", cor);
        assertEquals(6, b.read(CLUSTER + 10, 1)[0]);
        assertEquals(1, topCow.allocatedClusters(), "the whole cluster was copied up");
        assertTrue(topCow.isAllocated(top, CLUSTER));
        assertEquals(WU, top.child("file").perm() & WU, "copy-on-read needs write-unchanged below");
        g.removeFilter(cor);

        // With bottom = mid, only clusters allocated in mid (down to bottom) are copied, not those of base.
        Node corB = g.insertFilter("corb", new CopyOnReadDriver(mid), top);
        assertEquals(6, b.read(3 * CLUSTER, 1)[0]);
        assertFalse(topCow.isAllocated(top, 3 * CLUSTER), "base's cluster lies below bottom");
        assertEquals(8, b.read(5 * CLUSTER, 1)[0]);
        assertTrue(topCow.isAllocated(top, 5 * CLUSTER), "mid's cluster is copied");
        assertEquals(2, topCow.allocatedClusters());
        g.removeFilter(corB);
        b.close();
    }

    @Test
    void tokenBucketLetsTheAverageRateThrough() {
        long now = 0;
        TokenBucket t = new TokenBucket(1000, 1000, now); // 1000 units/s, burst 1000
        assertEquals(0, t.tryTake(1000, now), "the first second's worth passes at once");
        long wait = t.tryTake(500, now);
        assertTrue(wait > 0, "the bucket is full");
        assertEquals(0, t.tryTake(500, now + 1_000_000), "1 ms later it leaked below the burst");
        assertTrue(t.tryTake(500, now + 2_000_000) > 0);
        assertEquals(0, t.tryTake(500, now + 600_000_000));
        TokenBucket unlimited = new TokenBucket(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, unlimited.tryTake(1 << 20, now));
        }
    }

    @Test
    void throttledRequestsWaitButADrainLetsThemThrough() throws Exception {
        Watchdog.run(30, () -> {
            ThrottleDriver thr = new ThrottleDriver(1, 0); // 1 byte per second
            Node disk = mem("disk", 1 << 20);
            Node t = g.addNode("thr", thr, Map.of("file", disk));
            BlockBackend b = blk("vda", t);
            b.write(0, fill(4096, 1)); // takes the burst: the next request would wait for more than an hour
            CompletableFuture<byte[]> r = CompletableFuture.supplyAsync(() -> b.read(0, 4096));
            while (t.inFlight() == 0) {
                Thread.sleep(1);
            }
            Thread.sleep(20);
            assertFalse(r.isDone(), "the request waits in the throttle");
            g.drainedBegin(disk); // quiesces the throttle node too, which lifts the limits
            assertEquals(1, r.get(10, TimeUnit.SECONDS)[0]);
            g.drainedEnd(disk);
            thr.setLimits(0, 0);
            b.read(0, 1);
            assertEquals(0, t.inFlight());
        });
    }

    @Test
    void commitTopTakesNothingAndIsNeverFrozen() {
        Node base = mem("base", 1 << 16);
        Node top = g.addNode("top", new CowDriver(1 << 16, CLUSTER), Map.of("file", mem("tf", 0), "backing", base));
        BlockBackend b = blk("vda", top);
        b.write(0, new byte[] {1});
        Node ct = g.insertFilter("commit-top", new CommitTopDriver(), base);
        assertEquals(0, ct.child("backing").perm());
        assertEquals(Permission.ALL, ct.child("backing").shared());
        assertEquals(1, b.read(0, 1)[0]);
        BlockBackend direct = BlockBackend.create(g, null, ct, CR, Permission.ALL);
        assertEquals(0, direct.read(0, 1)[0]);
        direct.close();
        g.removeFilter(ct);
    }

    @Test
    void mirrorTopForwardsWritesAndReportsThem() {
        Node src = mem("src", 1 << 16);
        BlockBackend b = blk("vda", src);
        MirrorTopDriver mt = new MirrorTopDriver();
        List<long[]> seen = new ArrayList<>();
        mt.setWriteListener((off, len) -> {
            synchronized (seen) {
                seen.add(new long[] {off, len});
            }
        });
        Node top = g.insertFilter("mirror-top", mt, src);
        assertEquals(W, top.child("backing").perm());
        b.write(10, new byte[] {1, 2, 3});
        b.writeZeroes(100, 50, 0);
        assertEquals(2, seen.size());
        assertArrayEquals(new long[] {10, 3}, seen.get(0));
        assertArrayEquals(new long[] {100, 50}, seen.get(1));
        assertEquals(2, b.read(11, 1)[0]);
        g.removeFilter(top);
    }
}
