package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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
import org.blockgraph.job.IoStatus;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.JobException;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ManualJobExecutor;
import org.blockgraph.job.OnError;
import org.junit.jupiter.api.Test;

/**
 * Data integrity under jobs, deterministic twin of {@link ChainIntegrityTest} (issue 6 "Must show"): per seed a
 * random chain with random data, then rounds of one or two random jobs (stream, intermediate commit, active
 * commit) with a random on-error policy (report, ignore, stop, enospc), random speed and blkdebug-injected read
 * errors, driven by a random sequence of hand-stepped job tasks, clock moves, guest writes through {@code drive0},
 * force cancels, soft cancels and completes of READY jobs, and resumes of jobs that on-error stop paused. The
 * guest-visible content always equals a reference map that saw only the guest writes; after every round the
 * chain is acyclic with no dangling link, no frozen link, no blocked node and no job edge.
 *
 * <p>Since every interleaving is chosen by the seed, the outcome classes are fixed, and the test requires each
 * job kind to have completed, failed and been cancelled, and each on-error policy to have met an error. Budget:
 * {@code -Dblockgraph.deep=true} runs 400 seeds instead of 40.
 */
class ChainIntegritySequenceTest {
    private static final int CLUSTER = 4096;
    private static final int CLUSTERS = 16;
    private static final int SIZE = CLUSTER * CLUSTERS;
    private static final int SEEDS = Boolean.getBoolean("blockgraph.deep") ? 400 : 40;
    private static final OnError[] POLICIES = {OnError.REPORT, OnError.IGNORE, OnError.STOP, OnError.ENOSPC};

    private final Map<String, Integer> outcomes = new TreeMap<>();

    private void count(String what) {
        outcomes.merge(what, 1, Integer::sum);
    }

    @Test
    void guestContentSurvivesRandomSteppedJobs() {
        for (int seed = 1; seed <= SEEDS; seed++) {
            new Run(seed).run();
        }
        System.out.println("ChainIntegritySequenceTest outcomes over " + SEEDS + " seeds: " + outcomes);
        for (String kind : List.of("stream", "commit", "active")) {
            for (String result : List.of("ok", "failed", "cancelled")) {
                assertTrue(outcomes.getOrDefault(kind + ":" + result, 0) > 0,
                        "no '" + kind + ":" + result + "' outcome in " + outcomes);
            }
        }
        for (OnError p : POLICIES) {
            assertTrue(outcomes.getOrDefault("error:" + p.qapiName(), 0) > 0,
                    "no job with on-error " + p.qapiName() + " met an error: " + outcomes);
        }
        assertTrue(outcomes.getOrDefault("stop-resumed", 0) > 0, "no on-error stop was resumed: " + outcomes);
        assertTrue(outcomes.getOrDefault("refused", 0) > 0, "no job was refused: " + outcomes);
        assertTrue(outcomes.getOrDefault("parallel", 0) > 0, "no two jobs ran side by side: " + outcomes);
    }

    private final class Run {
        final long seed;
        final Random rnd;
        final BlockGraph g = new BlockGraph();
        final ManualJobExecutor exec = new ManualJobExecutor(true);
        final BlockJobs jobs = new BlockJobs(g, exec);
        final List<BlkdebugDriver> debugs = new ArrayList<>();
        final Map<String, String> results = new HashMap<>();
        final Map<String, OnError> policy = new HashMap<>();
        BlockBackend drive;
        byte[] ref;

        Run(long seed) {
            this.seed = seed;
            this.rnd = new Random(seed);
            jobs.registry().subscribe(e -> {
                if (e instanceof JobEvent.Completed c) {
                    results.put(e.jobId(), c.error() == null ? "ok" : "failed");
                } else if (e instanceof JobEvent.Cancelled) {
                    results.put(e.jobId(), "cancelled");
                } else if (e instanceof JobEvent.Error) {
                    count("error:" + policy.get(e.jobId()).qapiName());
                }
            });
        }

        void run() {
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
            drive = BlockBackend.create(g, "drive0", below, Permission.CONSISTENT_READ.bit()
                    | Permission.WRITE.bit(), Permission.ALL);
            ref = drive.read(0, SIZE);
            int rounds = 3 + rnd.nextInt(3);
            for (int r = 0; r < rounds; r++) {
                round("j" + r);
                assertArrayEquals(ref, readAll(), "seed " + seed + " round " + r + ": guest content differs");
                checkGraph();
            }
        }

        void guestWrite() {
            int c = rnd.nextInt(CLUSTERS);
            int off = rnd.nextInt(CLUSTER / 512) * 512;
            int len = 512 * (1 + rnd.nextInt((CLUSTER - off) / 512));
            byte[] b = new byte[len];
            Arrays.fill(b, (byte) rnd.nextInt(256));
            long pos = (long) c * CLUSTER + off;
            try {
                drive.write(pos, b);
            } catch (BlockIoException e) {
                return; // an injected read error on the copy-up: nothing was written
            }
            System.arraycopy(b, 0, ref, (int) pos, len);
        }

        /** The guest view; injected errors still armed are consumed by retrying. */
        byte[] readAll() {
            for (int attempt = 0; ; attempt++) {
                try {
                    return drive.read(0, SIZE);
                } catch (BlockIoException e) {
                    if (attempt > 20) {
                        throw e;
                    }
                }
            }
        }

