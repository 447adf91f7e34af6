package org.blockgraph.blockjob;

import static org.blockgraph.blockjob.ChainFixture.assertMsg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ThreadPoolJobExecutor;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The glue between jobs and the graph: drain pauses a job through its edges, a job is named in permission errors,
 * wrong-state verbs on a job holding graph state change nothing, and the chain-family trace events come in the
 * order the spec's actions take effect.
 */
class BlockJobGlueTest {
    private final List<String> trace = Collections.synchronizedList(new ArrayList<>());
    private final BlockGraph g = new BlockGraph(new TraceSink() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
            trace.add(action.name());
        }
    });
    private final ThreadPoolJobExecutor exec = new ThreadPoolJobExecutor(2);
    private final BlockJobs jobs = new BlockJobs(g, exec);
    private final Node base;
    private final Node top;

    BlockJobGlueTest() {
        base = g.addNode("base", new CowDriver(ChainFixture.SIZE, ChainFixture.CLUSTER),
                Map.of("file", g.addNode("base-file", new MemoryDriver(ChainFixture.SIZE))));
        BlockBackend w = BlockBackend.create(g, null, base, Permission.WRITE.bit(), Permission.ALL);
        for (int c = 0; c < ChainFixture.CLUSTERS; c += 2) {
            w.write((long) c * ChainFixture.CLUSTER, ChainFixture.fill(c + 1));
        }
        w.close();
        g.reopenReadOnly(base, true);
        top = g.addNode("top", new CowDriver(ChainFixture.SIZE, ChainFixture.CLUSTER),
                Map.of("file", g.addNode("top-file", new MemoryDriver(ChainFixture.SIZE)), "backing", base));
        BlockBackend.create(g, "drive0", top, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                Permission.ALL);
    }

    @AfterEach
    void close() {
        exec.close();
    }

    private static void await(Job j, JobStatus s) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (j.status() != s) {
            assertTrue(System.nanoTime() < deadline, j.id() + " is " + j.state());
            Thread.onSpinWait();
        }
    }

    @Test
    void drainPausesTheJobAndDrainEndResumesIt() {
        Job j = jobs.stream(StreamOptions.of("drive0").speed(1024));
        g.drainedBegin(base);
        // drainedBegin returned: the job reached a pause point (not busy) before the drain could finish.
        assertEquals(JobStatus.PAUSED, j.status());
        assertTrue(!j.state().busy());
        // One pause per quiesced job edge (reference §1.5): base's parents are quiesced recursively, so the
        // intermediate edge on base, the active-node edge on top and the main-node edge on the filter all count.
        assertEquals(3, j.state().pauseCount());
        g.drainedEnd(base);
        assertEquals(0, j.state().pauseCount());
        j.setSpeed(0);
        await(j, JobStatus.NULL);
    }

    @Test
    void jobIsNamedInPermissionErrors() {
        Job j = jobs.commit(CommitOptions.of("drive0").baseNode("base").speed(1024).jobId("c1"));
        await(j, JobStatus.READY);
        // The active commit's intermediate edges share write: a writer on base is fine; but no-one may resize.
        GraphException e = org.junit.jupiter.api.Assertions.assertThrows(GraphException.class,
                () -> BlockBackend.create(g, null, top, Permission.RESIZE.bit(), Permission.ALL));
        assertTrue(e.getMessage().contains("commit job 'c1'"), e.getMessage());
        j.cancel(false);
        await(j, JobStatus.NULL);
        assertEquals(top, g.findNode("top"));
    }

    @Test
    void verbsInPendingAndConcludedAreRefusedAndChangeNothing() {
        Job j = jobs.stream(StreamOptions.of("drive0").autoFinalize(false).autoDismiss(false));
        await(j, JobStatus.PENDING);
        var before = g.state();
        assertTrue(OpBlockers.of(g).hasJobBlocker(top), "a pending job still blocks its nodes");
        assertMsg("Job 'drive0' in state 'pending' cannot accept command verb 'complete'", j::complete);
        assertMsg("Job 'drive0' in state 'pending' cannot accept command verb 'pause'", j::userPause);
        assertMsg("Job 'drive0' in state 'pending' cannot accept command verb 'set-speed'", () -> j.setSpeed(1));
        assertMsg("Job 'drive0' in state 'pending' cannot accept command verb 'dismiss'", j::dismiss);
        assertEquals(before, g.state());
        j.finalizeJob();
        assertEquals(JobStatus.CONCLUDED, j.status());
        var concluded = g.state();
        assertMsg("Job 'drive0' in state 'concluded' cannot accept command verb 'finalize'", j::finalizeJob);
        assertMsg("Job 'drive0' in state 'concluded' cannot accept command verb 'complete'", j::complete);
        assertEquals(concluded, g.state());
        assertTrue(!OpBlockers.of(g).hasJobBlocker(top));
        assertEquals(null, top.child("backing"));
        j.dismiss();
        assertTrue(jobs.registry().jobs().isEmpty());
    }

    @Test
    void streamTraceFollowsTheSpecActions() {
        Job j = jobs.stream(StreamOptions.of("drive0"));
        await(j, JobStatus.NULL);
        List<String> chain;
        synchronized (trace) {
            chain = trace.stream().filter(a -> a.equals("StreamStart") || a.equals("InsertFilter")
                    || a.startsWith("Chain") || a.equals("RemoveFilter") || a.equals("JobCopyCluster")
                    || a.equals("JobPrepare") || a.equals("JobConclude")).distinct().toList();
        }
        assertEquals(List.of("InsertFilter", "ChainFreeze", "StreamStart", "JobCopyCluster", "ChainUnfreeze",
                "RemoveFilter", "JobPrepare", "JobConclude"), chain);
    }
}
