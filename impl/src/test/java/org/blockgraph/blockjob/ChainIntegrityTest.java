package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.blockgraph.chain.Chains;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Errno;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobException;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ThreadPoolJobExecutor;
import org.junit.jupiter.api.Test;

/**
 * Data integrity under jobs (issue 6 "Must show"): for seeded random chains with random data, two guest threads
 * write (each its own clusters, so a reference map is exact) while a random sequence of stream, intermediate
 * commit and active commit jobs runs, some cancelled, some failing through blkdebug-injected read errors. At the
 * end the guest-visible content equals the reference map, the chain is acyclic with no dangling link, and no link
 * is frozen, no node blocked and no job edge left. Budget: {@code -Dblockgraph.deep=true} runs 200 seeds instead
 * of 12.
 */
class ChainIntegrityTest {
    private static final int CLUSTER = 4096;
    private static final int CLUSTERS = 16;
    private static final int SIZE = CLUSTER * CLUSTERS;
    private static final int SEEDS = Boolean.getBoolean("blockgraph.deep") ? 200 : 12;

    /** Outcomes over all seeds: started, refused, completed with a pivot or a new backing, failed or cancelled. */
    private final Map<String, Integer> outcomes = new java.util.TreeMap<>();

    private synchronized void count(String what) {
        outcomes.merge(what, 1, Integer::sum);
    }

    @Test
    void guestContentSurvivesRandomJobs() throws Exception {
        for (int seed = 1; seed <= SEEDS; seed++) {
            runSeed(seed);
        }
        System.out.println("ChainIntegrityTest outcomes over " + SEEDS + " seeds: " + outcomes);
        // Teeth: the run must really exercise every job kind to the end, and some failures and cancels.
        for (String k : List.of("stream:ok", "commit:ok", "active:ok", "refused")) {
            assertTrue(outcomes.getOrDefault(k, 0) > 0, "no '" + k + "' outcome in " + outcomes);
        }
    }

    private void runSeed(long seed) throws Exception {
        Random rnd = new Random(seed);
        BlockGraph g = new BlockGraph();
        try (ThreadPoolJobExecutor exec = new ThreadPoolJobExecutor(2)) {
            BlockJobs jobs = new BlockJobs(g, exec);
            List<BlkdebugDriver> debugs = new ArrayList<>();
            int depth = 2 + rnd.nextInt(4);
            Node below = null;
            for (int i = 0; i < depth; i++) {
                BlkdebugDriver dbg = new BlkdebugDriver();
                debugs.add(dbg);
                Node file = g.addNode("dbg" + i, dbg, Map.of("image", g.addNode("img" + i, new MemoryDriver(SIZE))));
                Node n = g.addNode("node" + i, new CowDriver(SIZE, CLUSTER), below == null ? Map.of("file", file)
                        : Map.of("file", file, "backing", below));
                BlockBackend w = BlockBackend.create(g, null, n, Permission.WRITE.bit(), Permission.ALL);
                for (int c = 0; c < CLUSTERS; c++) {
                    if (rnd.nextInt(3) == 0) {
                        byte[] b = new byte[CLUSTER];
                        Arrays.fill(b, (byte) rnd.nextInt(256));
                        w.write((long) c * CLUSTER, b);
                    }
                }
                w.close();
                if (i < depth - 1) {
                    g.reopenReadOnly(n, true);
                }
                below = n;
            }
            BlockBackend drive = BlockBackend.create(g, "drive0", below, Permission.CONSISTENT_READ.bit()
                    | Permission.WRITE.bit(), Permission.ALL);
            byte[] ref = drive.read(0, SIZE);

            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> failures = new ArrayList<>();
            List<Thread> guests = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int parity = t;
                final Random gr = new Random(seed * 31 + t);
                Thread th = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            int c = 2 * gr.nextInt(CLUSTERS / 2) + parity;
                            int off = gr.nextInt(CLUSTER / 512) * 512;
                            int len = 512 * (1 + gr.nextInt((CLUSTER - off) / 512));
                            byte[] b = new byte[len];
                            Arrays.fill(b, (byte) gr.nextInt(256));
                            long pos = (long) c * CLUSTER + off;
                            try {
                                drive.write(pos, b);
                            } catch (BlockIoException e) {
                                continue; // an injected read error on the copy-up: nothing was written
                            }
                            synchronized (ref) {
                                System.arraycopy(b, 0, ref, (int) pos, len);
                            }
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "guest-" + t);
                th.start();
                guests.add(th);
            }

