package org.blockgraph.trace;

import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphState;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;

/**
 * Runs a generated drain-family command sequence on the real core, concurrently, and records its trace
 * (spec/drain actions). Guest reads and writes are submitted to several I/O threads and run there WHILE the control
 * thread goes on with drained sections, drain_all, graph changes (attach / replace / detach a backing child,
 * reopen backing, insert / remove a filter above the device's node, snapshot, delete node) and injected I/O errors
 * (a blkdebug rule on the overlay's file); requests submitted into a quiesced BlockBackend park and resume after the
 * drained section ends. Invalid commands come at a steady rate (every fifth step): each must be refused and leave
 * the graph's structure unchanged. After every step the invariant oracle ({@link DrainInvariants}) checks the core.
 *
 * <p>Each command is chosen among those that make sense in the current state: {@link #choose} interprets a free
 * integer against the state, so any list of integers is a valid sequence (what QuickTheories generates and what
 * delta debugging shrinks). The command sequence is deterministic; the interleaving of the I/O threads with it is
 * not, and every interleaving must be a behaviour of spec/drain.
 *
 * <p>Nodes created during the run (filters, snapshot overlays) take their names from a pool declared in the trace
 * header: spec/drain has a fixed node set, so such a node is, for the spec, an isolated live node from the start.
 */
public final class TraceRecorder implements AutoCloseable {

    /** What a run did. */
    public record Result(int steps, int refused, long events, List<String> violations, List<String> log) {
    }

    /** The core under test: the real one, or a deliberately broken variant that the checkers must catch. */
    public enum Variant {
        /** The core as it is. */
        CORRECT,
        /**
         * The core as it is, driven sequentially: each guest request completes before the next command and is
         * issued only while nothing is drained (the recorder's first cut). Its traces depend on the choices only,
         * which doctored-trace tests need.
         */
        SEQUENTIAL_IO,
        /**
         * Request queuing disabled ({@code blk_set_disable_request_queuing}) and guest I/O issued inside drained
         * sections, so requests run on drained nodes (spec: GraphRdlock is not enabled while quiesced).
         */
        IO_WHILE_DRAINED,
        /**
         * A drain that ends before in-flight reaches zero: the BlockBackend's drained_poll ignores its in-flight
         * requests ({@link BlockBackend#setPollIgnoresInFlight}). To make the race certain, each guest request is
         * held in its I/O thread just before it completes (references and read lock still held) until the next
         * command that is not a drain; a drain in between returns while the request is in flight.
         */
        DRAIN_ENDS_EARLY
    }

    static final long MIB = 1 << 20;
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();
    /** Requests a thread may have queued before a guest I/O command waits (when nothing is drained). */
    static final int MAX_QUEUED = 3;
    /** Hang guard for waits on I/O threads; never a synchronisation. */
    static final long HANG_GUARD_SECONDS = 120;
    /** Names of nodes the run may create (declared in the header). */
    static final List<String> POOL = List.of("n1", "n2", "n3", "n4", "n5", "n6");

    private final TraceSink sink;
    private final BlockGraph g;
    private final BlockBackend blk;
    private final List<ExecutorService> io = new ArrayList<>();
    private final List<ArrayDeque<Future<?>>> queued = new ArrayList<>();
    private final List<String> threadNames = new ArrayList<>();
    private final Node top;
    private final BlkdebugDriver faults;
    private final List<Node> spares = new ArrayList<>();
    private final List<Node> filters = new ArrayList<>();
    private final List<Node> overlays = new ArrayList<>();
    private final ArrayDeque<String> pool = new ArrayDeque<>(POOL);
    private final Map<String, Integer> sections = new HashMap<>();
    private int drainAll;
    private final Variant variant;
    private final Gate gate;
    private final List<String> log = new ArrayList<>();
    private final AtomicInteger ioErrors = new AtomicInteger();

    /**
     * Builds the initial graph (blk0 -> top, a copy-on-write node with file f1, a blkdebug filter over f1img, and
     * backing base; spare nodes s1, s2) on {@code sink}, which must not record yet.
     * @param sink the sink the core emits to; it must not record yet
     * @param threads the number of I/O threads submitting guest requests, 1 to 8
     * @throws IllegalArgumentException if {@code threads} is not in 1..8
     */
    public TraceRecorder(TraceSink sink, int threads) {
        this(sink, threads, Variant.CORRECT);
    }

