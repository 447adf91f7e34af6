package org.blockgraph.blockjob;

import static org.blockgraph.blockjob.ChainFixture.CLUSTER;
import static org.blockgraph.blockjob.ChainFixture.SIZE;
import static org.blockgraph.blockjob.ChainFixture.assertMsg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Errno;
import org.blockgraph.job.IoStatus;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.OnError;
import org.blockgraph.job.ManualJobExecutor;
import org.junit.jupiter.api.Test;

/**
 * iotest 030's single-drive classes (reference §3.6 "Other 030 classes"), scaled to 16 clusters of 64 KiB:
 * {@code drive0} = {@code test} ← {@code mid} ← {@code base}; base holds cluster 0, mid cluster 8 (512 KiB);
 * mid's file is a blkdebug node for the error classes. TestSingleDrive, TestEIO (each on-error policy),
 * TestENOSPC, TestSetSpeed, pause/resume, and wrong-state verbs on a real stream job. Jobs are stepped by hand
 * (the fake clock stands for 030's wall-clock waits), so every case is deterministic.
 */
class SingleDrive030Test {
    private final BlockGraph g = new BlockGraph();
    private final ManualJobExecutor exec = new ManualJobExecutor(true);
    private final BlockJobs jobs = new BlockJobs(g, exec);
    private final List<JobEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private final BlkdebugDriver midDebug = new BlkdebugDriver();
    private final Node base;
    private final Node mid;
    private final Node test;
    private final BlockBackend drive;

    SingleDrive030Test() {
        jobs.registry().subscribe(events::add);
        base = g.addNode("base", new CowDriver(SIZE, CLUSTER), Map.of("file", g.addNode("base-file",
                new MemoryDriver(SIZE))));
        write(base, 0, 1);
        g.reopenReadOnly(base, true);
        Node midFile = g.addNode("mid-file", new MemoryDriver(SIZE));
        Node midDbg = g.addNode("mid-dbg", midDebug, Map.of("image", midFile));
        mid = g.addNode("mid", new CowDriver(SIZE, CLUSTER), Map.of("file", midDbg, "backing", base));
        write(mid, 8 * CLUSTER, 1);
        g.reopenReadOnly(mid, true);
        test = g.addNode("test", new CowDriver(SIZE, CLUSTER), Map.of("file", g.addNode("test-file",
                new MemoryDriver(SIZE)), "backing", mid));
        drive = BlockBackend.create(g, "drive0", test, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                Permission.ALL);
    }

    private void write(Node n, long off, int v) {
        BlockBackend w = BlockBackend.create(g, null, n, Permission.WRITE.bit(), Permission.ALL);
        byte[] b = new byte[512];
        java.util.Arrays.fill(b, (byte) v);
        w.write(off, b);
        w.close();
    }

    private byte[] content(Node n) {
        BlockBackend r = BlockBackend.create(g, null, n, 0, Permission.ALL);
        try {
            return r.read(0, SIZE);
        } finally {
            r.close();
        }
    }

    private static boolean alloc(Node n, int cluster) {
        return n.driver().isAllocated(n, (long) cluster * CLUSTER);
    }

    /** Runs one task, or moves the fake clock to the next timer when none is ready. */
    private void stepOnce(String what) {
        if (!exec.runNext()) {
            long next = exec.nextDeadline();
            assertTrue(next >= 0, "nothing left to run while waiting for " + what + ": " + jobs.registry().queryJobs());
            exec.advance(Math.max(0, next - exec.now()));
        }
    }

    private void awaitGone(String id) {
        for (int guard = 0; jobs.registry().find(id).isPresent(); guard++) {
            assertTrue(guard < 100_000, "job " + id + " still there: " + jobs.registry().queryJobs());
            stepOnce("job " + id + " to end");
        }
    }

    private void await(Job j, JobStatus s) {
        for (int guard = 0; j.status() != s; guard++) {
            assertTrue(guard < 100_000, j.id() + " is " + j.state());
            stepOnce(j.id() + " to be " + s.qapiName());
        }
    }

    private JobEvent.Completed completed(String id) {
        synchronized (events) {
            return events.stream().filter(e -> e instanceof JobEvent.Completed && id.equals(e.jobId()))
                    .map(e -> (JobEvent.Completed) e).findFirst().orElseThrow();
        }
    }

