package org.blockgraph.io;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Parent;
import org.blockgraph.graph.ParentKind;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;
import org.blockgraph.lock.BenchmarkOnly;
import org.blockgraph.lock.GraphLock;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;

/**
 * A BlockBackend: how a device (or a job) submits requests to a node. It is a {@link Parent} of kind
 * {@code BLOCK_BACKEND} through its {@code root} edge (upstream's {@code child_root} class).
 *
 * <p>Spec/drain: {@code BlkSubmit}, {@code BlkPark}, {@code BlkUnpark}, {@code GraphRdlock} (the drain check passed
 * and the request enters its root node), {@code ReqDescend} (from a node into a child), {@code ReqComplete} (which
 * includes the read unlock). A request takes an in-flight reference, then, if the BlockBackend is quiesced and request
 * queuing is enabled, parks: it drops the reference (so a drain can finish) and waits until the drained section
 * ends (reference §1.4). Only then does it take the graph read lock and walk down the graph.
 *
 * <p>In-flight vs. quiesce counter is a Dekker pair: a request increments {@code inFlight} and then reads
 * {@code quiesceCounter}; a drain increments {@code quiesceCounter} and then polls {@code inFlight}. So either the
 * request parks or the drain waits for it; no request enters the graph under an established drained section.
 *
 * <p>The synchronous API runs the request on the caller's thread; {@link #submit} runs it on an {@link IoThread}
 * and completes the future there, with at most {@link #maxQueueDepth()} requests submitted and not completed.
 */
public final class BlockBackend implements Parent {
    /** Device callbacks ({@code BlockDevOps}): told when the device must stop and may restart submitting. */
    public interface DeviceOps {
        /** The BlockBackend's quiesce counter went 0→1. */
        default void drainedBegin() {
        }

        /**
         * Whether the device still has activity a drain must wait for.
         * @return true while the device has requests a drain must still wait for
         */
        default boolean drainedPoll() {
            return false;
        }

        /** The quiesce counter went 1→0. */
        default void drainedEnd() {
        }
    }

    private final BlockGraph graph;
    private final String name;
    private final TraceSink trace;
    private final GraphLock graphLock;
    private volatile Child root;
    private volatile int perm;
    private volatile int shared;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger quiesceCounter = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicLong requestSeq = new AtomicLong();
    private final ReentrantLock queuedLock = new ReentrantLock();
    private final Condition unquiesced = queuedLock.newCondition();
    /**
     * Bumped (under {@link #queuedLock}) each time parked requests are restarted. A parked request waits for a new
     * epoch, not merely for the counter to read 0, so it cannot resume before the control operation that ended
     * the drained section has committed (and traced) it: see {@link #drainedEnd(Child)}.
     */
    private long restartEpoch;
    private volatile boolean disableRequestQueuing;
    private volatile boolean pollIgnoresInFlight;
    private volatile DeviceOps devOps = new DeviceOps() { };
    private final int maxQueueDepth;
    private final Semaphore slots;
    private volatile boolean closed;

    /**
     * Creates a BlockBackend without a node.
     *
     * @param graph         the graph
     * @param name          the device name (registered in the graph's namespace), or null for an unnamed one
     * @param perm          permissions it needs on its node
     * @param shared        permissions it shares with the node's other parents
     * @param maxQueueDepth bound on asynchronous requests submitted and not completed
     */
    public BlockBackend(BlockGraph graph, String name, int perm, int shared, int maxQueueDepth) {
        if (maxQueueDepth < 1) {
            throw new IllegalArgumentException("queue depth must be at least 1");
        }
        this.graph = graph;
        this.name = name;
        this.trace = graph.trace();
        this.graphLock = graph.graphLock();
        this.perm = Permission.check(perm);
        this.shared = Permission.check(shared);
        this.maxQueueDepth = maxQueueDepth;
        this.slots = new Semaphore(maxQueueDepth);
        if (name != null) {
            graph.registerDevice(name, this);
        }
    }

