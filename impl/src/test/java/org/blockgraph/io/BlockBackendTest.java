package org.blockgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/** The BlockBackend request path: sync and async APIs, queue depth, range and permission checks. */
class BlockBackendTest {
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    final BlockGraph g = new BlockGraph();

    @Test
    void synchronousRequestsRunOnTheCallersThread() {
        Node disk = g.addNode("disk", new MemoryDriver(1 << 20));
        BlockBackend b = BlockBackend.create(g, "vda", disk, CR | W, Permission.ALL);
        b.write(100, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, b.read(99, 5));
        b.writeZeroes(100, 2, 0);
        assertArrayEquals(new byte[] {0, 0, 3}, b.read(100, 3));
        b.discard(0, 4096);
        b.flush();
        assertEquals(1 << 20, b.length());
        assertEquals(0, b.inFlight());
        assertEquals(0, disk.inFlight());
    }

    @Test
    void badRequestsFailWithErrnoAndChangeNothing() {
        Node disk = g.addNode("disk", new MemoryDriver(4096));
        BlockBackend ro = BlockBackend.create(g, "ro", disk, CR, Permission.ALL);
        BlockIoException e = assertThrows(BlockIoException.class, () -> ro.write(0, new byte[] {1}));
        assertEquals(BlockIoException.EPERM, e.errno());
        e = assertThrows(BlockIoException.class, () -> ro.read(4000, 100));
        assertEquals(BlockIoException.EIO, e.errno());
        e = assertThrows(BlockIoException.class, () -> ro.read(-1, 1));
        assertEquals(BlockIoException.EIO, e.errno());
        BlockBackend empty = new BlockBackend(g, "empty", CR, Permission.ALL, 4);
        e = assertThrows(BlockIoException.class, () -> empty.read(0, 1));
        assertEquals(BlockIoException.ENOMEDIUM, e.errno());
        assertNull(empty.node());
        assertEquals(0, ro.inFlight());
        assertEquals(0, empty.inFlight());
        assertEquals(0, disk.inFlight());
        assertEquals(0, ro.read(0, 1)[0]);
    }

    @Test
    void asyncRequestsCompleteInTheirContextWithBoundedDepth() throws Exception {
        Watchdog.run(30, () -> {
            BlkdebugDriver dbg = new BlkdebugDriver();
            Node mem = g.addNode("mem", new MemoryDriver(1 << 20));
            Node disk = g.addNode("disk", dbg, java.util.Map.of("image", mem));
            BlockBackend b = new BlockBackend(g, "vda", CR | W, Permission.ALL, 2);
            b.insert(disk);
            try (IoThread ctx = new IoThread("iothread0")) {
                AtomicReference<Thread> completedOn = new AtomicReference<>();
                CompletableFuture<Void> hold = new CompletableFuture<>();
                ctx.execute(hold::join); // so the callback below is registered before the request completes
                CompletableFuture<IoRequest> f = b.submit(ctx, IoRequest.write(0, new byte[] {4, 2}));
                CompletableFuture<Void> cb = f.thenAccept(r -> completedOn.set(Thread.currentThread()));
                hold.complete(null);
                cb.get(10, TimeUnit.SECONDS);
                IoRequest r = b.submit(ctx, IoRequest.read(0, 2)).get(10, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {4, 2}, r.buffer());

                // Failures complete the future exceptionally with the errno.
                ExecutionException ex = assertThrows(ExecutionException.class,
                        () -> b.submit(ctx, IoRequest.read(1 << 20, 1)).get(10, TimeUnit.SECONDS));
                assertEquals(BlockIoException.EIO, ((BlockIoException) ex.getCause()).errno());

                // The queue depth bounds outstanding requests: a third submit waits until one completes.
                List<CompletableFuture<IoRequest>> fs = new ArrayList<>();
                try (IoThread ctx2 = new IoThread("iothread1")) {
                    CompletableFuture<Void> blocker = new CompletableFuture<>();
                    ctx2.execute(() -> blocker.join()); // keeps ctx2 busy so submitted requests stay queued
                    fs.add(b.submit(ctx2, IoRequest.read(0, 1)));
                    fs.add(b.submit(ctx2, IoRequest.read(0, 1)));
                    CompletableFuture<Void> third = CompletableFuture.runAsync(
                            () -> fs.add(b.submit(ctx2, IoRequest.read(0, 1))));
                    Thread.sleep(50);
                    assertEquals(2, fs.size(), "the third submit waits for a slot");
                    blocker.complete(null);
                    third.get(10, TimeUnit.SECONDS);
                    for (CompletableFuture<IoRequest> x : fs) {
                        x.get(10, TimeUnit.SECONDS);
                    }
                    assertEquals(3, fs.size());
                }
                assertSame(ctxThread(ctx), completedOn.get());
            }
            assertEquals(0, b.inFlight());
        });
    }

    private static Thread ctxThread(IoThread ctx) throws Exception {
        CompletableFuture<Thread> t = new CompletableFuture<>();
        try {
            ctx.execute(() -> t.complete(Thread.currentThread()));
        } catch (IllegalStateException closed) {
            return null;
        }
        return t.get(10, TimeUnit.SECONDS);
    }

    @Test
    void submittingFromAFullContextToItselfIsRefused() throws Exception {
        Node disk = g.addNode("disk", new MemoryDriver(4096));
        BlockBackend b = new BlockBackend(g, "vda", CR, Permission.ALL, 1);
        b.insert(disk);
        try (IoThread ctx = new IoThread("iothread0")) {
            CompletableFuture<Throwable> seen = new CompletableFuture<>();
            ctx.execute(() -> {
                b.submit(ctx, IoRequest.read(0, 1));
                try {
                    b.submit(ctx, IoRequest.read(0, 1));
                    seen.complete(null);
                } catch (IllegalStateException e) {
                    seen.complete(e);
                }
            });
            Throwable t = seen.get(10, TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException);
            assertEquals("queue depth 1 reached on block device 'vda'", t.getMessage());
        }
    }
}
