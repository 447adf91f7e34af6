package org.blockgraph.trace;

import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blockgraph.drain.DrainInvariants;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;

/**
 * Runs a generated drain-family command sequence on the real core and records its trace (spec/drain actions):
 * drained begin/end, drain_all begin/end, graph changes (attach / replace / detach backing, delete node), guest
 * reads and writes submitted from several I/O threads, and invalid commands at a steady rate (every fifth step),
 * which must fail and leave {@link BlockGraph#state()} unchanged. After every step the invariant oracle
 * ({@link DrainInvariants}) checks the core.
 *
 * <p>Each command is chosen among those that make sense in the current state: {@link #choose} interprets a
 * free integer against the state, so any list of integers is a valid sequence (what QuickTheories generates and
 * what delta debugging shrinks).
 *
 * <p>Scope: each guest request runs in its I/O thread while the control thread waits for it, and requests are
 * only submitted while nothing is drained, so the recorded interleavings are sequential. Overlapping I/O with
 * drains needs every I/O-side emit at its linearisation point first (docs/trace-validation.md, diary entries 1-3).
 */
public final class TraceRecorder implements AutoCloseable {

    /** What a run did. */
    public record Result(int steps, int refused, long events, List<String> violations, List<String> log) {
    }

    static final long MIB = 1 << 20;
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();

    private final TraceSink sink;
    private final BlockGraph g;
    private final BlockBackend blk;
    private final List<ExecutorService> io = new ArrayList<>();
    private final List<String> threadNames = new ArrayList<>();
    private final Node top;
    private final List<Node> spares = new ArrayList<>();
    private final Map<String, Integer> sections = new java.util.HashMap<>();
    private int drainAll;
    private final boolean ioWhileDrained;
    private final List<String> log = new ArrayList<>();

    /**
     * Builds the initial graph (blk0 -> top, a copy-on-write node with file f1 and backing base; spare nodes s1,
     * s2) with the given sink, which must not record yet.
     */
    public TraceRecorder(TraceSink sink, int threads) {
        this(sink, threads, false);
    }

    /**
     * As {@link #TraceRecorder(TraceSink, int)}; with {@code ioWhileDrained} a deliberately broken variant for
     * tests: the BlockBackend's request queuing is disabled ({@code blk_set_disable_request_queuing}) and guest
     * I/O is also issued inside drained sections, so requests run on drained nodes, which spec/drain forbids
     * (DrainedQuietInv; GraphRdlock is not enabled while the BlockBackend is quiesced). Trace validation must
     * reject its traces.
     */
    public TraceRecorder(TraceSink sink, int threads, boolean ioWhileDrained) {
        if (threads < 1 || threads > 8) {
            throw new IllegalArgumentException("threads must be in 1..8, was " + threads);
        }
        this.sink = sink;
        this.g = new BlockGraph(sink);
        Node f1 = g.addNode("f1", new MemoryDriver(MIB));
        Node base = g.addNode("base", new MemoryDriver(MIB));
        top = g.addNode("top", new CowDriver(MIB), Map.of("file", f1, "backing", base));
        spares.add(base);
        spares.add(g.addNode("s1", new MemoryDriver(MIB)));
        spares.add(g.addNode("s2", new MemoryDriver(MIB)));
        blk = BlockBackend.create(g, "blk0", top, CR | W, CR | W | WU);
        this.ioWhileDrained = ioWhileDrained;
        blk.setDisableRequestQueuing(ioWhileDrained);
        for (int t = 0; t < threads; t++) {
            String name = "io" + t;
            threadNames.add(name);
            io.add(Executors.newSingleThreadExecutor(r -> new Thread(r, name)));
        }
    }

    /** The core under test. */
    public BlockGraph graph() {
        return g;
    }

    /** The names of the I/O threads (the trace's Threads constant). */
    public List<String> threadNames() {
        return List.copyOf(threadNames);
    }