    /**
     * A BlockBackend named {@code name} on {@code node} with queue depth 64; refused changes leave nothing.
     * @param graph the graph the BlockBackend attaches to
     * @param name the device name to register, or null for an anonymous BlockBackend
     * @param node the root node to attach
     * @param perm the permissions taken on the node ({@link org.blockgraph.graph.Permission} bits)
     * @param shared the permissions shared with other parents of the node
     * @return the new BlockBackend, attached to {@code node}
     */
    public static BlockBackend create(BlockGraph graph, String name, Node node, int perm, int shared) {
        BlockBackend blk = new BlockBackend(graph, name, perm, shared, 64);
        try {
            blk.insert(node);
        } catch (RuntimeException e) {
            blk.close();
            throw e;
        }
        return blk;
    }

    /**
     * Attaches the node ({@code blk_insert_bs}).
     * @param node the node to attach as root, with this BlockBackend's permissions
     * @throws IllegalStateException if a node is already attached
     */
    public void insert(Node node) {
        if (root != null) {
            throw new IllegalStateException(describe() + " already has a node");
        }
        root = graph.attachParent(this, "root", Role.FILTERED_PRIMARY, node, perm, shared);
    }

    /** Detaches the node ({@code blk_remove_bs}), draining it first. */
    public void remove() {
        Child r = root;
        if (r != null) {
            graph.detachParent(r);
            root = null;
        }
    }

    /** Detaches the node and releases the device name. */
    public void close() {
        if (!closed) {
            closed = true;
            remove();
            if (name != null) {
                graph.unregisterDevice(name, this);
            }
        }
    }

    /**
     * Changes the permissions ({@code blk_set_perm}); all or nothing.
     * @param newPerm the permissions to take on the root node
     * @param newShared the permissions to share with the node's other parents
     */
    public void setPermissions(int newPerm, int newShared) {
        Child r = root;
        if (r != null) {
            graph.setParentPermissions(r, newPerm, newShared);
        }
        perm = newPerm;
        shared = newShared;
    }

    /**
     * Job BlockBackends disable queuing: their requests run even while quiesced (the job pauses instead).
     * @param disable true to let requests through while quiesced
     */
    public void setDisableRequestQueuing(boolean disable) {
        disableRequestQueuing = disable;
    }

    /**
     * A deliberately broken variant, for tests of the checkers only: the BlockBackend's drained_poll no longer
     * reports its in-flight requests, so a drain can end while a request that passed its drain check has not yet
     * entered the graph (it then runs inside the drained section). The invariant oracle or trace validation must
     * catch it (spec/drain: DrainPollDone is not enabled while a BlockBackend above has a request in flight).
     * @param broken true to break drained_poll, false for the correct behaviour
     */
    public void setPollIgnoresInFlight(boolean broken) {
        pollIgnoresInFlight = broken;
    }

    /**
     * Installs device callbacks.
     * @param ops the callbacks, or null for callbacks that do nothing
     */
    public void setDeviceOps(DeviceOps ops) {
        devOps = ops == null ? new DeviceOps() { } : ops;
    }

    /**
     * The device name, or null.
     * @return the registered device name, or null for an anonymous BlockBackend
     */
    public String name() {
        return name;
    }

    /**
     * The root node, or null.
     * @return the attached root node, or null when none is attached
     */
    public Node node() {
        Child r = root;
        return r == null ? null : r.node();
    }

    /**
     * The root edge, or null.
     * @return the edge to the root node, or null when none is attached
     */
    public Child rootEdge() {
        return root;
    }

    /**
     * Requests holding an in-flight reference.
     * @return the number of requests currently in flight
     */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * The BlockBackend's quiesce counter.
     * @return the current quiesce counter (0 when not quiesced)
     */
    public int quiesceCounter() {
        return quiesceCounter.get();
    }

    /**
     * Requests parked while quiesced.
     * @return the number of requests waiting for the quiesced section to end
     */
    public int parkedRequests() {
        return parked.get();
    }