        void round(String id) {
            if (rnd.nextInt(2) == 0) {
                for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
                    debugs.get(rnd.nextInt(debugs.size())).addRule(new BlkdebugDriver.InjectError("read_aio",
                            rnd.nextInt(3) == 0 ? Errno.ENOSPC : Errno.EIO, -1, true, false,
                            Set.of(BlkdebugDriver.IoType.READ)));
                }
            }
            int count = rnd.nextInt(3) == 0 ? 2 : 1;
            List<Job> started = new ArrayList<>();
            Map<Job, String> kinds = new IdentityHashMap<>();
            Map<Job, Boolean> softCancel = new IdentityHashMap<>();
            for (int k = 0; k < count; k++) {
                String jid = count == 1 ? id : id + (char) ('a' + k);
                Job job = startRandom(jid);
                if (job != null) {
                    started.add(job);
                    kinds.put(job, job.driver() instanceof StreamJob ? "stream"
                            : job.driver() instanceof ActiveCommitJob ? "active" : "commit");
                    softCancel.put(job, rnd.nextInt(4) == 0);
                    // a guest write may land between two job starts
                    if (rnd.nextBoolean()) {
                        guestWrite();
                    }
                }
            }
            if (started.size() == 2) {
                count("parallel");
            }
            int guard = 0;
            while (started.stream().anyMatch(j -> jobs.registry().find(j.id()).isPresent())) {
                assertTrue(++guard < 200_000, "seed " + seed + ": jobs never end: " + jobs.registry().queryJobs());
                int a = rnd.nextInt(20);
                if (a < 5) {
                    guestWrite();
                } else if (a < 17) {
                    if (!exec.runNext()) {
                        long next = exec.nextDeadline();
                        if (next >= 0) {
                            exec.advance(Math.max(0, next - exec.now()));
                        }
                    }
                } else {
                    Job j = started.get(rnd.nextInt(started.size()));
                    if (jobs.registry().find(j.id()).isEmpty()) {
                        continue;
                    }
                    try {
                        if (a == 19 && rnd.nextInt(4) == 0) {
                            j.cancel(true);
                        } else if (j.status() == JobStatus.READY) {
                            if (softCancel.get(j)) {
                                j.cancel(false); // soft cancel on READY: completes without pivoting
                            } else {
                                j.complete();
                            }
                        } else if (j.status() == JobStatus.PAUSED && j.state().ioStatus() != IoStatus.OK) {
                            j.userResume();
                            count("stop-resumed");
                        }
                    } catch (JobException ignored) {
                        // a verb the job's state refuses (e.g. already cancelled): nothing changed
                    }
                }
            }
            for (Job job : started) {
                String result = results.get(job.id());
                assertTrue(result != null, "seed " + seed + ": no completion event for " + job.id());
                count(kinds.get(job) + ":" + result);
            }
        }

        /** Starts a random stream, intermediate commit or active commit on the current chain; null if refused. */
        Job startRandom(String id) {
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
            OnError p = POLICIES[rnd.nextInt(POLICIES.length)];
            long speed = rnd.nextInt(3) == 0 ? 2 * CLUSTER : 0;
            policy.put(id, p);
            int kind = rnd.nextInt(3);
            var before = g.state();
            try {
                if (kind == 0) {
                    int i = rnd.nextInt(n - 1);
                    int j = i + 1 + rnd.nextInt(n - i);
                    StreamOptions o = StreamOptions.of(chain.get(i).name()).jobId(id).onError(p).speed(speed);
                    return jobs.stream(j < n ? o.baseNode(chain.get(j).name()) : o);
                } else if (kind == 1 && n >= 3) {
                    int i = 1 + rnd.nextInt(n - 2);
                    int j = i + 1 + rnd.nextInt(n - 1 - i);
                    return jobs.commit(CommitOptions.of("drive0").jobId(id).topNode(chain.get(i).name())
                            .baseNode(chain.get(j).name()).onError(p).speed(speed));
                } else {
                    int j = 1 + rnd.nextInt(n - 1);
                    return jobs.commit(CommitOptions.of("drive0").jobId(id).baseNode(chain.get(j).name())
                            .onError(p).speed(speed));
                }
            } catch (GraphException | JobException e) {
                count("refused");
                assertEquals(before, g.state(), "seed " + seed + ": a refused job changed the graph");
                return null;
            }
        }

        void checkGraph() {
            assertTrue(jobs.registry().jobs().isEmpty(), "seed " + seed + ": jobs left");
            // A task queued before its job was finished another way (an exit task of a job that a force cancel
            // finished synchronously) is stale: running it must change nothing.
            var before = g.state();
            exec.runUntilQuiet();
            assertEquals(before, g.state(), "seed " + seed + ": a stale task changed the graph");
            assertTrue(jobs.registry().jobs().isEmpty(), "seed " + seed + ": a stale task created a job");
            Map<Node, Boolean> seen = new IdentityHashMap<>();
            for (Node i : Chains.chain(drive.node())) {
                assertEquals(null, seen.put(i, true), "seed " + seed + ": cycle at " + i.name());
            }
            for (Node n : g.nodes()) {
                for (Child c : n.children()) {
                    assertFalse(c.isFrozen(), "seed " + seed + ": frozen link " + c);
                    assertTrue(c.node() != null && !c.node().isRemoved(), "seed " + seed + ": dangling link " + c);
                }
                assertFalse(OpBlockers.of(g).hasJobBlocker(n), "seed " + seed + ": node blocked " + n.name());
                assertEquals(0, n.quiesceCounter(), "seed " + seed + ": node left drained " + n.name());
            }
            for (Child c : g.rootEdges()) {
                assertTrue(c.parent() instanceof BlockBackend, "seed " + seed + ": job edge left " + c);
            }
            assertEquals(0, exec.timerCount(), "seed " + seed + ": timers left");
            assertFalse(exec.hasReady(), "seed " + seed + ": tasks left: " + exec.ready());
        }
    }
}
