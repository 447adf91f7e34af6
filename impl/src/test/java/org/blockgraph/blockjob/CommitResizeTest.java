package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.blockgraph.chain.Chains;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.driver.NullDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ManualJobExecutor;
import org.junit.jupiter.api.Test;

/**
 * Commit into a base smaller than top (iotest 040's smaller-backing cases; reference §3.4 "If base is shorter
 * than top it is truncated up first"): the job takes resize on base, grows it to top's length before copying, and
 * the data beyond base's old end lands in base. A base whose driver cannot grow fails the job with the truncate's
 * error and changes neither chain nor data; a base whose other user does not share resize refuses the commit.
 * Also node resize itself on the memory and cow drivers.
 */
class CommitResizeTest {
    private static final int CLUSTER = 4096;
    private static final int SMALL = 8 * CLUSTER;
    private static final int BIG = 16 * CLUSTER;

    private final BlockGraph g = new BlockGraph();
    private final ManualJobExecutor exec = new ManualJobExecutor(true);
    private final BlockJobs jobs = new BlockJobs(g, exec);
    private final List<JobEvent> events = new ArrayList<>();

    CommitResizeTest() {
        jobs.registry().subscribe(events::add);
    }

    private Node cow(String name, long size, Node backing) {
        Node file = g.addNode(name + "-file", new MemoryDriver(size));
        return backing == null ? g.addNode(name, new CowDriver(size, CLUSTER), Map.of("file", file))
                : g.addNode(name, new CowDriver(size, CLUSTER), Map.of("file", file, "backing", backing));
    }

    private void write(Node n, int cluster, int v) {
        BlockBackend w = BlockBackend.create(g, null, n, Permission.WRITE.bit(), Permission.ALL);
        byte[] b = new byte[CLUSTER];
        Arrays.fill(b, (byte) v);
        w.write((long) cluster * CLUSTER, b);
        w.close();
    }

    private byte[] content(Node n) {
        BlockBackend r = BlockBackend.create(g, null, n, 0, Permission.ALL);
        try {
            return r.read(0, (int) n.length());
        } finally {
            r.close();
        }
    }

    private JobEvent.Completed completed(String id) {
        return events.stream().filter(e -> e instanceof JobEvent.Completed && id.equals(e.jobId()))
                .map(e -> (JobEvent.Completed) e).findFirst().orElseThrow(() -> new AssertionError(events));
    }