    /**
     * The asynchronous queue depth bound.
     * @return the largest number of outstanding asynchronous requests
     */
    public int maxQueueDepth() {
        return maxQueueDepth;
    }

    /**
     * The node's length, or 0 without a node.
     * @return the root node's length in bytes, or 0 without a node
     */
    public long length() {
        graphLock.rdlock();
        try {
            Child r = root;
            return r == null || r.node() == null ? 0 : r.length();
        } finally {
            graphLock.rdunlock();
        }
    }

    // ---- Parent (child_root) ----

    @Override
    public ParentKind kind() {
        return ParentKind.BLOCK_BACKEND;
    }

    @Override
    public String describe() {
        return name == null ? "an unnamed block device" : "block device '" + name + "'";
    }

    @Override
    public void drainedBegin(Child edge) {
        if (quiesceCounter.getAndIncrement() == 0) {
            devOps.drainedBegin();
        }
    }

    @Override
    public boolean drainedPoll(Child edge) {
        return devOps.drainedPoll() || (!pollIgnoresInFlight && inFlight.get() != 0);
    }

    @Override
    public void drainedEnd(Child edge) {
        int left = quiesceCounter.decrementAndGet();
        if (left < 0) {
            quiesceCounter.incrementAndGet();
            throw new IllegalStateException(describe() + " is not quiesced");
        }
        if (left == 0) {
            devOps.drainedEnd();
            // Restart parked requests only once the enclosing control operation is over: upstream restarts them
            // from the main loop after drained_end, and a restart here would let BlkUnpark be observed (and
            // traced) before the DrainedEnd that enabled it, which the graph traces after all its callbacks ran.
            graph.controlLock().execute(this::restartQueued);
        }
    }

    /** {@code blk_root_drained_end}'s restart of the queued requests, run under the control lock. */
    private void restartQueued() {
        queuedLock.lock();
        try {
            restartEpoch++;
            unquiesced.signalAll();
        } finally {
            queuedLock.unlock();
        }
    }

    @Override
    public String drainState() {
        return "qc=" + quiesceCounter.get() + " inFlight=" + inFlight.get() + " parked=" + parked.get();
    }

    // ---- synchronous API ----

    /**
     * Reads {@code len} bytes at {@code offset} into {@code buf[off..]}.
     * @param offset the byte offset to read from
     * @param buf the buffer to fill
     * @param off the first index of {@code buf} to fill
     * @param len the number of bytes to read
     */
    public void read(long offset, byte[] buf, int off, int len) {
        run(IoRequest.Type.READ, offset, len, buf, off, 0);
    }

    /**
     * Reads {@code len} bytes at {@code offset}.
     * @param offset the byte offset to read from
     * @param len the number of bytes to read
     * @return a new buffer holding the bytes read
     */
    public byte[] read(long offset, int len) {
        byte[] buf = new byte[len];
        read(offset, buf, 0, len);
        return buf;
    }

    /**
     * Writes {@code data} at {@code offset}.
     * @param offset the byte offset to write at
     * @param data the bytes to write
     */
    public void write(long offset, byte[] data) {
        run(IoRequest.Type.WRITE, offset, data.length, data, 0, 0);
    }

    /**
     * Writes {@code len} bytes from {@code buf[off..]} at {@code offset} with request flags.
     * @param offset the byte offset to write at
     * @param buf the buffer holding the data
     * @param off the first index of {@code buf} to write
     * @param len the number of bytes to write
     * @param flags request flags ({@link org.blockgraph.graph.IoFlags})
     */
    public void write(long offset, byte[] buf, int off, int len, int flags) {
        run(IoRequest.Type.WRITE, offset, len, buf, off, flags);
    }

    /**
     * Makes a range read as zeroes.
     * @param offset the byte offset of the range
     * @param len the length of the range in bytes
     * @param flags request flags ({@link org.blockgraph.graph.IoFlags}), e.g. whether unmapping is allowed
     */
    public void writeZeroes(long offset, long len, int flags) {
        run(IoRequest.Type.WRITE_ZEROES, offset, len, null, 0, flags);
    }

