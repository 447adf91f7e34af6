package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.blockgraph.chain.Chains;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobEvent;
import org.blockgraph.job.JobExecutor;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.JobTask;
import org.blockgraph.job.ManualJobExecutor;
import org.blockgraph.job.ThreadPoolJobExecutor;

/**
 * A chain {@code node0 ← node1 ← … ← node<n-1>} of {@code cow} images (file children {@code img<i>}), clusters of
 * 64 KiB, 16 clusters each, the backing nodes read-only as iotest 030 opens them, the top attached to the
 * writable device {@code drive0}.
 */
final class ChainFixture implements AutoCloseable {
    static final int CLUSTER = 65536;
    static final int CLUSTERS = 16;
    static final int SIZE = CLUSTER * CLUSTERS;

    final BlockGraph graph = new BlockGraph();
    final JobExecutor exec;
    final BlockJobs jobs;
    final List<Node> nodes = new ArrayList<>();
    final BlockBackend drive;
    final List<JobEvent> events = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param allocation allocation.get(i) = the clusters node i holds; node i's data in cluster c is byte
     *                   {@code 16 * i + c + 1}
     */
    ChainFixture(List<int[]> allocation) {
        this(allocation, new ThreadPoolJobExecutor(2));
    }

    ChainFixture(List<int[]> allocation, JobExecutor executor) {
        this.exec = executor;
        this.jobs = new BlockJobs(graph, executor);
        jobs.registry().subscribe(events::add);
        Node below = null;
        for (int i = 0; i < allocation.size(); i++) {
            Node file = graph.addNode("img" + i, new MemoryDriver(SIZE));
            Node n = below == null ? graph.addNode("node" + i, new CowDriver(SIZE, CLUSTER), Map.of("file", file))
                    : graph.addNode("node" + i, new CowDriver(SIZE, CLUSTER), Map.of("file", file, "backing", below));
            BlockBackend w = BlockBackend.create(graph, null, n, Permission.CONSISTENT_READ.bit()
                    | Permission.WRITE.bit(), Permission.ALL);
            for (int c : allocation.get(i)) {
                w.write((long) c * CLUSTER, fill(16 * i + c + 1));
            }
            w.close();
            if (i < allocation.size() - 1) {
                graph.reopenReadOnly(n, true);
            }
            nodes.add(n);
            below = n;
        }
        drive = BlockBackend.create(graph, "drive0", below, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
    }

    /**
     * The same chain with jobs stepped by hand ({@link ManualJobExecutor} whose drains run parking entries): a
     * "throttled" job is one the test does not step, so every interleaving is fixed by the test.
     */
    static ChainFixture manual(List<int[]> allocation) {
        return new ChainFixture(allocation, new ManualJobExecutor(true));
    }

    /** The hand-stepped executor (fails for a pool fixture). */
    ManualJobExecutor manual() {
        if (exec instanceof ManualJobExecutor m) {
            return m;
        }
        throw new AssertionError("not a hand-stepped fixture");
    }

    private boolean hasEntry(Job j) {
        return manual().ready().stream().anyMatch(t -> t.job() == j && t.kind() == JobTask.Kind.ENTRY);
    }

    /**
     * Steps {@code j} (speed limited) until it copied a unit and sleeps on its rate limit; asserts it is then
     * provably mid-flight: running, some progress, not at the end, no completion event yet.
     *
     * @return the job's offset
     */
    long stepUntilThrottled(Job j) {
        int guard = 0;
        while (hasEntry(j)) {
            manual().runNext(j);
            if (++guard > 10_000) {
                throw new AssertionError(j.id() + " never slept: " + j.state());
            }
        }
        var st = j.state();
        assertEquals(JobStatus.RUNNING, st.status(), () -> j.id() + ": " + st);
        assertTrue(st.offset() > 0 && st.offset() < st.len(), () -> j.id() + " not mid-flight: " + st);
        assertTrue(eventNames(j.id()).isEmpty(), () -> j.id() + " sent " + eventNames(j.id()));
        return st.offset();
    }

    static byte[] fill(int v) {
        byte[] b = new byte[CLUSTER];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    Node node(int i) {
        return nodes.get(i);
    }

    /** The guest-visible content of {@code n} (read through a temporary BlockBackend). */
    byte[] content(Node n) {
        BlockBackend r = BlockBackend.create(graph, null, n, 0, Permission.ALL);
        try {
            return r.read(0, SIZE);
        } finally {
            r.close();
        }
    }

    /** Node names from the device's root down (filters included). */
    List<String> chain() {
        return Chains.chain(drive.node()).stream().map(Node::name).collect(Collectors.toList());
    }

    List<String> chainOf(Node n) {
        return Chains.chain(n).stream().map(Node::name).collect(Collectors.toList());
    }

    /**
     * Runs every job to its end: a hand-stepped fixture steps all tasks (moving the fake clock to the next timer
     * when nothing is ready); a pool fixture waits until every job left the registry (a drain needs the jobs to
     * reach a pause point, so they cannot be stepped by the thread that drains).
     */
    void runAll() {
        if (exec instanceof ManualJobExecutor m) {
            m.runUntilQuiet();
            assertTrue(jobs.registry().jobs().isEmpty(), () -> "jobs left: " + jobs.registry().queryJobs());
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!jobs.registry().jobs().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jobs still running: " + jobs.registry().queryJobs());
            }
            sleep();
        }
    }

    /** Runs (hand-stepped) or waits (pool) until {@code job} is in {@code status}. */
    void await(Job job, JobStatus status) {
        if (exec instanceof ManualJobExecutor m) {
            int guard = 0;
            while (job.status() != status) {
                if (!m.runNext()) {
                    long next = m.nextDeadline();
                    if (next < 0) {
                        throw new AssertionError(job.id() + " is " + job.state() + ", expected " + status
                                + " and nothing is left to run; all: " + jobs.registry().queryJobs());
                    }
                    m.advance(Math.max(0, next - m.now()));
                }
                if (++guard > 1_000_000) {
                    throw new AssertionError(job.id() + " never reached " + status);
                }
            }
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (job.status() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(job.id() + " is " + job.state() + ", expected " + status + "; all: " + jobs.registry().queryJobs());
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (exec instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every event of job {@code id} in order, status changes as {@code JOB_STATUS_CHANGE:<status>}. */
    List<String> allEvents(String id) {
        synchronized (events) {
            return events.stream().filter(e -> id.equals(e.jobId())).map(e -> e instanceof JobEvent.StatusChange sc
                    ? e.name() + ":" + sc.status().qapiName() : e.name()).collect(Collectors.toList());
        }
    }

    List<String> eventNames(String id) {
        synchronized (events) {
            return events.stream().filter(e -> id.equals(e.jobId()) && !(e instanceof JobEvent.StatusChange))
                    .map(JobEvent::name).collect(Collectors.toList());
        }
    }

    JobEvent.Completed completed(String id) {
        synchronized (events) {
            return events.stream().filter(e -> e instanceof JobEvent.Completed && id.equals(e.jobId()))
                    .map(e -> (JobEvent.Completed) e).findFirst().orElseThrow(() -> new AssertionError(
                            "no BLOCK_JOB_COMPLETED for " + id + ": " + events));
        }
    }

    /** Once every job concluded: no frozen link, no job blocker, no job edge left anywhere. */
    void assertQuiescentGraph() {
        for (Node n : graph.nodes()) {
            for (Child c : n.children()) {
                assertTrue(!c.isFrozen(), "frozen link left: " + c);
            }
            assertTrue(!OpBlockers.of(graph).hasJobBlocker(n), "job blocker left on " + n.name());
        }
        for (Child c : graph.rootEdges()) {
            assertTrue(c.parent() instanceof BlockBackend, "job edge left: " + c);
        }
        assertTrue(jobs.registry().jobs().isEmpty(), "jobs left: " + jobs.registry().jobs());
    }

    void assertContent(byte[] expected, Node n) {
        assertArrayEquals(expected, content(n), "content of " + n.name());
    }

    static void assertMsg(String expected, Runnable r) {
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, r::run);
        assertEquals(expected, e.getMessage());
    }
}