            int ops = 3 + rnd.nextInt(3);
            for (int k = 0; k < ops; k++) {
                runOneJob(g, jobs, drive, debugs, rnd, "j" + k, seed);
            }
            stop.set(true);
            for (Thread th : guests) {
                th.join(10_000);
                assertFalse(th.isAlive(), "seed " + seed + ": guest thread hangs");
            }
            assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures);
            byte[] now = readAll(g, drive.node(), debugs);
            assertArrayEquals(ref, now, "seed " + seed + ": guest content differs from the reference");
            checkGraph(g, jobs, seed);
        }
    }

    /** Reads the guest view; injected errors still armed are consumed by retrying. */
    private static byte[] readAll(BlockGraph g, Node n, List<BlkdebugDriver> debugs) {
        for (int attempt = 0; ; attempt++) {
            BlockBackend r = BlockBackend.create(g, null, n, 0, Permission.ALL);
            try {
                return r.read(0, SIZE);
            } catch (BlockIoException e) {
                if (attempt > 20) {
                    throw e;
                }
            } finally {
                r.close();
            }
        }
    }

    /** One round: one job, or two started back to back so that they run side by side on the chain. */
    private void runOneJob(BlockGraph g, BlockJobs jobs, BlockBackend drive, List<BlkdebugDriver> debugs,
                           Random rnd, String id, long seed) throws InterruptedException {
        if (rnd.nextInt(4) == 0) {
            BlkdebugDriver d = debugs.get(rnd.nextInt(debugs.size()));
            d.addRule(new BlkdebugDriver.InjectError("read_aio", Errno.EIO, -1, true, false,
                    Set.of(BlkdebugDriver.IoType.READ)));
        }
        Map<String, String> results = new java.util.concurrent.ConcurrentHashMap<>();
        AutoCloseable sub = jobs.registry().subscribe(e -> {
            if (e instanceof org.blockgraph.job.JobEvent.Completed c) {
                results.put(e.jobId(), c.error() == null ? "ok" : "failed");
            } else if (e instanceof org.blockgraph.job.JobEvent.Cancelled) {
                results.put(e.jobId(), "cancelled");
            }
        });
        int count = rnd.nextInt(3) == 0 ? 2 : 1;
        List<Job> started = new ArrayList<>();
        Map<Job, String> kinds = new IdentityHashMap<>();
        Map<Job, Integer> ends = new IdentityHashMap<>();
        for (int k = 0; k < count; k++) {
            String jid = count == 1 ? id : id + (char) ('a' + k);
            Job job = startRandom(jobs, drive, rnd, jid);
            if (job != null) {
                started.add(job);
                kinds.put(job, job.driver() instanceof StreamJob ? "stream"
                        : job.driver() instanceof ActiveCommitJob ? "active" : "commit");
                ends.put(job, rnd.nextInt(4));
            }
        }
        for (Job job : started) {
            if (ends.get(job) == 0) {
                Thread.sleep(rnd.nextInt(3));
                try {
                    job.cancel(true);
                } catch (JobException ignored) {
                    // already concluded
                }
            }
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (Job job : started) {
            while (jobs.registry().find(job.id()).isPresent()) {
                assertTrue(System.nanoTime() < deadline, "seed " + seed + ": job " + job.id() + " hangs: "
                        + job.state() + " " + jobs.registry().queryJobs());
                for (Job other : started) {
                    if (other.status() == JobStatus.READY) {
                        try {
                            if (ends.get(other) == 1) {
                                other.cancel(false); // soft cancel on READY: no pivot
                            } else {
                                other.complete();
                            }
                        } catch (JobException ignored) {
                            // raced with a state change; the loop retries
                        }
                    }
                }
                Thread.sleep(1);
            }
        }
        try {
            sub.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (Job job : started) {
            count((count == 2 ? "parallel-" : "") + kinds.get(job) + ":" + results.get(job.id()));
        }
    }

    /** Starts a random stream, intermediate commit or active commit on the current chain; null if refused. */
    private Job startRandom(BlockJobs jobs, BlockBackend drive, Random rnd, String id) {
        List<Node> chain = new ArrayList<>();
        for (Node i : Chains.chain(drive.node())) {
            if (!i.driver().isFilter()) {
                chain.add(i);
            }
        }
        int n = chain.size();
        if (n < 2) {
            return null;
        }
        int kind = rnd.nextInt(3);
        try {
            if (kind == 0) {
                int i = rnd.nextInt(n - 1);
                int j = i + 1 + rnd.nextInt(n - i);
                StreamOptions o = StreamOptions.of(chain.get(i).name()).jobId(id);
                return jobs.stream(j < n ? o.baseNode(chain.get(j).name()) : o);
            } else if (kind == 1 && n >= 3) {
                int i = 1 + rnd.nextInt(n - 2);
                int j = i + 1 + rnd.nextInt(n - 1 - i);
                return jobs.commit(CommitOptions.of("drive0").jobId(id).topNode(chain.get(i).name())
                        .baseNode(chain.get(j).name()));
            } else {
                int j = 1 + rnd.nextInt(n - 1);
                return jobs.commit(CommitOptions.of("drive0").jobId(id).baseNode(chain.get(j).name()));
            }
        } catch (GraphException | JobException e) {
            count("refused");
            return null; // refused: must have changed nothing, which the final checks see
        }
    }

    private static void checkGraph(BlockGraph g, BlockJobs jobs, long seed) {
        assertTrue(jobs.registry().jobs().isEmpty(), "seed " + seed + ": jobs left");
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        for (Node i : Chains.chain(g.findNode("node0") == null ? null : firstRoot(g))) {
            assertEquals(null, seen.put(i, true), "seed " + seed + ": cycle at " + i.name());
        }
        for (Node n : g.nodes()) {
            for (Child c : n.children()) {
                assertFalse(c.isFrozen(), "seed " + seed + ": frozen link " + c);
                assertTrue(c.node() != null && !c.node().isRemoved(), "seed " + seed + ": dangling link " + c);
            }
            assertFalse(OpBlockers.of(g).hasJobBlocker(n), "seed " + seed + ": node blocked " + n.name());
        }
        for (Child c : g.rootEdges()) {
            assertTrue(c.parent() instanceof BlockBackend, "seed " + seed + ": job edge left " + c);
        }
    }

    private static Node firstRoot(BlockGraph g) {
        for (Child c : g.rootEdges()) {
            if (c.parent() instanceof BlockBackend b && "drive0".equals(b.name())) {
                return c.node();
            }
        }
        throw new AssertionError("drive0 has no node");
    }
}
