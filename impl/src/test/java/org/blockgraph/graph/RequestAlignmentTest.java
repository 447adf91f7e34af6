package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/**
 * Request alignment ({@code bs->bl.request_alignment}, reference §5.2 and §7): blkdebug's {@code align} sets it,
 * unaligned requests are widened (writes by read-modify-write under a serialising request), and a parent may not
 * take {@code write} without {@code resize} on a node whose size is not a multiple of it.
 */
class RequestAlignmentTest {
    static final int ALIGN = 512;
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();
    static final int RS = Permission.RESIZE.bit();
    static final String ALIGN_ERROR =
            "Cannot get 'write' permission without 'resize': Image size is not a multiple of request alignment";

    private static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A blkdebug node with {@code align} over a memory image holding {@code initial}. */
    private static Node aligned(BlockGraph g, String name, long align, byte[] initial) {
        Node mem = g.addNode(name + "-mem", new MemoryDriver(initial.length));
        BlockBackend setup = BlockBackend.create(g, null, mem, CR | W, Permission.ALL);
        setup.write(0, initial);
        setup.close();
        return g.addNode(name, new BlkdebugDriver(align), Map.of("image", mem));
    }

    @Test
    void alignOptionSetsTheAlignmentAndFiltersInheritIt() {
        BlockGraph g = new BlockGraph();
        Node dbg = aligned(g, "dbg", ALIGN, new byte[4 * ALIGN]);
        assertEquals(ALIGN, dbg.requestAlignment());
        assertEquals(1, dbg.child("image").node().requestAlignment(), "memory has no alignment");
        Node cor = g.insertFilter("cor", new CopyOnReadDriver(), dbg);
        assertEquals(ALIGN, cor.requestAlignment(), "a filter has its child's alignment");
        Node plain = g.addNode("plain", new BlkdebugDriver(), Map.of("image", g.addNode("m2", new MemoryDriver(8))));
        assertEquals(1, plain.requestAlignment(), "without align, blkdebug has its image's alignment");
        for (long bad : new long[] {3, 768, -512, 1L << 31}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlkdebugDriver(bad));
            assertEquals("Cannot meet constraints with align " + Long.toUnsignedString(bad), e.getMessage());
        }
    }

    @Test
    void unalignedRequestsAreWidenedAndKeepTheBytesAround() {
        BlockGraph g = new BlockGraph();
        byte[] ref = pattern(8 * ALIGN, 1);
        Node dbg = aligned(g, "dbg", ALIGN, ref.clone());
        BlockBackend b = BlockBackend.create(g, "vda", dbg, CR | W, CR | W | WU);
        // Reads of every shape.
        assertArrayEquals(Arrays.copyOfRange(ref, 100, 101), b.read(100, 1));
        assertArrayEquals(Arrays.copyOfRange(ref, 500, 1600), b.read(500, 1100));
        // A write inside one block, one across a boundary, one spanning several blocks.
        int[][] writes = {{100, 7}, {ALIGN - 3, 9}, {ALIGN + 1, 3 * ALIGN + 5}};
        for (int[] w : writes) {
            byte[] data = pattern(w[1], w[0]);
            b.write(w[0], data);
            System.arraycopy(data, 0, ref, w[0], w[1]);
            assertArrayEquals(ref, b.read(0, ref.length));
        }
        // Unaligned write-zeroes: head and tail by read-modify-write, the middle as write-zeroes.
        b.writeZeroes(300, 2 * ALIGN + 10, 0);
        Arrays.fill(ref, 300, 300 + 2 * ALIGN + 10, (byte) 0);
        assertArrayEquals(ref, b.read(0, ref.length));
        b.writeZeroes(7 * ALIGN + 1, 2, 0);
        Arrays.fill(ref, 7 * ALIGN + 1, 7 * ALIGN + 3, (byte) 0);
        assertArrayEquals(ref, b.read(0, ref.length));
        // Discard only passes on the aligned interior (memory's discard zeroes what it gets).
        b.write(0, pattern(8 * ALIGN, 2));
        ref = pattern(8 * ALIGN, 2);
        b.discard(10, 2 * ALIGN);
        Arrays.fill(ref, ALIGN, 2 * ALIGN, (byte) 0);
        assertArrayEquals(ref, b.read(0, ref.length));
        assertEquals(0, dbg.trackedRequests());
        assertEquals(0, dbg.inFlight());
    }

    @Test
    void writeWithoutResizeOnAnUnalignedImageIsRefusedAndChangesNothing() {
        BlockGraph g = new BlockGraph();
        Node dbg = aligned(g, "dbg", ALIGN, new byte[3 * ALIGN + 100]);
        for (int perm : new int[] {CR | W, CR | WU, W}) {
            GraphState before = g.state();
            GraphException e = assertThrows(GraphException.class,
                    () -> BlockBackend.create(g, "vda", dbg, perm, Permission.ALL));
            assertEquals(ALIGN_ERROR, e.getMessage());
            assertEquals(before, g.state(), "a refused attach changes nothing");
            // The name is free again: the next round reaches the permission check, not "already exists".
        }
        // Reading, or writing with resize, is allowed; so is a write on an image whose size is aligned.
        BlockBackend reader = BlockBackend.create(g, "r", dbg, CR, Permission.ALL);
        BlockBackend resizer = BlockBackend.create(g, "rw", dbg, CR | W | RS, Permission.ALL);
        byte[] tail = pattern(50, 3);
        resizer.write(3 * ALIGN + 40, tail);
        assertArrayEquals(tail, reader.read(3 * ALIGN + 40, 50));
        assertEquals(4 * ALIGN, dbg.length(), "the widened write reached past the old end");
        resizer.close();
        // Now the size is aligned: write without resize is fine.
        BlockBackend.create(g, "vda", dbg, CR | W, Permission.ALL).close();
        // copy-on-read takes write-unchanged (without resize) on its child: inserting it over an unaligned image
        // is refused the same way, and changes nothing.
        reader.close();
        Node dbg2 = aligned(g, "dbg2", ALIGN, new byte[ALIGN + 1]);
        GraphState before = g.state();
        GraphException e = assertThrows(GraphException.class,
                () -> g.insertFilter("cor", new CopyOnReadDriver(), dbg2));
        assertEquals(ALIGN_ERROR, e.getMessage());
        assertEquals(before, g.state());
    }

    /** Inserting an aligned filter under a writer is judged by the child the filter will have. */
    @Test
    void insertingAnAlignedFilterUnderAWriterOfAnUnalignedImageIsRefused() {
        BlockGraph g = new BlockGraph();
        Node mem = g.addNode("mem", new MemoryDriver(ALIGN + 1));
        BlockBackend.create(g, "vda", mem, CR | W, CR | W | WU);
        GraphState before = g.state();
        GraphException e = assertThrows(GraphException.class,
                () -> g.insertFilter("dbg", new BlkdebugDriver(ALIGN), mem));
        assertEquals(ALIGN_ERROR, e.getMessage());
        assertEquals(before, g.state(), "the refused insertion changes nothing");
        // With an aligned size it is allowed, and the writer's unaligned requests now go through it.
        Node mem2 = g.addNode("mem2", new MemoryDriver(2 * ALIGN));
        BlockBackend w = BlockBackend.create(g, "vdb", mem2, CR | W, CR | W | WU);
        Node dbg = g.insertFilter("dbg", new BlkdebugDriver(ALIGN), mem2);
        assertEquals(ALIGN, dbg.requestAlignment());
        w.write(3, new byte[] {4, 5});
        assertArrayEquals(new byte[] {0, 4, 5, 0}, w.read(2, 4));
    }

    /**
     * Threads own interleaved 100-byte segments, so every 512-byte block is shared by several threads, and write
     * random unaligned ranges inside their own segments. A read-modify-write that was not serialised would write
     * back a stale copy of a neighbour's bytes; the image at the end must equal the union of what each wrote.
     */
    @Test
    void concurrentOverlappingUnalignedWritesLoseNothing() throws Exception {
        Watchdog.run(120, () -> {
            final int threads = 4;
            final int segment = 100;
            final int size = 64 * ALIGN;
            final int ops = 1500;
            BlockGraph g = new BlockGraph();
            byte[] ref = new byte[size];
            Node dbg = aligned(g, "dbg", ALIGN, ref.clone());
            BlockBackend b = BlockBackend.create(g, "vda", dbg, CR | W, CR | W | WU);
            CyclicBarrier start = new CyclicBarrier(threads);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int me = t;
                Thread th = new Thread(() -> {
                    try {
                        Random rnd = new Random(1000 + me);
                        start.await();
                        for (int i = 0; i < ops; i++) {
                            // one of my segments: me, me + threads, me + 2*threads, ...
                            int seg = me + threads * rnd.nextInt(size / segment / threads);
                            int from = seg * segment + rnd.nextInt(segment);
                            int len = 1 + rnd.nextInt(seg * segment + segment - from);
                            byte[] data = new byte[len];
                            rnd.nextBytes(data);
                            b.write(from, data);
                            synchronized (ref) {
                                System.arraycopy(data, 0, ref, from, len);
                            }
                            assertArrayEquals(data, b.read(from, len), "my own bytes read back");
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "rmw-" + t);
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            assertArrayEquals(ref, b.read(0, size), "no update of a shared block was lost");
            assertEquals(0, dbg.trackedRequests());
            assertEquals(0, dbg.inFlight());
        });
    }

    /**
     * A read-modify-write is held (blkdebug breakpoint on {@code pwritev_rmw_after_head}) after it read its head
     * block; an overlapping aligned write must wait for it, and so lands after it; a write elsewhere does not wait.
     */
    @Test
    void anOverlappingWriteWaitsForTheSerialisingReadModifyWrite() throws Exception {
        Watchdog.run(30, () -> {
            BlockGraph g = new BlockGraph();
            Node dbgNode = aligned(g, "dbg", ALIGN, new byte[4 * ALIGN]);
            BlkdebugDriver dbg = (BlkdebugDriver) dbgNode.driver();
            BlockBackend b = BlockBackend.create(g, "vda", dbgNode, CR | W, CR | W | WU);
            dbg.breakpoint("pwritev_rmw_after_head", "rmw");
            byte[] ones = new byte[50];
            Arrays.fill(ones, (byte) 1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread rmw = new Thread(() -> {
                try {
                    b.write(100, ones);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "rmw");
            rmw.start();
            assertTrue(dbg.awaitSuspended("rmw", 10, TimeUnit.SECONDS));
            assertEquals(1, dbgNode.trackedRequests());

            byte[] twos = new byte[ALIGN];
            Arrays.fill(twos, (byte) 2);
            Thread overlapping = new Thread(() -> {
                try {
                    b.write(0, twos);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "overlapping");
            overlapping.start();
            // The aligned write registers its tracked request and then parks in the serialising wait.
            while (overlapping.isAlive()
                    && (dbgNode.trackedRequests() < 2 || overlapping.getState() != Thread.State.WAITING)) {
                Thread.onSpinWait();
            }
            assertTrue(overlapping.isAlive(), "the overlapping write waits for the read-modify-write");
            // A write to another block goes on.
            b.write(3 * ALIGN, new byte[] {5});
            assertArrayEquals(new byte[] {5}, b.read(3 * ALIGN, 1));
            assertTrue(overlapping.isAlive());

            dbg.resume("rmw");
            rmw.join();
            overlapping.join();
            assertNull(failure.get());
            assertArrayEquals(twos, b.read(0, ALIGN), "the waiting write landed after the read-modify-write");
            assertEquals(0, dbgNode.trackedRequests());
            assertEquals(0, dbgNode.inFlight());
            assertFalse(dbg.isSuspended("rmw"));
        });
    }
}
