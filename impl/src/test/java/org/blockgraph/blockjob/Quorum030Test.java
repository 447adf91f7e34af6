package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.driver.QuorumDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ManualJobExecutor;
import org.junit.jupiter.api.Test;

/**
 * iotest 030 {@code TestQuorum}: {@code drive0} is a quorum (vote-threshold 2) of three images
 * {@code node0..node2}, each over its own backing image {@code backing0..2} that holds 0x55 in its first KiB.
 * Streaming the quorum child node0 ({@code job-id stream-node0}) succeeds, and afterwards node0's allocation map
 * equals backing0's (030 compares {@code qemu-io map} of both). Jobs are stepped by hand.
 */
class Quorum030Test {
    private static final int CLUSTER = 65536;
    private static final int SIZE = 16 * CLUSTER;

    private final BlockGraph g = new BlockGraph();
    private final ManualJobExecutor exec = new ManualJobExecutor(true);
    private final BlockJobs jobs = new BlockJobs(g, exec);
    private final List<JobEvent> events = new ArrayList<>();
    private final Node[] children = new Node[3];
    private final Node[] backing = new Node[3];
    private final Node quorum;
    private final BlockBackend drive;

    Quorum030Test() {
        jobs.registry().subscribe(events::add);
        Map<String, Node> qc = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            backing[i] = g.addNode("backing" + i, new CowDriver(SIZE, CLUSTER),
                    Map.of("file", g.addNode("backing" + i + "-file", new MemoryDriver(SIZE))));
            BlockBackend w = BlockBackend.create(g, null, backing[i], Permission.WRITE.bit(), Permission.ALL);
            byte[] b = new byte[1024];
            Arrays.fill(b, (byte) 0x55);
            w.write(0, b);
            w.close();
            g.reopenReadOnly(backing[i], true);
            children[i] = g.addNode("node" + i, new CowDriver(SIZE, CLUSTER),
                    Map.of("file", g.addNode("img-" + i, new MemoryDriver(SIZE)), "backing", backing[i]));
            qc.put("children." + i, children[i]);
        }
        quorum = g.addNode("quorum0", new QuorumDriver(3, 2), qc);
        drive = BlockBackend.create(g, "drive0", quorum, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                Permission.ALL);
    }

    private static List<Boolean> map(Node n) {
        List<Boolean> m = new ArrayList<>();
        for (int c = 0; c < SIZE / CLUSTER; c++) {
            m.add(n.driver().isAllocated(n, (long) c * CLUSTER));
        }
        return m;
    }

    @Test
    void streamQuorumChild() {
        assertNotEquals(map(backing[0]), map(children[0]), "image file map matches backing file before streaming");
        byte[] guest = drive.read(0, SIZE);
        Job j = jobs.stream(StreamOptions.of("node0").jobId("stream-node0"));
        Child edge = quorum.child("children.0");
        assertTrue(edge.node() != children[0] && edge.node().driver().name().equals("copy-on-read"),
                "the quorum reads node0 through the stream's copy-on-read filter while the job runs");
        exec.runUntilQuiet();
        assertEquals(JobStatus.NULL, j.status());
        JobEvent.Completed done = events.stream().filter(e -> e instanceof JobEvent.Completed)
                .map(e -> (JobEvent.Completed) e).findFirst().orElseThrow();
        assertEquals("stream-node0", done.jobId());
        assertNull(done.error());
        assertEquals(map(backing[0]), map(children[0]), "image file map does not match backing file after streaming");
        assertNull(children[0].child("backing"), "node0 streamed its whole chain");
        assertNull(children[0].backingFile());
        assertEquals(children[0], quorum.child("children.0").node(), "the filter is gone");
        assertEquals(backing[1], children[1].child("backing").node(), "the other replicas are untouched");
        assertArrayEquals(guest, drive.read(0, SIZE));
        for (Node n : g.nodes()) {
            for (Child c : n.children()) {
                assertTrue(!c.isFrozen(), "frozen link left: " + c);
            }
            assertTrue(!OpBlockers.of(g).hasJobBlocker(n), "job blocker left on " + n.name());
        }
    }
}
