package org.blockgraph.blockjob;

import static org.blockgraph.blockjob.ChainFixture.assertMsg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobStatus;
import org.junit.jupiter.api.Test;

/**
 * iotest 030 {@code TestParallelOps}, every row of reference §3.6, scaled down: nine images of 16 clusters of
 * 64 KiB; node7 holds clusters 0-1, node5 4-7, node3 8-9, node1 12-15, node0 all (the 16 MiB layout divided by
 * 16). Jobs are stepped by hand ({@link ChainFixture#manual}): each job of a row is stepped until it copied a
 * cluster and sleeps on its rate limit (provably mid-flight), the conflicting command is refused with the upstream
 * text and changes nothing (graph, jobs, executor), then the jobs are stepped to completion and the final chains,
 * backing-file strings and data asserted. No timing: upstream's "throttled" is "not stepped" here. What needs real
 * threads is in {@link Parallel030ThreadPoolTest}.
 */
class Parallel030Test {
    private static final String BUSY = "block device is in use by block job: ";

    private final List<ChainFixture> open = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeFixtures() {
        open.forEach(ChainFixture::close);
    }

    ChainFixture chain9() {
        ChainFixture f = layout030();
        open.add(f);
        return f;
    }

    /** The 030 layout, jobs stepped by hand. */
    static ChainFixture layout030() {
        return ChainFixture.manual(allocation030());
    }

    /** Which clusters node0..node8 hold in the scaled 030 layout. */
    static List<int[]> allocation030() {
        List<int[]> a = new ArrayList<>();
        int[] all = new int[16];
        for (int i = 0; i < 16; i++) {
            all[i] = i;
        }
        a.add(all);                           // node0
        a.add(new int[] {12, 13, 14, 15});    // node1
        a.add(new int[] {});                  // node2
        a.add(new int[] {8, 9});              // node3
        a.add(new int[] {});                  // node4
        a.add(new int[] {4, 5, 6, 7});        // node5
        a.add(new int[] {});                  // node6
        a.add(new int[] {0, 1});              // node7
        a.add(new int[] {});                  // node8
        return a;
    }

    /**
     * Asserts that {@code command} fails with {@code expected} and changes nothing: graph, job and block-job
     * queries, the executor's ready tasks and timers.
     */
    private static void refused(ChainFixture f, String expected, Runnable command) {
        var graph = f.graph.state();
        var jobs = f.jobs.registry().queryJobs();
        var blockJobs = f.jobs.registry().queryBlockJobs();
        var ready = f.manual().ready();
        int timers = f.manual().timerCount();
        int events = f.events.size();
        assertMsg(expected, command);
        assertEquals(graph, f.graph.state(), "a refused command changes no graph state");
        assertEquals(jobs, f.jobs.registry().queryJobs());
        assertEquals(blockJobs, f.jobs.registry().queryBlockJobs());
        assertEquals(ready, f.manual().ready());
        assertEquals(timers, f.manual().timerCount());
        assertEquals(events, f.events.size(), "a refused command sends no event");
    }

    private static boolean allocated(ChainFixture f, int node, int cluster) {
        var n = f.node(node);
        return n.driver().isAllocated(n, (long) cluster * ChainFixture.CLUSTER);
    }