    @Test
    void intermediateCommitGrowsTheBase() {
        Node base = cow("base", SMALL, null);
        write(base, 1, 1);
        Node mid = cow("mid", BIG, base);
        write(mid, 2, 2);
        write(mid, 12, 3); // beyond base's end
        Node top = cow("top", BIG, mid);
        BlockBackend drive = BlockBackend.create(g, "drive0", top, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        byte[] guest = content(top);
        jobs.commit(CommitOptions.of("drive0").topNode("mid").baseNode("base").jobId("c"));
        exec.runUntilQuiet();
        assertNull(completed("c").error());
        assertEquals(BIG, base.length(), "base grown to top's length");
        assertTrue(base.driver().isAllocated(base, 12L * CLUSTER), "data beyond the old end is in base");
        byte[] b = content(base);
        assertEquals(3, b[12 * CLUSTER]);
        assertEquals(0, b[13 * CLUSTER], "the grown part reads as zeroes where nothing was committed");
        assertEquals(List.of("top", "base"), Chains.chain(top).stream().map(Node::name).toList());
        assertEquals("base-file", top.backingFile());
        assertArrayEquals(guest, content(top));
        drive.close();
    }

    @Test
    void activeCommitGrowsTheBase() {
        Node base = cow("base", SMALL, null);
        write(base, 1, 1);
        Node top = cow("top", BIG, base);
        write(top, 10, 4);
        BlockBackend drive = BlockBackend.create(g, "drive0", top, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        byte[] guest = content(top);
        Job j = jobs.commit(CommitOptions.of("drive0").jobId("c"));
        int guard = 0;
        while (j.status() != JobStatus.READY) {
            assertTrue(exec.runNext(), "the job stalled before READY: " + j.state());
            assertTrue(++guard < 1000);
        }
        assertEquals(BIG, base.length(), "grown before the first copy");
        j.complete();
        exec.runUntilQuiet();
        assertNull(completed("c").error());
        assertEquals(base, drive.node());
        assertEquals(BIG, drive.length());
        assertArrayEquals(guest, drive.read(0, BIG));
        drive.close();
    }

    @Test
    void baseThatCannotGrowFailsTheJobAndChangesNothing() {
        Node base = g.addNode("base", new NullDriver(SMALL));
        Node mid = cow("mid", BIG, base);
        write(mid, 12, 3);
        Node top = cow("top", BIG, mid);
        BlockBackend drive = BlockBackend.create(g, "drive0", top, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        byte[] guest = content(top);
        var before = g.state();
        jobs.commit(CommitOptions.of("drive0").topNode("mid").baseNode("base").jobId("c"));
        exec.runUntilQuiet();
        assertEquals("Operation not supported", completed("c").error());
        assertEquals(SMALL, base.length());
        assertEquals(before, g.state(), "a failed commit leaves the graph as it was");
        assertArrayEquals(guest, content(top));
        drive.close();
    }

    @Test
    void baseUserThatDoesNotShareResizeRefusesTheCommit() {
        Node base = cow("base", SMALL, null);
        Node mid = cow("mid", BIG, base);
        write(mid, 12, 3);
        Node top = cow("top", BIG, mid);
        BlockBackend drive = BlockBackend.create(g, "drive0", top, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        BlockBackend other = BlockBackend.create(g, null, base, 0, Permission.ALL & ~Permission.RESIZE.bit());
        var before = g.state();
        GraphException e = assertThrows(GraphException.class,
                () -> jobs.commit(CommitOptions.of("drive0").topNode("mid").baseNode("base").jobId("c")));
        assertTrue(e.getMessage().contains("resize"), e.getMessage());
        assertEquals(before, g.state());
        assertTrue(jobs.registry().jobs().isEmpty());
        other.close();
        drive.close();
    }

    @Test
    void nodeResizeOnMemoryAndCow() {
        Node mem = g.addNode("mem", new MemoryDriver(SMALL));
        Node img = cow("img", SMALL, null);
        write(img, 7, 9);
        write(img, 3, 8);
        BlockBackend m = BlockBackend.create(g, null, mem, Permission.WRITE.bit() | Permission.RESIZE.bit(),
                Permission.ALL);
        BlockBackend c = BlockBackend.create(g, null, img, Permission.WRITE.bit() | Permission.RESIZE.bit(),
                Permission.ALL);
        m.write(SMALL - 512, new byte[] {5});
        m.rootEdge().truncate(BIG);
        assertEquals(BIG, mem.length());
        assertEquals(5, m.read(SMALL - 512, 1)[0]);
        m.rootEdge().truncate(SMALL - 512);
        m.rootEdge().truncate(BIG);
        assertEquals(0, m.read(SMALL - 512, 1)[0], "shrinking dropped the bytes beyond the end");
        c.rootEdge().truncate(BIG);
        assertEquals(BIG, img.length());
        assertTrue(img.driver().isAllocated(img, 7L * CLUSTER));
        assertTrue(!img.driver().isAllocated(img, 8L * CLUSTER));
        c.rootEdge().truncate(4 * CLUSTER);
        c.rootEdge().truncate(BIG);
        assertTrue(img.driver().isAllocated(img, 3L * CLUSTER));
        assertTrue(!img.driver().isAllocated(img, 7L * CLUSTER), "shrinking dropped the clusters beyond");
        BlockBackend noResize = BlockBackend.create(g, null, img, Permission.WRITE.bit(), Permission.ALL);
        BlockIoException e = assertThrows(BlockIoException.class, () -> noResize.rootEdge().truncate(SMALL));
        assertEquals(BlockIoException.EPERM, e.errno());
        assertEquals(BIG, img.length());
        noResize.close();
        m.close();
        c.close();
    }
}