    private List<JobEvent.Error> errors(String id) {
        synchronized (events) {
            return events.stream().filter(e -> e instanceof JobEvent.Error && id.equals(e.jobId()))
                    .map(e -> (JobEvent.Error) e).toList();
        }
    }

    @Test
    void streamWholeChain() {
        byte[] guest = content(test);
        jobs.stream(StreamOptions.of("drive0"));
        awaitGone("drive0");
        assertNull(completed("drive0").error());
        assertEquals(guest.length, content(test).length);
        assertTrue(java.util.Arrays.equals(guest, content(test)));
        assertTrue(alloc(test, 0) && alloc(test, 8) && !alloc(test, 1));
        assertNull(test.child("backing"), "streaming the whole chain leaves no backing");
    }

    @Test
    void streamIntermediate() {
        byte[] midBefore = content(mid);
        jobs.stream(StreamOptions.of("mid").jobId("stream-mid"));
        awaitGone("stream-mid");
        assertNull(completed("stream-mid").error());
        assertTrue(java.util.Arrays.equals(midBefore, content(mid)));
        assertTrue(alloc(mid, 0) && alloc(mid, 8));
        assertNull(mid.child("backing"));
        assertTrue(mid.isReadOnly(), "mid is read-only again");
        assertEquals(mid, test.child("backing").node());
    }

    @Test
    void streamPauseResume() {
        Job j = jobs.stream(StreamOptions.of("drive0").speed(1024));
        while (j.state().offset() == 0) {
            stepOnce("the first unit");
        }
        j.userPause();
        await(j, JobStatus.PAUSED);
        long offset = j.state().offset();
        assertTrue(offset > 0 && offset < j.state().len(), "paused mid-flight: " + j.state());
        // 030 waits half a second and checks the offset did not move: here the clock moves a minute and every
        // task that became due runs.
        exec.advance(60_000_000_000L);
        exec.runUntilIdle();
        assertEquals(JobStatus.PAUSED, j.status());
        assertEquals(offset, j.state().offset());
        assertMsg("Job is already paused", j::userPause);
        j.userResume();
        j.setSpeed(0);
        awaitGone("drive0");
        assertNull(completed("drive0").error());
    }

    @Test
    void streamNoOpAndPartial() {
        jobs.stream(StreamOptions.of("drive0").base("mid-file").jobId("noop"));
        awaitGone("noop");
        for (int c = 0; c < 16; c++) {
            assertTrue(!alloc(test, c), "no-op stream copied cluster " + c);
        }
        assertEquals(mid, test.child("backing").node());
        jobs.stream(StreamOptions.of("drive0").base("base-file").jobId("partial"));
        awaitGone("partial");
        assertTrue(alloc(test, 8) && !alloc(test, 0));
        assertEquals(base, test.child("backing").node());
        assertEquals("base-file", test.backingFile(), "the header names the new base's file");
        assertEquals("cow", test.backingFormat());
    }

    /**
     * TestSmallerBackingFile: a backing image much shorter than its overlay; the stream completes. Regression: the
     * stream asked the short backing whether clusters beyond its end were allocated, and the cow driver indexed
     * past its allocation map: the job failed with "Index 2 out of bounds for length 2".
     */
    @Test
    void smallerBackingFile() {
        Node small = g.addNode("small", new CowDriver(CLUSTER, CLUSTER), Map.of("file", g.addNode("small-file",
                new MemoryDriver(CLUSTER))));
        write(small, 0, 7);
        g.reopenReadOnly(small, true);
        Node big = g.addNode("big", new CowDriver(256L * CLUSTER, CLUSTER), Map.of("file", g.addNode("big-file",
                new MemoryDriver(256L * CLUSTER)), "backing", small));
        byte[] before = content(big, 256 * CLUSTER);
        jobs.stream(StreamOptions.of("big").jobId("stream-big"));
        awaitGone("stream-big");
        assertNull(completed("stream-big").error());
        assertTrue(alloc(big, 0) && !alloc(big, 1) && !alloc(big, 255));
        assertNull(big.child("backing"));
        assertTrue(java.util.Arrays.equals(before, content(big, 256 * CLUSTER)));
    }