    /** Records a run of {@code steps} commands drawn from {@code seed} into {@code out}. */
    public static Result record(long seed, int steps, int threads, Writer out) throws Exception {
        Random rnd = new Random(seed);
        List<Integer> choices = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            choices.add(rnd.nextInt(1 << 20));
        }
        return record(choices, threads, false, out);
    }

    /** Records the run that {@code choices} select (see {@link #choose}) into {@code out}. */
    public static Result record(List<Integer> choices, int threads, boolean ioWhileDrained, Writer out)
            throws Exception {
        try (NdjsonTraceSink sink = new NdjsonTraceSink(out);
             TraceRecorder rec = new TraceRecorder(sink, threads, ioWhileDrained)) {
            sink.start(NdjsonTraceSink.header(rec.graph(), rec.threadNames()));
            Result r = rec.run(choices);
            sink.stop();
            return new Result(r.steps(), r.refused(), sink.events(), r.violations(), r.log());
        }
    }

    /** Runs the commands that {@code choices} select; stops at the first oracle violation. */
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
        return new Result(step, refused, 0, violations, List.copyOf(log));
    }

    private boolean nothingDrained() {
        return drainAll == 0 && sections.values().stream().allMatch(v -> v == 0);
    }

    private List<Node> live() {
        return g.nodes();
    }

    /**
     * Interprets one choice. With {@code invalid}, issues a command the state makes invalid and checks that it is
     * refused and changes nothing; returns false then.
     */
    boolean choose(int c, boolean invalid) throws Exception {
        if (invalid) {
            GraphState before = g.state();
            String what;
            try {
                switch (c % 3) {
                    case 0 -> {
                        Node n = pick(c / 3, nodesWithoutSection());
                        what = "drainedEnd(" + n.name() + ") without a section";
                        g.drainedEnd(n);
                    }
                    case 1 -> {
                        what = "deleteNode(top) while in use";
                        g.deleteNode("top");
                    }
                    default -> {
                        what = "attachChild(top, file) on an occupied slot";
                        g.attachChild(top, "file", pick(c / 3, live()));
                    }
                }
            } catch (RuntimeException expected) {
                log.add("refused: " + expected.getMessage());
                if (!before.equals(g.state())) {
                    throw new AssertionError("a refused command changed the state: " + expected.getMessage());
                }
                return false;
            }
            throw new AssertionError("invalid command accepted: " + what);
        }
        List<Runnable> enabled = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (nothingDrained() || ioWhileDrained) {
            for (int t = 0; t < io.size(); t++) {
                int tt = t;
                names.add("write@io" + t);
                enabled.add(() -> io(tt, true, c));
                names.add("read@io" + t);
                enabled.add(() -> io(tt, false, c));
            }
        }
        for (Node n : live()) {
            int open = sections.getOrDefault(n.name(), 0);
            if (open < 2) {
                names.add("drainedBegin(" + n.name() + ")");
                enabled.add(() -> {
                    g.drainedBegin(n);
                    sections.merge(n.name(), 1, Integer::sum);
                });
            }
            if (open > 0) {
                names.add("drainedEnd(" + n.name() + ")");
                enabled.add(() -> {
                    g.drainedEnd(n);
                    sections.merge(n.name(), -1, Integer::sum);
                });
            }
        }
        if (drainAll < 2) {
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
        Node backing = top.child("backing") == null ? null : top.child("backing").node();
        for (Node s : spares) {
            if (!s.isRemoved() && s != backing) {
                names.add("setBacking(top, " + s.name() + ")");
                enabled.add(() -> g.setBacking(top, s));
            }
            if (!s.isRemoved() && s != backing && s.parents().isEmpty()
                    && sections.getOrDefault(s.name(), 0) == 0) {
                names.add("deleteNode(" + s.name() + ")");
                enabled.add(() -> g.deleteNode(s.name()));
            }
        }
        if (backing != null) {
            names.add("setBacking(top, null)");
            enabled.add(() -> g.setBacking(top, null));
        }
        int k = Math.floorMod(c, enabled.size());
        log.add(names.get(k));
        GraphState before = g.state();
        try {
            enabled.get(k).run();
        } catch (RuntimeException e) {
            // A graph change the core refuses (e.g. permissions) must change nothing.
            if (!before.equals(g.state())) {
                throw new AssertionError(names.get(k) + " failed and changed the state: " + e.getMessage(), e);
            }
            log.add("refused: " + e.getMessage());
            return false;
        }
        return true;
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

    private void io(int thread, boolean write, int c) {
        long offset = (long) Math.floorMod(c, 16) * 4096;
        Future<?> f = io.get(thread).submit(() -> {
            if (write) {
                blk.write(offset, new byte[4096]);
            } else {
                blk.read(offset, 4096);
            }
        });
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        for (ExecutorService e : io) {
            e.shutdownNow();
        }
    }
}