    /**
     * Discards a range.
     * @param offset the byte offset of the range
     * @param len the length of the range in bytes
     */
    public void discard(long offset, long len) {
        run(IoRequest.Type.DISCARD, offset, len, null, 0, 0);
    }

    /** Flushes. */
    public void flush() {
        run(IoRequest.Type.FLUSH, 0, 0, null, 0, 0);
    }

    /**
     * Runs a request on the caller's thread.
     * @param req the request; a read fills its buffer
     */
    public void execute(IoRequest req) {
        run(req.type(), req.offset(), req.length(), req.buffer(), 0, req.flags());
    }

    // ---- asynchronous API ----

    /**
     * Runs {@code req} on {@code ctx}'s thread; the future completes there. Blocks while {@link #maxQueueDepth()}
     * requests are outstanding, unless called from {@code ctx}'s own thread, which is refused instead (it would
     * wait for itself).
     * @param ctx the I/O context that runs the request and completes the future
     * @param req the request to run
     * @return a future completed with {@code req} on {@code ctx}'s thread, or exceptionally with the request's error
     * @throws IllegalStateException if called on {@code ctx}'s thread while the queue is full, or if {@code ctx}
     *         is closed
     */
    public CompletableFuture<IoRequest> submit(IoThread ctx, IoRequest req) {
        if (ctx.inThisThread()) {
            if (!slots.tryAcquire()) {
                throw new IllegalStateException("queue depth " + maxQueueDepth + " reached on " + describe());
            }
        } else {
            slots.acquireUninterruptibly();
        }
        CompletableFuture<IoRequest> done = new CompletableFuture<>();
        try {
            ctx.execute(() -> {
                try {
                    execute(req);
                    slots.release();
                    done.complete(req);
                } catch (Throwable t) {
                    slots.release();
                    done.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        return done;
    }

    // ---- the request path ----

    private void run(IoRequest.Type type, long offset, long len, byte[] buf, int off, int flags) {
        if (BenchmarkOnly.NO_IO_ACCOUNTING) {
            dispatch(type, offset, len, buf, off, flags); // benchmark-only: no lock, no accounting, no parking
            return;
        }
        // Tracing is decided once per request, so a request's lock discipline never changes half way.
        final boolean tr = trace.enabled();
        long id = 0;
        if (tr) {
            id = requestSeq.incrementAndGet();
            Lock order = trace.order();
            order.lock(); // BlkSubmit atomic with a drain poll's last check (DrainPollDone)
            try {
                inFlight.incrementAndGet();
                trace.emit(SpecAction.BlkSubmit, Map.of("blk", describe(), "req", id,
                        "thread", Thread.currentThread().getName(), "op", type.name()),
                        Map.of("blkInFlight", inFlight.get()));
            } finally {
                order.unlock();
            }
        } else {
            inFlight.incrementAndGet(); // volatile RMW, then volatile read of quiesceCounter (Dekker with drain)
        }
        try {
            enter(id, tr);
            try {
                dispatch(type, offset, len, buf, off, flags);
            } finally {
                if (tr) {
                    // Before the read unlock: a writer's GraphWrlock (Readers = {}) can only follow (diary 1).
                    trace.emit(SpecAction.ReqComplete, Map.of("blk", describe(), "req", id),
                            Map.of("blkInFlight", inFlight.get() - 1));
                }
                graphLock.rdunlock();
            }
        } finally {
            inFlight.decrementAndGet();
            graph.aioWait().kick();
        }
    }

    /**
     * Waits while drained, then takes the graph read lock (spec {@code GraphRdlock}). Untraced: the drain check,
     * then the lock. Traced: the check, the lock, then the check again together with the emit under the order lock,
     * so the event cannot land after a {@code DrainedBegin} that it logically precedes (diary 3); if a drain began
     * between the check and the lock, the lock is given back and the request parks.
     */
    private void enter(long id, boolean tr) {
        while (true) {
            waitWhileDrained(id, tr);
            graphLock.rdlock();
            if (!tr) {
                return;
            }
            Lock order = trace.order();
            order.lock();
            try {
                if (quiesceCounter.get() == 0 || disableRequestQueuing) {
                    trace.emit(SpecAction.GraphRdlock, Map.of("thread", Thread.currentThread().getName(), "req", id,
                            "blk", describe()), Map.of("blkInFlight", inFlight.get()));
                    return;
                }
            } finally {
                order.unlock();
            }
            graphLock.rdunlock();
        }
    }

    /** The request's walk into the root node; the caller holds the graph read lock and an in-flight reference. */
    private void dispatch(IoRequest.Type type, long offset, long len, byte[] buf, int off, int flags) {
        Child r = root;
        Node n = r == null ? null : r.node();
        if (n == null) {
            throw new BlockIoException(BlockIoException.ENOMEDIUM, "No medium found");
        }
        if (type != IoRequest.Type.FLUSH) {
            checkRange(n, offset, len);
        }
        switch (type) {
            case READ -> r.read(offset, buf, off, (int) len, flags);
            case WRITE -> r.write(offset, buf, off, (int) len, flags);
            case WRITE_ZEROES -> r.writeZeroes(offset, len, flags);
            case DISCARD -> r.discard(offset, len);
            case FLUSH -> r.flush();
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    private static void checkRange(Node n, long offset, long len) {
        long size = n.length();
        if (offset < 0 || len < 0 || offset > size || size - offset < len) {
            throw new BlockIoException(BlockIoException.EIO, "Input/output error: request " + offset + "+" + len
                    + " is outside the device (" + size + " bytes)");
        }
    }

    /**
     * {@code blk_wait_while_drained}, as a loop so a drain that begins as we resume is honoured too. Traced, the
     * park check and {@code BlkPark} (emitted before the in-flight reference is dropped, so no drain poll can
     * finish first: diary 2), and the restart check and {@code BlkUnpark} are each one step under the order lock
     * (diary 3); a request woken by a restart that finds a new drained section already begun stays parked.
     */
    private void waitWhileDrained(long id, boolean tr) {
        while (quiesceCounter.get() > 0 && !disableRequestQueuing) {
            Lock order = tr ? trace.order() : null;
            if (tr) {
                order.lock(); // taken before queuedLock, always
            }
            boolean orderHeld = tr;
            queuedLock.lock();
            try {
                if (quiesceCounter.get() == 0) {
                    continue; // the loop condition now ends the wait
                }
                parked.incrementAndGet();
                if (tr) {
                    trace.emit(SpecAction.BlkPark, Map.of("blk", describe(), "req", id),
                            Map.of("blkInFlight", inFlight.get() - 1));
                    order.unlock();
                    orderHeld = false;
                }
                inFlight.decrementAndGet();
                graph.aioWait().kick();
                long epoch = restartEpoch;
                while (true) {
                    while (quiesceCounter.get() > 0 || restartEpoch == epoch) {
                        unquiesced.awaitUninterruptibly();
                    }
                    if (!tr) {
                        break;
                    }
                    queuedLock.unlock(); // re-take in lock order: the order lock first
                    order.lock();
                    orderHeld = true;
                    queuedLock.lock();
                    if (quiesceCounter.get() == 0) {
                        break;
                    }
                    order.unlock(); // a new drained section began: wait for its restart
                    orderHeld = false;
                    epoch = restartEpoch;
                }
                inFlight.incrementAndGet();
                parked.decrementAndGet();
                if (tr) {
                    trace.emit(SpecAction.BlkUnpark, Map.of("blk", describe(), "req", id),
                            Map.of("blkInFlight", inFlight.get()));
                }
            } finally {
                queuedLock.unlock();
                if (orderHeld) {
                    order.unlock();
                }
            }
        }
    }
}