    /**
     * As {@link #TraceRecorder(TraceSink, int, Variant)} with {@link Variant#IO_WHILE_DRAINED} or the real core.
     * @param sink the sink the core emits to; it must not record yet
     * @param threads the number of I/O threads submitting guest requests, 1 to 8
     * @param ioWhileDrained true for the broken variant that lets I/O through while drained
     * @throws IllegalArgumentException if {@code threads} is not in 1..8
     */
    public TraceRecorder(TraceSink sink, int threads, boolean ioWhileDrained) {
        this(sink, threads, ioWhileDrained ? Variant.IO_WHILE_DRAINED : Variant.CORRECT);
    }

    /**
     * Builds the initial graph for {@code variant} of the core.
     * @param sink the sink the core emits to; it must not record yet
     * @param threads the number of I/O threads submitting guest requests, 1 to 8
     * @param variant the core variant to run: the real core or one deliberately broken for the checkers
     * @throws IllegalArgumentException if {@code threads} is not in 1..8
     */
    public TraceRecorder(TraceSink sink, int threads, Variant variant) {
        if (threads < 1 || threads > 8) {
            throw new IllegalArgumentException("threads must be in 1..8, was " + threads);
        }
        this.variant = variant;
        this.gate = variant == Variant.DRAIN_ENDS_EARLY ? new Gate(sink) : null;
        this.sink = gate != null ? gate : sink;
        this.g = new BlockGraph(this.sink);
        Node f1img = g.addNode("f1img", new MemoryDriver(MIB));
        faults = new BlkdebugDriver();
        Node f1 = g.addNode("f1", faults, Map.of("image", f1img));
        Node base = g.addNode("base", new MemoryDriver(MIB));
        top = g.addNode("top", new CowDriver(MIB), Map.of("file", f1, "backing", base));
        spares.add(base);
        spares.add(g.addNode("s1", new MemoryDriver(MIB)));
        spares.add(g.addNode("s2", new MemoryDriver(MIB)));
        blk = BlockBackend.create(g, "blk0", top, CR | W, CR | W | WU);
        blk.setDisableRequestQueuing(variant == Variant.IO_WHILE_DRAINED);
        blk.setPollIgnoresInFlight(variant == Variant.DRAIN_ENDS_EARLY);
        for (int t = 0; t < threads; t++) {
            String name = "io" + t;
            threadNames.add(name);
            io.add(Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, name);
                th.setDaemon(true);
                return th;
            }));
            queued.add(new ArrayDeque<>());
        }
    }

    /**
     * The core under test.
     * @return the graph the recorder drives
     */
    public BlockGraph graph() {
        return g;
    }

    /**
     * The BlockBackend the guest I/O goes through.
     * @return the BlockBackend {@code blk0}
     */
    public BlockBackend blockBackend() {
        return blk;
    }

    /**
     * The names of the I/O threads (the trace's Threads constant).
     * @return the I/O thread names, {@code io0}, {@code io1}, ...
     */
    public List<String> threadNames() {
        return List.copyOf(threadNames);
    }

    /**
     * The trace header: the graph now, plus the names of the nodes the run may create.
     * @return the header map for {@link NdjsonTraceSink#start}
     */
    public Map<String, Object> header() {
        return NdjsonTraceSink.header(g, threadNames, POOL);
    }

    /**
     * The free choices of a run of {@code steps} commands drawn from {@code seed}.
     * @param seed the random seed
     * @param steps the number of commands
     * @return {@code steps} choices, each in 0..2<sup>20</sup>-1
     */
    public static List<Integer> choices(long seed, int steps) {
        Random rnd = new Random(seed);
        List<Integer> choices = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            choices.add(rnd.nextInt(1 << 20));
        }
        return choices;
    }

    /**
     * Records a run of {@code steps} commands drawn from {@code seed} into {@code out}.
     * @param seed the random seed the choices are drawn from
     * @param steps the number of commands
     * @param threads the number of I/O threads submitting guest requests, 1 to 8
     * @param out the writer the NDJSON trace (header line, then one event a line) goes to; closed at the end
     * @return the run's result: steps taken, commands refused, events written, oracle violations and the command log
     * @throws Exception if a command, the I/O threads or the trace writer fail
     */
    public static Result record(long seed, int steps, int threads, Writer out) throws Exception {
        return record(choices(seed, steps), threads, Variant.CORRECT, out);
    }

    /**
     * Records the run that {@code choices} select, on the real core or {@link Variant#IO_WHILE_DRAINED}.
     * @param choices the free choices, one per command
     * @param threads the number of I/O threads submitting guest requests, 1 to 8
     * @param ioWhileDrained true for the broken variant that lets I/O through while drained
     * @param out the writer the NDJSON trace (header line, then one event a line) goes to; closed at the end
     * @return the run's result: steps taken, commands refused, events written, oracle violations and the command log
     * @throws Exception if a command, the I/O threads or the trace writer fail
     */
    public static Result record(List<Integer> choices, int threads, boolean ioWhileDrained, Writer out)
            throws Exception {
        return record(choices, threads, ioWhileDrained ? Variant.IO_WHILE_DRAINED : Variant.CORRECT, out);
    }

    /**
     * Records the run that {@code choices} select (see {@link #choose}) on {@code variant} into {@code out}.
     * @param choices the free choices, one per command
     * @param threads the number of I/O threads submitting guest requests, 1 to 8
     * @param variant the core variant to run
     * @param out the writer the NDJSON trace (header line, then one event a line) goes to; closed at the end
     * @return the run's result: steps taken, commands refused, events written, oracle violations and the command log
     * @throws Exception if a command, the I/O threads or the trace writer fail
     */
    public static Result record(List<Integer> choices, int threads, Variant variant, Writer out) throws Exception {
        try (NdjsonTraceSink sink = new NdjsonTraceSink(out);
             TraceRecorder rec = new TraceRecorder(sink, threads, variant)) {
            sink.start(rec.header());
            Result r = rec.run(choices);
            sink.stop();
            return new Result(r.steps(), r.refused(), sink.events(), r.violations(), r.log());
        }
    }

    /**
     * Runs the commands that {@code choices} select, checking the oracle after each; stops at the first violation.
     * Then ends every open section and waits for every request, so the trace ends with the core at rest.
     * @param choices the free choices, one per command
     * @return the run's result (its event count is 0: the sink counts events)
     * @throws Exception if a command, the I/O threads or the trace writer fail
     */
    public Result run(List<Integer> choices) throws Exception {
        int refused = 0;
        List<String> violations = new ArrayList<>();
        int step = 0;
        for (int c : choices) {
            step++;
            if (!choose(c, step % 5 == 0)) {
                refused++;
            }
            for (String v : DrainInvariants.all(g, List.of(blk))) {
                violations.add("after step " + step + " (" + log.get(log.size() - 1) + "): " + v);
            }
            if (!violations.isEmpty()) {
                break;
            }
        }
        quiesceAndJoin();
        if (violations.isEmpty()) {
            for (String v : DrainInvariants.all(g, List.of(blk))) {
                violations.add("at rest: " + v);
            }
        }
        return new Result(step, refused, 0, violations, List.copyOf(log));
    }

    /**
     * Guest requests that failed with an injected (or any other) I/O error.
     * @return the number of guest requests that failed so far
     */
    public int ioErrors() {
        return ioErrors.get();
    }

    private void quiesceAndJoin() throws Exception {
        release();
        for (Node n : live()) {
            for (int k = sections.getOrDefault(n.name(), 0); k > 0; k--) {
                g.drainedEnd(n);
            }
            sections.put(n.name(), 0);
        }
        for (; drainAll > 0; drainAll--) {
            g.drainAllEnd();
        }
        for (ArrayDeque<Future<?>> q : queued) {
            while (!q.isEmpty()) {
                await(q.poll());
            }
        }
    }

    private boolean nothingDrained() {
        return drainAll == 0 && sections.values().stream().allMatch(v -> v == 0);
    }

    private List<Node> live() {
        return g.nodes();
    }

    /** The device's node: top, or the filter or overlay put above it. */
    private Node root() {
        return blk.node();
    }

    /**
     * Interprets one choice. With {@code invalid}, issues a command the state makes invalid and checks that it is
     * refused and changes nothing; returns false then.
     */
    boolean choose(int c, boolean invalid) throws Exception {
        if (invalid) {
            release();
            return invalid(c);
        }
        // Categories of commands, each picking its target from the choice's higher bits; guest I/O has weight 6,
        // so about half the commands are requests that overlap the drains and graph changes around them.
        List<Runnable> enabled = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int sub = c >>> 5;
        boolean drained = !nothingDrained();
        {
            int t = Math.floorMod(sub, io.size());
            boolean write = (sub / io.size()) % 2 == 0;
            pruneDone(queued.get(t));
            boolean room = queued.get(t).size() < MAX_QUEUED || !drained;
            boolean allowed = switch (variant) {
                case CORRECT -> room;
                case SEQUENTIAL_IO -> !drained;
                case IO_WHILE_DRAINED -> true;
                case DRAIN_ENDS_EARLY -> !drained;
            };
            if (allowed) {
                for (int w = 0; w < 6; w++) {
                    names.add((write ? "write@io" : "read@io") + t);
                    enabled.add(() -> io(t, write, c));
                }
            }
        }
        int openTotal = drainAll + sections.values().stream().mapToInt(Integer::intValue).sum();
        List<Node> beginable = new ArrayList<>();
        List<Node> endable = new ArrayList<>();
        for (Node n : live()) {
            int open = sections.getOrDefault(n.name(), 0);
            if (open < 2) {
                beginable.add(n);
            }
            if (open > 0) {
                endable.add(n);
            }
        }
        if (openTotal < 3 && !beginable.isEmpty()) {
            Node n = pick(sub, beginable);
            names.add("drainedBegin(" + n.name() + ")");
            enabled.add(() -> {
                g.drainedBegin(n);
                sections.merge(n.name(), 1, Integer::sum);
            });
        }
        if (!endable.isEmpty()) {
            Node n = pick(sub, endable);
            for (int w = 0; w < 2; w++) { // ends twice as likely as begins: sections stay short
                names.add("drainedEnd(" + n.name() + ")");
                enabled.add(() -> {
                    g.drainedEnd(n);
                    sections.merge(n.name(), -1, Integer::sum);
                });
            }
        }
        if (drainAll < 2 && openTotal < 3) {
            names.add("drainAllBegin");
            enabled.add(() -> {
                g.drainAllBegin();
                drainAll++;
            });
        }
        if (drainAll > 0) {
            names.add("drainAllEnd");
            enabled.add(() -> {
                g.drainAllEnd();
                drainAll--;
            });
        }
        List<Node> cows = new ArrayList<>();
        cows.add(top);
        for (Node o : overlays) {
            if (!o.isRemoved()) {
                cows.add(o);
            }
        }
        Node ov = pick(sub, cows);
        Child bk = ov.child("backing");
        Node backing = bk == null ? null : bk.node();
        List<Node> candidates = new ArrayList<>();
        for (Node s : spares) {
            if (!s.isRemoved() && s != backing) {
                candidates.add(s);
            }
        }
        if (!candidates.isEmpty()) {
            Node s = pick(sub / 7, candidates);
            names.add("setBacking(" + ov.name() + ", " + s.name() + ")"); // reopen backing
            enabled.add(() -> g.setBacking(ov, s));
            if (backing == null) {
                names.add("attachChild(" + ov.name() + ", backing, " + s.name() + ")");
                enabled.add(() -> g.attachChild(ov, "backing", s));
            } else {
                names.add("replaceChild(" + ov.name() + ", backing, " + s.name() + ")");
                enabled.add(() -> g.replaceChild(ov, "backing", s));
            }
        }
        if (backing != null && ov == top) {
            names.add("detachChild(" + ov.name() + ", backing)");
            enabled.add(() -> g.detachChild(ov, "backing"));
        }
        List<Node> deletable = new ArrayList<>();
        for (Node s : spares) {
            if (!s.isRemoved() && s.parents().isEmpty() && sections.getOrDefault(s.name(), 0) == 0) {
                deletable.add(s);
            }
        }
        if (!deletable.isEmpty()) {
            Node s = pick(sub, deletable);
            names.add("deleteNode(" + s.name() + ")");
            enabled.add(() -> g.deleteNode(s.name()));
        }
        if (!pool.isEmpty()) {
            String f = pool.peek();
            names.add("insertFilter(" + f + " above " + root().name() + ")");
            enabled.add(() -> {
                filters.add(g.insertFilter(pool.poll(), new BlkdebugDriver(), root()));
            });
        }
        List<Node> removable = new ArrayList<>();
        for (Node f : filters) {
            if (!f.isRemoved() && sections.getOrDefault(f.name(), 0) == 0) {
                removable.add(f);
            }
        }
        if (!removable.isEmpty()) {
            Node f = pick(sub, removable);
            names.add("removeFilter(" + f.name() + ")");
            enabled.add(() -> g.removeFilter(f));
        }
        if (pool.size() >= 2) {
            names.add("snapshot(" + pool.peek() + " over " + root().name() + ")");
            enabled.add(() -> snapshot());
        }
        if (sub % 3 == 0) {
            String event = sub % 2 == 0 ? "write_aio" : "read_aio";
            names.add("injectError(" + event + ")");
            enabled.add(() -> faults.addRule(BlkdebugDriver.InjectError.of(event, BlockIoException.EIO, true)));
        }
        int k = Math.floorMod(c, enabled.size());
        String name = names.get(k);
        log.add(name);
        if (!name.startsWith("drained") && !name.startsWith("drainAll")) {
            release(); // DRAIN_ENDS_EARLY: a held request may hold the read lock a graph change waits for
        }
        GraphState before = structure(g.state());
        try {
            enabled.get(k).run();
        } catch (RuntimeException e) {
            // A command the core refuses (permissions, a cycle, a node still in use) must change nothing.
            if (!before.equals(structure(g.state()))) {
                throw new AssertionError(name + " failed and changed the state: " + e.getMessage(), e);
            }
            log.add("refused: " + e.getMessage());
            return false;
        }
        return true;
    }

    /** {@code blockdev-add} of an overlay (copy-on-write over a new file node), then {@code blockdev-snapshot}. */
    private void snapshot() {
        String file = pool.poll();
        String name = pool.poll();
        Node f = g.addNode(file, new MemoryDriver(MIB));
        Node ov = g.addNode(name, new CowDriver(MIB), Map.of("file", f));
        overlays.add(ov);
        g.appendOverlay(ov, root());
    }

    private boolean invalid(int c) {
        GraphState before = structure(g.state());
        String what;
        try {
            switch (Math.floorMod(c, 6)) {
                case 0 -> {
                    Node n = pick(c / 6, nodesWithoutSection());
                    what = "drainedEnd(" + n.name() + ") without a section";
                    g.drainedEnd(n);
                }
                case 1 -> {
                    what = "deleteNode(" + root().name() + ") while in use";
                    g.deleteNode(root().name());
                }
                case 2 -> {
                    what = "attachChild(top, file) on an occupied slot";
                    g.attachChild(top, "file", pick(c / 6, live()));
                }
                case 3 -> {
                    what = "removeFilter(top), not a filter";
                    g.removeFilter(top);
                }
                case 4 -> {
                    what = "setBacking on a node whose driver has no backing";
                    Node below = top.child("backing") != null ? top.child("backing").node() : faultsNode();
                    g.setBacking(below, top);
                }
                default -> {
                    what = "drainAllEnd without drain_all";
                    if (drainAll > 0) {
                        what = "deleteNode(nosuch)";
                        g.deleteNode("nosuch");
                    } else {
                        g.drainAllEnd();
                    }
                }
            }
        } catch (RuntimeException expected) {
            log.add("refused: " + expected.getMessage());
            if (!before.equals(structure(g.state()))) {
                throw new AssertionError("a refused command changed the state: " + expected.getMessage());
            }
            return false;
        }
        throw new AssertionError("invalid command accepted: " + what);
    }

    private Node faultsNode() {
        return faults.node();
    }

    /**
     * The graph's structure, permissions and drain counters without what concurrent I/O moves: in-flight counts,
     * the BlockBackend's request counters, and blkdebug's rule list (a once-rule goes when a request hits it).
     */
    static GraphState structure(GraphState s) {
        List<GraphState.NodeState> nodes = new ArrayList<>();
        for (GraphState.NodeState n : s.nodes()) {
            nodes.add(new GraphState.NodeState(n.name(), n.driver(), n.driver().equals("blkdebug") ? "" : n.options(),
                    n.readOnly(), n.implicit(), n.quiesceCounter(), 0, n.directDrains(), n.cumulativePerm(),
                    n.cumulativeShared(), edges(n.children()), n.parents(),
                    n.backingFile()));
        }
        return new GraphState(s.drainAllCount(), nodes, edges(s.rootEdges()), s.devices());
    }

    private static List<GraphState.EdgeState> edges(List<GraphState.EdgeState> in) {
        List<GraphState.EdgeState> out = new ArrayList<>();
        for (GraphState.EdgeState e : in) {
            out.add(new GraphState.EdgeState(e.parent(), "", e.name(), e.role(), e.child(), e.perm(), e.shared(),
                    e.quiescedParent(), e.frozen()));
        }
        return out;
    }

    private List<Node> nodesWithoutSection() {
        List<Node> out = new ArrayList<>();
        for (Node n : live()) {
            if (sections.getOrDefault(n.name(), 0) == 0) {
                out.add(n);
            }
        }
        return out;
    }

    private static Node pick(int c, List<Node> from) {
        return from.get(Math.floorMod(c, from.size()));
    }

    /**
     * Submits a guest request to I/O thread {@code thread} and returns at once (the request may park in the
     * quiesced BlockBackend and resume later). With {@link #MAX_QUEUED} requests queued there and nothing drained,
     * first waits for the oldest. An I/O error (an injected one) is counted, not raised.
     */
    private void io(int thread, boolean write, int c) {
        ArrayDeque<Future<?>> q = queued.get(thread);
        while (q.size() >= MAX_QUEUED && nothingDrained()) {
            await(q.poll());
        }
        long offset = (long) Math.floorMod(c, 16) * 4096;
        CountDownLatch held = gate != null ? gate.expect() : null;
        q.add(io.get(thread).submit(() -> {
            try {
                if (write) {
                    blk.write(offset, new byte[4096]);
                } else {
                    blk.read(offset, 4096);
                }
            } catch (BlockIoException e) {
                ioErrors.incrementAndGet();
            }
        }));
        if (held != null) {
            awaitLatch(held); // the request now waits just before its ReqComplete, holding its references
        } else if (variant == Variant.IO_WHILE_DRAINED || variant == Variant.SEQUENTIAL_IO) {
            await(q.pollLast()); // synchronous, so the request runs inside the sections open now
        }
    }

    /** Forgets finished requests (surfacing any failure other than an I/O error). */
    private void pruneDone(ArrayDeque<Future<?>> q) {
        while (!q.isEmpty() && q.peek().isDone()) {
            await(q.poll());
        }
    }

    private static void awaitLatch(CountDownLatch l) {
        try {
            if (!l.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("hang guard: a request did not reach its completion");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void await(Future<?> f) {
        try {
            f.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("hang guard: a guest request did not finish in "
                    + HANG_GUARD_SECONDS + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** DRAIN_ENDS_EARLY: lets the held request complete (and waits until it has). */
    private void release() {
        if (gate != null) {
            gate.release();
            for (ArrayDeque<Future<?>> q : queued) {
                while (!q.isEmpty()) {
                    await(q.poll());
                }
            }
        }
    }

    @Override
    public void close() {
        if (gate != null) {
            gate.release();
        }
        for (ExecutorService e : io) {
            e.shutdownNow();
        }
    }

    /**
     * The sink of {@link Variant#DRAIN_ENDS_EARLY}: holds the I/O thread that is about to emit a request's
     * {@code ReqComplete} (outside the order lock, before the read unlock and the in-flight decrement) until
     * {@link #release}; everything else goes straight to the real sink.
     */
    private static final class Gate implements TraceSink {
        private final TraceSink inner;
        private CountDownLatch arrived = new CountDownLatch(0);
        private CountDownLatch open = new CountDownLatch(0);

        Gate(TraceSink inner) {
            this.inner = inner;
        }

        /** The next ReqComplete will be held; the latch counts down when it arrives. */
        synchronized CountDownLatch expect() {
            open.countDown();
            arrived = new CountDownLatch(1);
            open = new CountDownLatch(1);
            return arrived;
        }

        synchronized void release() {
            open.countDown();
        }

        @Override
        public boolean enabled() {
            return inner.enabled();
        }

        @Override
        public Lock order() {
            return inner.order();
        }

        @Override
        public void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
            if (action == SpecAction.ReqComplete) {
                CountDownLatch a;
                CountDownLatch o;
                synchronized (this) {
                    a = arrived;
                    o = open;
                }
                a.countDown();
                awaitLatch(o);
            }
            inner.emit(action, args, post);
        }
    }
}
