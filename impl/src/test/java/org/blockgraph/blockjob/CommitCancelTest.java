package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.Node;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancel semantics on the 030 chain: a soft cancel of a READY active commit completes without pivoting and leaves
 * the chain as it was (reference §4); a force cancel of an intermediate commit aborts and restores the chain; and
 * TestSmallerBackingFile (a backing half the size of the image) streams to the end. Jobs are stepped by hand
 * ({@link Parallel030Test#layout030()}).
 */
class CommitCancelTest {
    private final List<ChainFixture> open = new ArrayList<>();

    @AfterEach
    void closeFixtures() {
        open.forEach(ChainFixture::close);
    }

    private ChainFixture chain() {
        ChainFixture f = Parallel030Test.layout030();
        open.add(f);
        return f;
    }

    @Test
    void softCancelOnReadyKeepsTheChain() {
        ChainFixture f = chain();
        List<String> before = f.chain();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.commit(CommitOptions.of("drive0").baseNode("node3").jobId("c"));
        f.await(j, JobStatus.READY);
        f.drive.write(0, ChainFixture.fill(0x5a));
        System.arraycopy(ChainFixture.fill(0x5a), 0, guest, 0, ChainFixture.CLUSTER);
        j.cancel(false);
        f.runAll();
        assertNull(f.completed("c").error(), "a soft-cancelled READY job completes");
        synchronized (f.events) {
            assertTrue(f.events.stream().noneMatch(e -> e instanceof JobEvent.Cancelled));
        }
        assertEquals(before, f.chain());
        f.assertContent(guest, f.drive.node());
        assertTrue(f.node(3).isReadOnly(), "the target is read-only again");
        f.assertQuiescentGraph();
    }

    @Test
    void forceCancelOfIntermediateCommitRestoresTheChain() {
        ChainFixture f = chain();
        List<String> before = f.chain();
        byte[] guest = f.content(f.drive.node());
        Job j = f.jobs.commit(CommitOptions.of("drive0").topNode("node5").baseNode("node1").jobId("c")
                .speed(1024));
        assertTrue(f.chain().stream().anyMatch(n -> n.startsWith("#block")), "commit_top is in the chain");
        f.stepUntilThrottled(j); // mid-flight: node5's first cluster already copied into node1
        assertTrue(f.node(1).driver().isAllocated(f.node(1), 4L * ChainFixture.CLUSTER));
        j.cancel(true);
        f.runAll();
        synchronized (f.events) {
            assertTrue(f.events.stream().anyMatch(e -> e instanceof JobEvent.Cancelled && "c".equals(e.jobId())));
        }
        assertEquals(before, f.chain());
        f.assertContent(guest, f.drive.node());
        assertTrue(f.node(1).isReadOnly());
        f.assertQuiescentGraph();
    }

    @Test
    void smallerBackingFile() {
        ChainFixture f = chain();
        Node small = f.graph.addNode("small", new CowDriver(ChainFixture.SIZE / 2, ChainFixture.CLUSTER),
                Map.of("file", f.graph.addNode("small-file", new MemoryDriver(ChainFixture.SIZE / 2))));
        Node big = f.graph.addNode("big", new CowDriver(ChainFixture.SIZE, ChainFixture.CLUSTER),
                Map.of("file", f.graph.addNode("big-file", new MemoryDriver(ChainFixture.SIZE)), "backing", small));
        byte[] before = f.content(big);
        Job j = f.jobs.stream(StreamOptions.of("big").jobId("s"));
        f.await(j, JobStatus.NULL);
        assertNull(f.completed("s").error());
        assertNull(big.child("backing"));
        f.assertContent(before, big);
    }
}
