package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.ManualJobExecutor;
import org.junit.jupiter.api.Test;

/**
 * block-commit's {@code backing-mask-protocol}: when the commit drops the intermediate nodes, the overlay's image
 * header names the base with format {@code raw} if the base is a protocol node and the option is set, else with the
 * base's driver name; {@code backing-file} still gives the string. As for block-stream.
 */
class CommitBackingMaskProtocolTest {
    static final int CLUSTER = 64 * 1024;
    static final int SIZE = 4 * CLUSTER;

    private final BlockGraph g = new BlockGraph();
    private final ManualJobExecutor exec = new ManualJobExecutor(true);
    private final BlockJobs jobs = new BlockJobs(g, exec);
    private final List<JobEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private Node base;
    private Node top;

    CommitBackingMaskProtocolTest() {
        jobs.registry().subscribe(events::add);
    }

    /** drive0 = top ← mid ← base, where base is a protocol node (memory) or a cow format node. */
    private void chain(boolean protocolBase) {
        base = protocolBase ? g.addNode("base", new MemoryDriver(SIZE))
                : g.addNode("base", new CowDriver(SIZE, CLUSTER), Map.of("file",
                        g.addNode("base-file", new MemoryDriver(SIZE))));
        Node mid = g.addNode("mid", new CowDriver(SIZE, CLUSTER), Map.of("file",
                g.addNode("mid-file", new MemoryDriver(SIZE)), "backing", base));
        BlockBackend w = BlockBackend.create(g, null, mid, Permission.WRITE.bit(), Permission.ALL);
        w.write(CLUSTER, fill(512, 7));
        w.close();
        top = g.addNode("top", new CowDriver(SIZE, CLUSTER), Map.of("file",
                g.addNode("top-file", new MemoryDriver(SIZE)), "backing", mid));
        BlockBackend.create(g, "drive0", top, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                Permission.ALL);
        assertEquals("mid-file", top.backingFile());
    }

    private static byte[] fill(int len, int v) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private void run(CommitOptions o) {
        jobs.commit(o.jobId("c"));
        for (int guard = 0; jobs.registry().find("c").isPresent(); guard++) {
            assertTrue(guard < 100_000, "job still there: " + jobs.registry().queryJobs());
            if (!exec.runNext()) {
                long next = exec.nextDeadline();
                assertTrue(next >= 0, "nothing left to run");
                exec.advance(Math.max(0, next - exec.now()));
            }
        }
        JobEvent.Completed done = events.stream().filter(e -> e instanceof JobEvent.Completed)
                .map(e -> (JobEvent.Completed) e).findFirst().orElseThrow();
        assertNull(done.error());
        assertEquals(base, top.child("backing").node(), "mid was dropped");
        BlockBackend r = BlockBackend.create(g, null, base, 0, Permission.ALL);
        assertArrayEquals(fill(512, 7), r.read(CLUSTER, 512), "mid's data was committed into base");
        r.close();
    }

    @Test
    void aProtocolBaseIsRecordedAsRawWithTheOption() {
        chain(true);
        run(CommitOptions.of("drive0").top("mid-file").baseNode("base").backingMaskProtocol(true));
        assertEquals("base", top.backingFile());
        assertEquals("raw", top.backingFormat());
    }

    @Test
    void withoutTheOptionAProtocolBaseKeepsItsDriverName() {
        chain(true);
        run(CommitOptions.of("drive0").top("mid-file").baseNode("base"));
        assertEquals("base", top.backingFile());
        assertEquals("memory", top.backingFormat());
    }

    @Test
    void theOptionLeavesAFormatBaseAloneAndBackingFileStillNamesIt() {
        chain(false);
        run(CommitOptions.of("drive0").top("mid-file").baseNode("base").backingMaskProtocol(true)
                .backingFile("custom.img"));
        assertEquals("custom.img", top.backingFile());
        assertEquals("cow", top.backingFormat());
    }
}