    @Test
    void streamParallel() {
        ChainFixture f = chain9();
        byte[][] before = new byte[9][];
        for (int i = 0; i < 9; i++) {
            before[i] = f.content(f.node(i));
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 2; i <= 8; i += 2) {
            StreamOptions o = StreamOptions.of("node" + i).bottom("node" + (i - 1)).jobId("stream-node" + i)
                    .speed(1024);
            Job j = f.jobs.stream(o);
            jobs.add(j);
            f.stepUntilThrottled(j);
        }
        // All four are mid-flight at once: each copied its first cluster, none finished.
        for (Job j : jobs) {
            assertEquals(JobStatus.RUNNING, j.status(), j.id());
            assertTrue(j.state().offset() < j.state().len(), j.id());
        }
        // Unthrottle in reverse order: the top job runs first.
        for (int k = jobs.size() - 1; k >= 0; k--) {
            jobs.get(k).setSpeed(0);
        }
        f.runAll();
        for (int i = 2; i <= 8; i += 2) {
            assertNull(f.completed("stream-node" + i).error(), "stream-node" + i);
            for (int c = 0; c < 16; c++) {
                assertEquals(allocated(f, i - 1, c), allocated(f, i, c), "node" + i + " cluster " + c);
            }
            assertEquals("img" + (i - 2), f.node(i).backingFile(), "backing file of node" + i);
        }
        assertEquals(List.of("node8", "node6", "node4", "node2", "node0"), f.chain());
        for (int i = 2; i <= 8; i += 2) {
            f.assertContent(before[i], f.node(i));
        }
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping1() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.stream(StreamOptions.of("node4").base("img1").filterNodeName("stream-filter")
                .jobId("stream-node4").speed(1024));
        f.stepUntilThrottled(j);
        assertTrue(allocated(f, 4, 8), "the stream copied node3's first cluster");
        assertTrue(!allocated(f, 4, 9), "and not yet its second");
        refused(f, "Node 'stream-filter' is busy: " + BUSY + "stream",
                () -> f.jobs.stream(StreamOptions.of("node5").base("img2").jobId("stream-node5")));
        refused(f, "Node 'node3' is busy: " + BUSY + "stream",
                () -> f.jobs.stream(StreamOptions.of("node3").base("img2").jobId("stream-node3")));
        refused(f, "Node 'node4' is busy: " + BUSY + "stream",
                () -> f.jobs.stream(StreamOptions.of("node4").jobId("stream-node4-v2")));
        refused(f, "Node 'stream-filter' is busy: " + BUSY + "stream",
                () -> f.jobs.commit(CommitOptions.of("drive0").base("img4")));
        refused(f, "Node 'node3' is busy: " + BUSY + "stream",
                () -> f.jobs.commit(CommitOptions.of("drive0").top("img3").base("img1")));
        refused(f, "Node 'node2' is busy: " + BUSY + "stream",
                () -> f.jobs.commit(CommitOptions.of("drive0").top("img1").base("img0")));
        j.setSpeed(0);
        f.runAll();
        assertNull(f.completed("stream-node4").error());
        assertEquals(List.of("node4", "node1", "node0"), f.chainOf(f.node(4)));
        assertEquals("img1", f.node(4).backingFile());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping2() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.commit(CommitOptions.of("drive0").top("img5").base("img3").jobId("commit-drive0")
                .speed(1024));
        f.stepUntilThrottled(j);
        refused(f, "Node 'node3' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node3").jobId("stream-node3")));
        refused(f, "Node 'node5' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node6").base("img2").jobId("stream-node6")));
        refused(f, "Node 'node4' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node4").base("img2").jobId("stream-node4")));
        refused(f, "Node 'node5' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node6").base("img4").jobId("stream-node6-v2")));
        refused(f, "Node 'drive0' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("drive0").base("img5").jobId("stream-drive0")));
        j.setSpeed(0);
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node8", "node7", "node6", "node3", "node2", "node1", "node0"), f.chain());
        assertEquals("img3", f.node(6).backingFile(), "commit rewrote the overlay's backing file");
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping3() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.commit(CommitOptions.of("drive0").base("img3").jobId("commit-drive0").speed(1024));
        f.stepUntilThrottled(j);
        refused(f, "Node 'node5' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node5").base("img3").jobId("stream-node6")));
        j.setSpeed(0);
        f.await(j, JobStatus.READY);
        assertEquals(List.of("BLOCK_JOB_READY"), f.eventNames("commit-drive0"));
        j.complete();
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node3", "node2", "node1", "node0"), f.chain());
        assertEquals("img2", f.node(3).backingFile(), "the pivot keeps base's own backing file");
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping4() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        var before = f.graph.state();
        Job c = f.jobs.commit(CommitOptions.of("drive0").top("img2").base("img0").filterNodeName("commit-filter")
                .jobId("commit-drive0").speed(1024));
        f.stepUntilThrottled(c);
        refused(f, "Cannot freeze 'backing' link to 'commit-filter'",
                () -> f.jobs.stream(StreamOptions.of("node4").baseNode("node2").jobId("stream-node4")));
        assertTrue(f.jobs.registry().find("stream-node4").isEmpty());
        c.setSpeed(0);
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node8", "node7", "node6", "node5", "node4", "node3", "node0"), f.chain());
        assertEquals("img0", f.node(3).backingFile());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
        assertTrue(!before.equals(f.graph.state()));
    }

    private void overlapping5(boolean commitFirst) {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job commit = f.jobs.commit(CommitOptions.of("drive0").topNode("node2").baseNode("node0")
                .filterNodeName("commit-filter").jobId("commit-drive0").speed(1024));
        f.stepUntilThrottled(commit);
        Job stream = f.jobs.stream(StreamOptions.of("node4").baseNode("commit-filter").jobId("stream-node4")
                .speed(1024));
        f.stepUntilThrottled(stream);
        Job first = commitFirst ? commit : stream;
        Job second = commitFirst ? stream : commit;
        first.setSpeed(0);
        f.await(first, JobStatus.NULL);
        // The first job's completion drained the other one to a pause point; its resumed entry goes back to
        // sleeping on its rate limit, still mid-flight.
        assertEquals(JobStatus.PAUSED, second.status(), "paused by the first job's completion drain");
        f.stepUntilThrottled(second);
        if (!commitFirst) {
            assertEquals(List.of("node4", "commit-filter", "node2", "node1", "node0"), f.chainOf(f.node(4)),
                    "the stream made the commit filter node4's backing");
        }
        second.setSpeed(0);
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertNull(f.completed("stream-node4").error());
        assertEquals(List.of("node8", "node7", "node6", "node5", "node4", "node0"), f.chain());
        assertEquals("img0", f.node(4).backingFile(), "030: node4's backing image is node0's file");
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping5CommitFinishesFirst() {
        overlapping5(true);
    }

    @Test
    void overlapping5StreamFinishesFirst() {
        overlapping5(false);
    }

    @Test
    void streamCommit1() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job s = f.jobs.stream(StreamOptions.of("node2").baseNode("node0").jobId("stream-node2"));
        // Unthrottled: step it until it is past its first cluster, then start the commit beside it.
        while (s.state().offset() == 0) {
            assertTrue(f.manual().runNext(s));
        }
        assertEquals(JobStatus.RUNNING, s.status());
        Job c = f.jobs.commit(CommitOptions.of("drive0").base("img3").jobId("commit-drive0"));
        f.await(c, JobStatus.READY);
        c.complete();
        f.runAll();
        assertNull(f.completed("stream-node2").error());
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node3", "node2", "node0"), f.chain());
        assertEquals("img0", f.node(2).backingFile());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void streamCommit2() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job s = f.jobs.stream(StreamOptions.of("node4").baseNode("node0").jobId("stream-node4").speed(1024));
        f.stepUntilThrottled(s);
        Job c = f.jobs.commit(CommitOptions.of("drive0").base("img5").jobId("commit-drive0").speed(1024));
        f.stepUntilThrottled(c);
        s.setSpeed(0);
        c.setSpeed(0);
        f.await(c, JobStatus.READY);
        c.complete();
        f.runAll();
        assertNull(f.completed("stream-node4").error());
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node5", "node4", "node0"), f.chain());
        assertEquals("img0", f.node(4).backingFile());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void streamBaseNodeName() {
        ChainFixture f = chain9();
        var before = f.graph.state();
        assertMsg("Cannot find device='' nor node-name='none'",
                () -> f.jobs.stream(StreamOptions.of("node4").baseNode("none").jobId("s")));
        assertMsg("Node 'node6' is not a backing image of 'node4'",
                () -> f.jobs.stream(StreamOptions.of("node4").baseNode("node6").jobId("s")));
        assertMsg("Node 'node4' is not a backing image of 'node4'",
                () -> f.jobs.stream(StreamOptions.of("node4").baseNode("node4").jobId("s")));
        assertMsg("'base' and 'base-node' cannot be specified at the same time",
                () -> f.jobs.stream(StreamOptions.of("node4").base("img2").baseNode("node2").jobId("s")));
        assertEquals(before, f.graph.state());
        f.jobs.stream(StreamOptions.of("node4").baseNode("node2").jobId("s"));
        f.runAll();
        assertNull(f.completed("s").error());
        for (int c = 0; c < 16; c++) {
            assertEquals(allocated(f, 3, c), allocated(f, 4, c), "cluster " + c);
        }
        assertEquals(List.of("node4", "node2", "node1", "node0"), f.chainOf(f.node(4)));
        assertEquals("img2", f.node(4).backingFile());
        assertTrue(f.node(4).isReadOnly(), "node4 reopened read-only after the stream");
        f.assertQuiescentGraph();
    }

    /**
     * TestStreamStop: while the stream runs only JOB_STATUS_CHANGE events were sent (created, running); it can
     * be cancelled; the events after the cancel are upstream's (aborting, BLOCK_JOB_CANCELLED, concluded, null);
     * chain and data are unchanged.
     */
    @Test
    void streamStop() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        List<String> chain = f.chain();
        Job j = f.jobs.stream(StreamOptions.of("drive0").speed(1024));
        f.stepUntilThrottled(j);
        assertEquals(List.of("JOB_STATUS_CHANGE:created", "JOB_STATUS_CHANGE:running"), f.allEvents("drive0"));
        j.cancel(false);
        f.runAll();
        assertEquals(List.of("JOB_STATUS_CHANGE:created", "JOB_STATUS_CHANGE:running",
                "JOB_STATUS_CHANGE:aborting", "BLOCK_JOB_CANCELLED", "JOB_STATUS_CHANGE:concluded",
                "JOB_STATUS_CHANGE:null"), f.allEvents("drive0"));
        assertEquals(chain, f.chain());
        assertEquals("img7", f.node(8).backingFile(), "a cancelled stream leaves the backing file");
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }
}
