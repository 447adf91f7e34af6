package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.io.IoRequest;
import org.blockgraph.io.IoThread;
import org.blockgraph.testing.CountingFilter;
import org.blockgraph.testing.TestJob;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/**
 * Several threads do I/O (synchronous and asynchronous) through two BlockBackends while the test thread drains
 * nodes, drains all, inserts and removes filters and appends overlays, and a job reads under its own BlockBackend.
 * Bounded in count (control iterations, requests per thread) and in time (a watchdog fails with thread dumps).
 *
 * <p>Checks: no request is lost (every thread completes all its requests and reads back what it wrote), no request
 * enters a node under an established drained section (counting filters on every BlockBackend path are sealed while
 * a drained section on them or below them is established), and every counter is back to zero at the end.
 */
class DrainStressTest {
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();
    static final int CLUSTER = 4096;
    static final int THREADS = 4;
    static final int SLOTS = 32;
    static final int REGION = SLOTS * 512;
    static final boolean DEEP = Boolean.getBoolean("blockgraph.deep");
    static final int CONTROL_STEPS = DEEP ? 3000 : 300;
    static final int MAX_REQUESTS = DEEP ? 2_000_000 : 200_000;

    final BlockGraph g = new BlockGraph();
    final List<CountingFilter> filters = new ArrayList<>();
    final Map<Node, CountingFilter> filterOf = new IdentityHashMap<>();

    @Test
    void ioDrainsAndGraphChangesTogether() throws Exception {
        Watchdog.run(120, this::run);
    }

