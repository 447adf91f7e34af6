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
 * 16). "Throttled" jobs are jobs that the hand-stepped executor has not run yet.
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

    static ChainFixture layout030() {
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
        return new ChainFixture(a);
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
            jobs.add(f.jobs.stream(o));
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
        assertMsg("Node 'stream-filter' is busy: " + BUSY + "stream",
                () -> f.jobs.stream(StreamOptions.of("node5").base("img2").jobId("stream-node5")));
        assertMsg("Node 'node3' is busy: " + BUSY + "stream",
                () -> f.jobs.stream(StreamOptions.of("node3").base("img2").jobId("stream-node3")));
        assertMsg("Node 'node4' is busy: " + BUSY + "stream",
                () -> f.jobs.stream(StreamOptions.of("node4").jobId("stream-node4-v2")));
        assertMsg("Node 'stream-filter' is busy: " + BUSY + "stream",
                () -> f.jobs.commit(CommitOptions.of("drive0").base("img4")));
        assertMsg("Node 'node3' is busy: " + BUSY + "stream",
                () -> f.jobs.commit(CommitOptions.of("drive0").top("img3").base("img1")));
        assertMsg("Node 'node2' is busy: " + BUSY + "stream",
                () -> f.jobs.commit(CommitOptions.of("drive0").top("img1").base("img0")));
        j.setSpeed(0);
        f.runAll();
        assertNull(f.completed("stream-node4").error());
        assertEquals(List.of("node4", "node1", "node0"), f.chainOf(f.node(4)));
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping2() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.commit(CommitOptions.of("drive0").top("img5").base("img3").jobId("commit-drive0")
                .speed(1024));
        assertMsg("Node 'node3' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node3").jobId("stream-node3")));
        assertMsg("Node 'node5' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node6").base("img2").jobId("stream-node6")));
        assertMsg("Node 'node4' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node4").base("img2").jobId("stream-node4")));
        assertMsg("Node 'node5' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node6").base("img4").jobId("stream-node6-v2")));
        assertMsg("Node 'drive0' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("drive0").base("img5").jobId("stream-drive0")));
        j.setSpeed(0);
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node8", "node7", "node6", "node3", "node2", "node1", "node0"), f.chain());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void overlapping3() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.commit(CommitOptions.of("drive0").base("img3").jobId("commit-drive0").speed(1024));
        assertMsg("Node 'node5' is busy: " + BUSY + "commit",
                () -> f.jobs.stream(StreamOptions.of("node5").base("img3").jobId("stream-node6")));
        j.setSpeed(0);
        f.await(j, JobStatus.READY);
        assertEquals(List.of("BLOCK_JOB_READY"), f.eventNames("commit-drive0"));
        j.complete();
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node3", "node2", "node1", "node0"), f.chain());
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
        var during = f.graph.state();
        assertMsg("Cannot freeze 'backing' link to 'commit-filter'",
                () -> f.jobs.stream(StreamOptions.of("node4").baseNode("node2").jobId("stream-node4")));
        assertEquals(during, f.graph.state(), "a refused stream changes nothing");
        assertTrue(f.jobs.registry().find("stream-node4").isEmpty());
        c.setSpeed(0);
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node8", "node7", "node6", "node5", "node4", "node3", "node0"), f.chain());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
        assertTrue(!before.equals(f.graph.state()));
    }

    private void overlapping5(boolean commitFirst) {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job commit = f.jobs.commit(CommitOptions.of("drive0").topNode("node2").baseNode("node0")
                .filterNodeName("commit-filter").jobId("commit-drive0").speed(1024));
        Job stream = f.jobs.stream(StreamOptions.of("node4").baseNode("commit-filter").jobId("stream-node4")
                .speed(1024));
        Job first = commitFirst ? commit : stream;
        first.setSpeed(0);
        f.await(first, JobStatus.NULL);
        (commitFirst ? stream : commit).setSpeed(0);
        f.runAll();
        assertNull(f.completed("commit-drive0").error());
        assertNull(f.completed("stream-node4").error());
        assertEquals(List.of("node8", "node7", "node6", "node5", "node4", "node0"), f.chain());
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
        f.jobs.stream(StreamOptions.of("node2").baseNode("node0").jobId("stream-node2"));
        Job c = f.jobs.commit(CommitOptions.of("drive0").base("img3").jobId("commit-drive0"));
        f.await(c, JobStatus.READY);
        c.complete();
        f.runAll();
        assertNull(f.completed("stream-node2").error());
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node3", "node2", "node0"), f.chain());
        f.assertContent(guest, f.drive.node());
        f.assertQuiescentGraph();
    }

    @Test
    void streamCommit2() {
        ChainFixture f = chain9();
        byte[] guest = f.content(f.drive.node());
        Job s = f.jobs.stream(StreamOptions.of("node4").baseNode("node0").jobId("stream-node4").speed(1024));
        Job c = f.jobs.commit(CommitOptions.of("drive0").base("img5").jobId("commit-drive0").speed(1024));
        s.setSpeed(0);
        c.setSpeed(0);
        f.await(c, JobStatus.READY);
        c.complete();
        f.runAll();
        assertNull(f.completed("stream-node4").error());
        assertNull(f.completed("commit-drive0").error());
        assertEquals(List.of("node5", "node4", "node0"), f.chain());
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
        assertTrue(f.node(4).isReadOnly(), "node4 reopened read-only after the stream");
        f.assertQuiescentGraph();
    }
}