    private byte[] content(Node n, int len) {
        BlockBackend r = BlockBackend.create(g, null, n, 0, Permission.ALL);
        try {
            return r.read(0, len);
        } finally {
            r.close();
        }
    }

    @Test
    void backingFileStrings() {
        assertEquals("mid-file", test.backingFile(), "created over mid: the header names mid's file");
        assertEquals("base-file", mid.backingFile());
        assertNull(base.backingFile());
        jobs.stream(StreamOptions.of("drive0").base("base-file").backingFile("custom.img").jobId("s"));
        awaitGone("s");
        assertNull(completed("s").error());
        assertEquals("custom.img", test.backingFile(), "block-stream's backing-file is recorded as given");
        assertEquals(base, test.child("backing").node());
        jobs.stream(StreamOptions.of("drive0").jobId("all"));
        awaitGone("all");
        assertNull(test.backingFile(), "streaming the whole chain clears the backing file");
        assertNull(test.backingFormat());
    }

    @Test
    void argumentErrorsChangeNothing() {
        var before = g.state();
        assertMsg("Cannot find device='nonexistent' nor node-name='nonexistent'",
                () -> jobs.stream(StreamOptions.of("nonexistent")));
        assertMsg("Invalid job ID ''", () -> jobs.stream(StreamOptions.of("mid")));
        assertMsg("Parameter 'speed' expects a non-negative value",
                () -> jobs.stream(StreamOptions.of("drive0").speed(-1)));
        assertMsg("'base' and 'bottom' cannot be specified at the same time",
                () -> jobs.stream(StreamOptions.of("drive0").base("base-file").bottom("mid")));
        assertMsg("'bottom' and 'base-node' cannot be specified at the same time",
                () -> jobs.stream(StreamOptions.of("drive0").baseNode("base").bottom("mid")));
        assertMsg("Can't find 'nope' in the backing chain",
                () -> jobs.stream(StreamOptions.of("drive0").base("nope")));
        assertMsg("Node 'mid-dbg' is a filter, use a non-filter node as 'bottom'",
                () -> jobs.stream(StreamOptions.of("drive0").bottom("mid-dbg")));
        assertMsg("Node 'test-file' is not in a chain starting from 'drive0'",
                () -> jobs.stream(StreamOptions.of("drive0").bottom("test-file")));
        assertMsg("backing file specified, but streaming the entire chain",
                () -> jobs.stream(StreamOptions.of("drive0").backingFile("x")));
        assertMsg("Device 'nonexistent' not found", () -> jobs.commit(CommitOptions.of("nonexistent")));
        assertMsg("'top-node' and 'top' are mutually exclusive",
                () -> jobs.commit(CommitOptions.of("drive0").top("mid-file").topNode("mid")));
        assertMsg("'base-node' and 'base' are mutually exclusive",
                () -> jobs.commit(CommitOptions.of("drive0").base("base-file").baseNode("base")));
        assertMsg("Top image file nope not found", () -> jobs.commit(CommitOptions.of("drive0").top("nope")));
        assertMsg("'base-file' is not in this backing file chain",
                () -> jobs.commit(CommitOptions.of("drive0").baseNode("base-file")));
        assertMsg("Can't find 'nope' in the backing chain",
                () -> jobs.commit(CommitOptions.of("drive0").base("nope")));
        assertMsg("cannot commit an image into itself",
                () -> jobs.commit(CommitOptions.of("drive0").topNode("mid").baseNode("mid")));
        assertMsg("There is no backimg image", () -> jobs.commit(CommitOptions.of("drive0").topNode("base")));
        assertMsg("'backing-file' specified, but 'top' is the active layer",
                () -> jobs.commit(CommitOptions.of("drive0").backingFile("x")));
        assertEquals(before, g.state());
        assertTrue(jobs.registry().jobs().isEmpty());
    }

    @Test
    void readOnlyTop() {
        Node roFile = g.addNode("ro-file", new MemoryDriver(SIZE), Map.of(), true);
        Node roTop = g.addNode("ro-top", new CowDriver(SIZE, CLUSTER), Map.of("file", roFile, "backing", mid), true);
        var before = g.state();
        assertMsg("Block node is read-only",
                () -> jobs.stream(StreamOptions.of("ro-top").baseNode("base").jobId("ro")));
        assertEquals(before, g.state());
        assertTrue(roTop.isReadOnly());
    }

