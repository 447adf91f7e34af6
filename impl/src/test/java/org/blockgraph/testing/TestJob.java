package org.blockgraph.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Parent;
import org.blockgraph.graph.ParentKind;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;
import org.blockgraph.io.BlockBackend;

/**
 * A minimal job-kind parent with upstream's pause points ({@code pause_count}, {@code paused}, {@code busy},
 * {@code child_job} drain callbacks, reference §1.5), running steps on its own thread. The real job framework lives
 * in {@code org.blockgraph.job}; this one exists so the core's drain tests cover the job kind.
 */
public final class TestJob implements Parent {
    private final BlockGraph graph;
    private final String id;
    private final Object lock = new Object();
    private final AtomicInteger pauseCount = new AtomicInteger();
    private volatile boolean paused;
    private volatile boolean busy;
    private volatile boolean completed;
    private volatile boolean stop;
    private final AtomicLong steps = new AtomicLong();
    private final List<Child> edges = new ArrayList<>();
    private BlockBackend blk;
    private Thread thread;

    public TestJob(BlockGraph graph, String id) {
        this.graph = graph;
        this.id = id;
    }

    /** Adds a job edge ({@code block_job_add_bdrv}): no permissions needed, all shared. */
    public Child addNode(String edgeName, Node node) {
        Child c = graph.attachParent(this, edgeName, Role.NONE, node, 0, Permission.ALL);
        edges.add(c);
        return c;
    }

    /** Gives the job a BlockBackend on {@code node} with queuing disabled, as stream/commit do; steps read it. */
    public BlockBackend useBlockBackend(Node node) {
        blk = BlockBackend.create(graph, null, node, Permission.CONSISTENT_READ.bit(), Permission.ALL);
        blk.setDisableRequestQueuing(true);
        return blk;
    }

    /** Starts the job's thread (RUNNING: busy, pause_count 0). */
    public void start() {
        busy = true;
        thread = new Thread(this::run, "job-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stop) {
                if (blk != null) {
                    blk.read(0, 512);
                } else {
                    LockSupport.parkNanos(100_000);
                }
                steps.incrementAndGet();
                pausePoint();
            }
        } finally {
            completed = true;
            busy = false;
            graph.aioWait().kick();
        }
    }

    /** {@code job_pause_point}: stop here while paused; not busy while stopped. */
    private void pausePoint() {
        synchronized (lock) {
            if (pauseCount.get() > 0 && !stop) {
                paused = true;
                busy = false;
                graph.aioWait().kick();
                while (pauseCount.get() > 0 && !stop) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                paused = false;
                busy = true;
            }
        }
    }

    /** Stops the thread, detaches the edges and the BlockBackend. */
    public void finish() throws InterruptedException {
        stop = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (thread != null) {
            thread.join(10_000);
        }
        for (Child c : edges) {
            graph.detachParent(c);
        }
        edges.clear();
        if (blk != null) {
            blk.close();
        }
    }

    public int pauseCount() {
        return pauseCount.get();
    }

    public boolean paused() {
        return paused;
    }

    public boolean busy() {
        return busy;
    }

    public long steps() {
        return steps.get();
    }

    /** Waits (bounded) until the job runs again after its pause count dropped to zero. */
    public boolean awaitBusy(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!busy && System.currentTimeMillis() < deadline) {
            Thread.sleep(1);
        }
        return busy;
    }

    @Override
    public ParentKind kind() {
        return ParentKind.JOB;
    }

    @Override
    public String describe() {
        return "test job '" + id + "'";
    }

    @Override
    public void drainedBegin(Child edge) {
        pauseCount.incrementAndGet(); // job_pause; the running loop reaches its next pause point by itself
    }

    @Override
    public boolean drainedPoll(Child edge) {
        return busy && !completed;
    }

    @Override
    public void drainedEnd(Child edge) {
        synchronized (lock) {
            if (pauseCount.decrementAndGet() == 0) {
                lock.notifyAll();
            }
        }
    }

    @Override
    public String drainState() {
        return "pause_count=" + pauseCount.get();
    }
}