    private void run() throws Exception {
        long size = (long) THREADS * REGION;
        List<BlockBackend> blks = new ArrayList<>();
        List<Node> cfs = new ArrayList<>();
        List<Node> bases = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Node base = g.addNode("base" + i, new MemoryDriver(size));
            Node top = g.addNode("top" + i, new CowDriver(size, CLUSTER),
                    Map.of("file", g.addNode("topf" + i, new MemoryDriver(0)), "backing", base));
            CountingFilter cf = new CountingFilter();
            Node cfn = g.addNode("cf" + i, cf, Map.of("file", top));
            filters.add(cf);
            filterOf.put(cfn, cf);
            cfs.add(cfn);
            bases.add(base);
            blks.add(BlockBackend.create(g, "vd" + i, cfn, CR | W, CR | W | WU));
        }
        TestJob job = new TestJob(g, "reader");
        job.useBlockBackend(g.requireNode("base0"));
        job.addNode("main node", g.requireNode("base0"));
        job.start();

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong requests = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        IoThread ctx = new IoThread("stress-iothread");
        for (int t = 0; t < THREADS; t++) {
            final int id = t;
            final BlockBackend b = blks.get(t % 2);
            Thread w = new Thread(() -> {
                try {
                    worker(id, b, id == THREADS - 1 ? ctx : null, stop, requests);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "io-" + t);
            workers.add(w);
            w.start();
        }

        Random rnd = new Random(42);
        int overlays = 0;
        Map<Integer, Node> throttles = new java.util.HashMap<>();
        for (int step = 0; step < CONTROL_STEPS && failures.isEmpty(); step++) {
            int chain = rnd.nextInt(2);
            Node cfn = cfs.get(chain);
            int action = rnd.nextInt(10);
            if (action < 5) {
                List<Node> all = g.nodes();
                Node x = all.get(rnd.nextInt(all.size()));
                g.drainedBegin(x);
                seal(x, true);
                LockSupport.parkNanos(rnd.nextInt(200_000));
                List<String> broken = DrainInvariants.all(g, blks);
                assertTrue(broken.isEmpty(), broken.toString());
                seal(x, false);
                g.drainedEnd(x);
            } else if (action < 6) {
                g.drainAllBegin();
                filters.forEach(f -> f.sealed = true);
                LockSupport.parkNanos(rnd.nextInt(200_000));
                List<String> broken = DrainInvariants.all(g, blks);
                assertTrue(broken.isEmpty(), broken.toString());
                filters.forEach(f -> f.sealed = false);
                g.drainAllEnd();
            } else if (action < 8) {
                Node thr = throttles.remove(chain);
                if (thr == null) {
                    Node below = cfn.child("file").node();
                    throttles.put(chain, g.insertFilter(null, new ThrottleDriver(0, 0), below));
                } else {
                    g.removeFilter(thr);
                }
            } else if (overlays < 6 && !throttles.containsKey(chain)) {
                Node below = cfn.child("file").node();
                Node ov = g.addNode("ov" + overlays, new CowDriver(size, CLUSTER),
                        Map.of("file", g.addNode("ovf" + overlays, new MemoryDriver(0))));
                g.appendOverlay(ov, below);
                overlays++;
            } else {
                // Nested: a drain on a base under a drain on the chain's filter.
                g.drainedBegin(cfn);
                seal(cfn, true);
                g.drainedBegin(bases.get(chain));
                seal(bases.get(chain), true);
                LockSupport.parkNanos(rnd.nextInt(100_000));
                g.drainedEnd(bases.get(chain)); // cf stays sealed: the outer section is still established
                seal(cfn, false);
                g.drainedEnd(cfn);
            }
        }
        stop.set(true);
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
        }
        ctx.close();
        job.finish();
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("worker failed: " + failures.peek(), failures.peek());
            throw e;
        }
        System.out.println("stress: " + requests.get() + " requests, " + CONTROL_STEPS + " control steps, entered "
                + filters.get(0).entered.get() + "/" + filters.get(1).entered.get());
        assertTrue(requests.get() > 0);
        for (CountingFilter f : filters) {
            assertEquals(0, f.violations.get(), "a request entered a node under an established drained section");
            assertTrue(f.entered.get() > 0);
        }
        for (BlockBackend b : blks) {
            assertEquals(0, b.inFlight());
            assertEquals(0, b.quiesceCounter());
            assertEquals(0, b.parkedRequests());
        }
        for (Node n : g.nodes()) {
            assertEquals(0, n.quiesceCounter(), n.name());
            assertEquals(0, n.inFlight(), n.name());
            assertEquals(0, n.trackedRequests(), n.name());
            for (Child c : n.parents()) {
                assertTrue(!c.isQuiescedParent(), c.toString());
            }
        }
        assertEquals(0, g.drainAllCount());
        assertEquals(List.of(), DrainInvariants.all(g, blks));
        assertEquals(0, g.graphLock().readerCount());
        assertTrue(!g.graphLock().hasWriter());
    }

    /** Marks the counting filters at and above {@code x} (transitive node parents). */
    private void seal(Node x, boolean sealed) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> work = new ArrayDeque<>(List.of(x));
        while (!work.isEmpty()) {
            Node n = work.poll();
            if (!seen.add(n)) {
                continue;
            }
            CountingFilter f = filterOf.get(n);
            if (f != null) {
                f.sealed = sealed;
            }
            for (Child c : n.parents()) {
                if (c.parentNode() != null) {
                    work.add(c.parentNode());
                }
            }
        }
    }

    private static void worker(int id, BlockBackend b, IoThread ctx, AtomicBoolean stop, AtomicLong requests)
            throws Exception {
        Random rnd = new Random(id);
        byte[][] model = new byte[SLOTS][];
        long base = (long) id * REGION;
        for (int k = 0; k < MAX_REQUESTS && !stop.get(); k++) {
            int slot = rnd.nextInt(SLOTS);
            long off = base + slot * 512L;
            if (rnd.nextBoolean()) {
                byte[] data = new byte[512];
                Arrays.fill(data, (byte) (k * 31 + id));
                run(b, ctx, IoRequest.write(off, data));
                model[slot] = data;
            } else {
                IoRequest r = IoRequest.read(off, 512);
                run(b, ctx, r);
                byte[] expect = model[slot] == null ? new byte[512] : model[slot];
                if (!Arrays.equals(expect, r.buffer())) {
                    throw new AssertionError("thread " + id + " read back wrong data at " + off);
                }
            }
            requests.incrementAndGet();
        }
    }

    private static void run(BlockBackend b, IoThread ctx, IoRequest r) throws Exception {
        if (ctx == null) {
            b.execute(r);
        } else {
            b.submit(ctx, r).get(60, TimeUnit.SECONDS);
        }
    }
}