    private void injectEio(int errno) {
        midDebug.addRule(new BlkdebugDriver.InjectError("read_aio", errno, 8L * CLUSTER, true, false,
                Set.of(BlkdebugDriver.IoType.READ)));
    }

    @Test
    void eioReport() {
        byte[] guest = content(test);
        injectEio(Errno.EIO);
        jobs.stream(StreamOptions.of("drive0"));
        awaitGone("drive0");
        JobEvent.Completed c = completed("drive0");
        assertEquals("Input/output error", c.error());
        assertEquals(8L * CLUSTER, c.offset());
        assertEquals(SIZE, c.len());
        assertEquals(1, errors("drive0").size());
        assertTrue(errors("drive0").get(0).read());
        assertEquals(mid, test.child("backing").node(), "a failed stream keeps the chain");
        assertTrue(java.util.Arrays.equals(guest, content(test)));
    }

    @Test
    void eioIgnore() {
        injectEio(Errno.EIO);
        jobs.stream(StreamOptions.of("drive0").onError(OnError.IGNORE));
        awaitGone("drive0");
        JobEvent.Completed c = completed("drive0");
        assertEquals("Input/output error", c.error());
        assertEquals(c.len(), c.offset());
        assertEquals(mid, test.child("backing").node());
    }

    @Test
    void eioStop() {
        injectEio(Errno.EIO);
        Job j = jobs.stream(StreamOptions.of("drive0").onError(OnError.STOP));
        await(j, JobStatus.PAUSED);
        assertEquals(8L * CLUSTER, j.state().offset());
        assertEquals(IoStatus.FAILED, j.state().ioStatus());
        j.userResume();
        assertEquals(IoStatus.OK, j.state().ioStatus());
        awaitGone("drive0");
        JobEvent.Completed c = completed("drive0");
        assertNull(c.error());
        assertEquals(c.len(), c.offset());
        assertNull(test.child("backing"));
    }

    @Test
    void eioWithEnospcPolicyReports() {
        injectEio(Errno.EIO);
        jobs.stream(StreamOptions.of("drive0").onError(OnError.ENOSPC));
        awaitGone("drive0");
        assertEquals("Input/output error", completed("drive0").error());
    }

    @Test
    void enospcStopsThenCompletes() {
        injectEio(Errno.ENOSPC);
        Job j = jobs.stream(StreamOptions.of("drive0").onError(OnError.ENOSPC));
        await(j, JobStatus.PAUSED);
        assertEquals(IoStatus.NOSPACE, j.state().ioStatus());
        j.userResume();
        awaitGone("drive0");
        assertNull(completed("drive0").error());
    }

    @Test
    void setSpeedAndWrongStateVerbs() {
        Job j = jobs.stream(StreamOptions.of("drive0").speed(1024));
        assertEquals(1024, jobs.registry().queryBlockJobs().get(0).speed());
        j.setSpeed(2048);
        assertEquals(2048, jobs.registry().queryBlockJobs().get(0).speed());
        assertMsg("Parameter 'speed' expects a non-negative value", () -> j.setSpeed(-1));
        var before = g.state();
        String st = j.status().qapiName();
        assertMsg("Job 'drive0' in state '" + st + "' cannot accept command verb 'complete'", j::complete);
        assertMsg("Job 'drive0' in state '" + st + "' cannot accept command verb 'finalize'", j::finalizeJob);
        assertMsg("Job 'drive0' in state '" + st + "' cannot accept command verb 'dismiss'", j::dismiss);
        assertMsg("Can't resume a job that was not paused", j::userResume);
        assertEquals(before, g.state());
        j.setSpeed(0);
        awaitGone("drive0");
    }

    @Test
    void cancelLeavesChainAndData() {
        byte[] guest = content(test);
        Job j = jobs.stream(StreamOptions.of("drive0").speed(1024));
        j.cancel(true);
        awaitGone("drive0");
        synchronized (events) {
            assertTrue(events.stream().anyMatch(e -> e instanceof JobEvent.Cancelled));
        }
        assertEquals(mid, test.child("backing").node());
        assertEquals(test, drive.node());
        assertTrue(java.util.Arrays.equals(guest, content(test)));
        assertTrue(mid.isReadOnly() && base.isReadOnly());
    }
}
