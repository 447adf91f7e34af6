package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/**
 * Copy-on-read is a serialising request (reference §5.2): a guest write overlapping a cluster being copied up waits
 * until the copy is done, so the copy can never overwrite newer guest data with the backing's old data.
 */
class SerialisingRequestTest {
    static final int CLUSTER = 4096;
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();

    @Test
    void aWriteWaitsForAnOverlappingCopyOnRead() throws Exception {
        Watchdog.run(30, () -> {
            BlockGraph g = new BlockGraph();
            Node base = g.addNode("base", new MemoryDriver(4 * CLUSTER));
            BlockBackend setup = BlockBackend.create(g, "setup", base, CR | W, Permission.ALL);
            byte[] old = new byte[4 * CLUSTER];
            Arrays.fill(old, (byte) 1);
            setup.write(0, old);
            setup.close();
            BlkdebugDriver dbg = new BlkdebugDriver();
            Node file = g.addNode("file", dbg, Map.of("image", g.addNode("fm", new MemoryDriver(0))));
            Node top = g.addNode("top", new CowDriver(4 * CLUSTER, CLUSTER), Map.of("file", file, "backing", base));
            Node cor = g.insertFilter("cor", new CopyOnReadDriver(), top);
            BlockBackend reader = BlockBackend.create(g, "reader", cor, CR, CR | W | WU);
            // Created before the copy is held: a graph change would wait for the held request's read lock.
            BlockBackend writer = BlockBackend.create(g, "writer", cor, CR | W, CR | W | WU);

            // Hold the copy-up after it started reading the old data and before it writes it into top.
            dbg.breakpoint("read_backing_aio", "copy");
            CompletableFuture<byte[]> r = CompletableFuture.supplyAsync(() -> reader.read(CLUSTER + 10, 1));
            assertTrue(dbg.awaitSuspended("copy", 10, TimeUnit.SECONDS));
            assertEquals(1, top.trackedRequests());

            // A guest write to the same cluster, through the filter, must wait for the copy.
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> writer.write(CLUSTER + 20, new byte[] {9}));
            while (top.trackedRequests() < 2) {
                Thread.sleep(1);
            }
            Thread.sleep(50);
            assertFalse(w.isDone(), "the overlapping write waits for the serialising copy-on-read");
            // A write to another cluster is not held up.
            writer.write(3 * CLUSTER, new byte[] {5});

            dbg.resume("copy");
            assertEquals(1, r.get(10, TimeUnit.SECONDS)[0]);
            w.get(10, TimeUnit.SECONDS);
            byte[] cluster = reader.read(CLUSTER, CLUSTER);
            byte[] expect = new byte[CLUSTER];
            Arrays.fill(expect, (byte) 1);
            expect[20] = 9;
            assertArrayEquals(expect, cluster, "the guest write landed after the copy");
            assertEquals(0, top.trackedRequests());
            assertEquals(0, top.inFlight());
        });
    }
}
