package org.blockgraph.checker.trace;

import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.blockgraph.blockjob.BlockJob;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.blockjob.CommitOptions;
import org.blockgraph.blockjob.StreamOptions;
import org.blockgraph.chain.ChainInvariants;
import org.blockgraph.chain.Chains;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphState;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobState;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ManualJobExecutor;
import org.blockgraph.job.OnError;
import org.blockgraph.trace.NdjsonTraceSink;
import org.blockgraph.trace.SpecAction;

/**
 * Runs a generated chain-family command sequence on the real core and records its trace (spec/chain actions):
 * guest writes from a guest thread, {@code blockdev-reopen} of backing links (valid ones and ones onto frozen
 * links), {@code blockdev-snapshot}, {@code blockdev-del}, {@code block-stream}, {@code block-commit} (intermediate
 * and active), the job verbs (pause, resume, cancel, complete, finalize, dismiss, set-speed), job steps, and invalid
 * commands at a steady rate (every fifth step), which must fail and leave {@link BlockGraph#state()} and every
 * job's status unchanged. After every step the invariant oracle ({@link ChainInvariants}) checks the core.
 *
 * <p>Each command is chosen among those that make sense in the current state: a free integer is interpreted
 * against the state, so any list of integers is a valid sequence (what QuickTheories generates and delta
 * debugging shrinks).
 *
 * <p>Normalisation onto the chain spec's small domains: the chain is {@code n3 (drive0) -> n2 -> n1 -> n0} of
 * copy-on-write images with {@value #CLUSTERS} clusters of {@value #CLUSTER} bytes, plus a spare format node
 * {@code s} that only a snapshot brings into the chain (MCChain's layout and data); every cluster holds one byte
 * value repeated (n0: 1, 1; n1: 2, -; n3: -, 3), guest writes store 7 or 8; job {@code jK} inserts filter
 * {@code fK}; each start uses a fresh job id, so a refused start never reuses a job slot.
 *
 * <p>Threads: jobs run on a {@link ManualJobExecutor}, stepped by the recorder (one task per job step). Commands
 * run in a control thread and guest writes in a guest thread; while a command waits (a drain waiting for a job to
 * reach a pause point, a write parked behind a drained section), the recorder runs the jobs' ready tasks, as QEMU's
 * main loop would. So job steps interleave with commands where the core lets them, and the trace order is the
 * order in which the core's critical sections committed.
 *
 * <p>One event is not emitted by the core: {@code GuestWrite} is emitted by the guest thread right after the write
 * returns (the guest's BlockBackend, impl/io, has no chain-family emit point yet; docs/divergences.md).
 */
public final class ChainTraceRecorder implements AutoCloseable {

    /**
     * What a run did.
     *
     * @param steps      steps run
     * @param refused    commands the core refused (valid-looking ones and the invalid ones)
     * @param events     ndjson events written (every family)
     * @param violations oracle or refused-command violations (empty: none)
     * @param log        one line per step, with the chain after it
     */
    public record Result(int steps, int refused, long events, List<String> violations, List<String> log) {
    }

    /** Cluster size of the chain's images. */
    public static final int CLUSTER = 65536;
    /** Clusters per image (the spec's {@code Clusters} = 1..CLUSTERS). */
    public static final int CLUSTERS = 2;
    static final int SIZE = CLUSTER * CLUSTERS;
    private static final int[][] INIT_DATA = {{1, 1}, {2, 0}, {0, 0}, {0, 3}};
    private static final long HANG_GUARD_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final NdjsonTraceSink sink;
    private final BlockGraph g;
    private final ManualJobExecutor exec = new ManualJobExecutor();
    private final BlockJobs jobs;
    private final BlockBackend drive;
    private final List<Node> format = new ArrayList<>();
    private final Node spare;
    private boolean snapshotDone;
    private final ChainInvariants oracle;
    private final int[] guest = new int[CLUSTERS];
    private final Map<String, Job> started = new LinkedHashMap<>();
    private int nextJob = 1;
    private final AtomicReference<Thread> controlThread = new AtomicReference<>();
    private final AtomicReference<Thread> guestThread = new AtomicReference<>();
    private final ExecutorService control = Executors.newSingleThreadExecutor(r -> named(r, "control", controlThread));
    private final ExecutorService guestIo = Executors.newSingleThreadExecutor(r -> named(r, "guest", guestThread));
    private final List<String> log = new ArrayList<>();
    private boolean withActiveCommit = true;

    private static Thread named(Runnable r, String name, AtomicReference<Thread> ref) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        ref.set(t);
        return t;
    }

    /**
     * Builds the initial chain with a sink that does not record yet.
     *
     * @param out   where the trace goes
     * @param bugs  test-only bugs to switch on in the core: {@code reopenIgnoresFrozen}, {@code streamPicksBaseAtStart}
     */
    public ChainTraceRecorder(Writer out, List<String> bugs) {
        this.sink = new NdjsonTraceSink(out);
        this.g = new BlockGraph(sink);
        this.jobs = new BlockJobs(g, exec);
        Node below = null;
        for (int i = 0; i < INIT_DATA.length; i++) {
            Node file = g.addNode("img" + i, new MemoryDriver(SIZE));
            Node n = below == null
                    ? g.addNode("n" + i, new CowDriver(SIZE, CLUSTER), Map.of("file", file))
                    : g.addNode("n" + i, new CowDriver(SIZE, CLUSTER), Map.of("file", file, "backing", below));
            BlockBackend w = BlockBackend.create(g, null, n, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                    Permission.ALL);
            for (int c = 0; c < CLUSTERS; c++) {
                if (INIT_DATA[i][c] != 0) {
                    w.write((long) c * CLUSTER, fill(INIT_DATA[i][c]));
                }
            }
            w.close();
            if (i < INIT_DATA.length - 1) {
                g.reopenReadOnly(n, true);
            }
            format.add(n);
            below = n;
        }
        spare = g.addNode("s", new CowDriver(SIZE, CLUSTER), Map.of("file", g.addNode("imgs", new MemoryDriver(SIZE))));
        drive = BlockBackend.create(g, "drive0", below, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                Permission.ALL);
        for (int c = 0; c < CLUSTERS; c++) {
            guest[c] = ChainInvariants.read(drive.node(), (long) c * CLUSTER, Map.of());
        }
        for (String b : bugs) {
            switch (b) {
                case "reopenIgnoresFrozen" -> g.testOnlyBugs().reopenIgnoresFrozen = true;
                case "streamPicksBaseAtStart" -> g.testOnlyBugs().streamPicksBaseAtStart = true;
                default -> throw new IllegalArgumentException("unknown test-only bug '" + b + "'");
            }
        }
        this.oracle = new ChainInvariants(g);
        sink.start(header());
    }

    private static byte[] fill(int v) {
        byte[] b = new byte[CLUSTER];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    private Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("spec", "chain");
        List<String> names = new ArrayList<>();
        List<String> live = new ArrayList<>();
        Map<String, Object> backing = new LinkedHashMap<>();
        Map<String, Object> data = new LinkedHashMap<>();
        for (Node n : allFormat()) {
            names.add(n.name());
            if (n != spare) {
                live.add(n.name());
            }
            Node b = Chains.filterOrCow(n);
            backing.put(n.name(), b == null ? "" : b.name());
            List<Integer> d = new ArrayList<>();
            for (int c = 0; c < CLUSTERS; c++) {
                d.add(n.driver().isAllocated(n, (long) c * CLUSTER)
                        ? ChainInvariants.read(n, (long) c * CLUSTER, Map.of()) : 0);
            }
            data.put(n.name(), d);
        }
        h.put("formatNodes", names);
        h.put("live", live);
        h.put("root", drive.node().name());
        h.put("clusters", CLUSTERS);
        h.put("backing", backing);
        h.put("data", data);
        return h;
    }

    private List<Node> allFormat() {
        List<Node> out = new ArrayList<>(format);
        out.add(spare);
        return out;
    }

    /**
     * Records the run of {@code choices}: one step per choice, every fifth an invalid command.
     *
     * @param choices free integers, each interpreted against the state at its step
     * @param out     where the ndjson trace goes (closed at the end)
     * @param bugs    test-only core bugs to switch on (empty for the real core)
     * @return what the run did
     */
    public static Result record(List<Integer> choices, Writer out, List<String> bugs) {
        return record(choices, out, bugs, true);
    }

    /**
     * As {@link #record(List, Writer, List)}; without {@code activeCommit} the generator issues no active commit
     * (whose traces trace validation still rejects in some interleavings: docs/divergences.md).
     *
     * @param choices      free integers, each interpreted against the state at its step
     * @param out          where the ndjson trace goes (closed at the end)
     * @param bugs         test-only core bugs to switch on (empty for the real core)
     * @param activeCommit whether the generator may issue an active commit
     * @return what the run did
     */
    public static Result record(List<Integer> choices, Writer out, List<String> bugs, boolean activeCommit) {
        try (ChainTraceRecorder r = new ChainTraceRecorder(out, bugs)) {
            r.withActiveCommit = activeCommit;
            return r.run(choices);
        }
    }

    /**
     * The entry point the {@code check} command's trace phase calls: a run of {@code steps} choices drawn from
     * {@code seed}. {@code threads} is accepted for the recorder registry's signature; this family runs one guest
     * thread beside the control thread.
     *
     * @param seed    the generator's seed
     * @param steps   commands to run
     * @param threads ignored (one guest thread)
     * @param out     where the ndjson trace goes (closed at the end)
     * @return what the run did
     */
    public static Result record(long seed, int steps, int threads, Writer out) {
        return record(seed, steps, out, true);
    }

    /**
     * A run of {@code steps} choices drawn from {@code seed}, with or without active commit among the commands
     * (traces with an active commit are still rejected in some interleavings: divergence 13 of
     * docs/divergences.md, so {@code check}'s trace phase leaves it out).
     *
     * @param seed         the generator's seed
     * @param steps        commands to run
     * @param out          where the ndjson trace goes
     * @param activeCommit whether active commit may be generated
     * @return what the run did
     */
    public static Result record(long seed, int steps, Writer out, boolean activeCommit) {
        Random rnd = new Random(seed);
        List<Integer> choices = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            choices.add(rnd.nextInt(1 << 20));
        }
        return record(choices, out, List.of(), activeCommit);
    }

    Result run(List<Integer> choices) {
        List<String> violations = new ArrayList<>();
        int refused = 0;
        int k = 0;
        for (int choice : choices) {
            k++;
            boolean invalid = k % 5 == 0;
            String what;
            try {
                what = invalid ? invalidStep(choice) : step(choice);
            } catch (AssertionError e) {
                violations.add("step " + k + ": " + e.getMessage());
                break;
            }
            if (what.startsWith("refused")) {
                refused++;
            }
            log.add(k + ": " + what + " | " + chainText());
            List<String> v = oracle.all(drive.node(), views(), guest, CLUSTER);
            if (!v.isEmpty()) {
                violations.add("after step " + k + " (" + what + "): " + v);
                break;
            }
        }
        sink.stop();
        return new Result(k, refused, sink.events(), violations, log);
    }

    /** The links of every live format node and job filter, for the log: {@code n3>n2 n2>n1 ...}. */
    private String chainText() {
        StringBuilder b = new StringBuilder();
        for (Node n : g.nodes()) {
            if (n.name().startsWith("img")) {
                continue;
            }
            Child link = Chains.filterOrCowChild(n);
            b.append(n.name()).append('>').append(link == null ? "-" : link.node().name())
                    .append(link != null && link.isFrozen() ? "*" : "").append(' ');
        }
        return b.toString().trim();
    }

    private List<ChainInvariants.JobView> views() {
        List<ChainInvariants.JobView> out = new ArrayList<>();
        for (Map.Entry<String, Job> e : started.entrySet()) {
            Job j = e.getValue();
            if (j.driver() instanceof BlockJob b) {
                out.add(new ChainInvariants.JobView(e.getKey(), j.state(), b.frozenRanges(), b.nodes()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------------
    // Valid steps

    private String step(int choice) {
        Random r = new Random(choice);
        int kind = Math.floorMod(choice, 100);
        if (kind < 30 && (exec.hasReady() || exec.nextDeadline() >= 0)) {
            return jobStep(r);
        }
        if (kind < 45) {
            return guestWrite(r);
        }
        if (kind < 53) {
            return reopen(r);
        }
        if (kind < 56 && !snapshotDone) {
            return snapshot();
        }
        if (kind < 60) {
            return delete(r);
        }
        if (kind < 68) {
            return stream(r);
        }
        if (kind < 75) {
            return commit(r);
        }
        if (kind < 80) {
            return withActiveCommit ? activeCommit(r) : commit(r);
        }
        return verb(r);
    }

    private String jobStep(Random r) {
        List<org.blockgraph.job.JobTask> ready = exec.ready();
        if (ready.isEmpty()) {
            long next = exec.nextDeadline();
            exec.advance(Math.max(0, next - exec.now()));
            return "clock advanced to the next job timer";
        }
        Job job = ready.get(r.nextInt(ready.size())).job();
        command(control, controlThread, () -> exec.runNext(job));
        return "job step of " + job.id();
    }

    /**
     * Whether an active commit is between the end of its run and its pivot: Chain.tla (as upstream, whose mirror
     * keeps its source drained there) has no guest write in that window; Java lets writes through and copies them
     * in prepare (docs/divergences.md), so the recorder keeps the spec's environment and writes at other times.
     */
    private boolean pivotPending() {
        for (Job j : started.values()) {
            if (j.driver() instanceof org.blockgraph.blockjob.ActiveCommitJob) {
                JobState s = j.state();
                if (s.deferred() && s.status() != JobStatus.CONCLUDED && s.status() != JobStatus.NULL) {
                    return true;
                }
            }
        }
        return false;
    }

    private String guestWrite(Random r) {
        if (pivotPending()) {
            return exec.hasReady() || exec.nextDeadline() >= 0 ? jobStep(r) : verb(r);
        }
        int c = r.nextInt(CLUSTERS);
        int v = 7 + r.nextInt(2);
        command(guestIo, guestThread, () -> {
            drive.write((long) c * CLUSTER, fill(v));
            if (sink.enabled()) {
                sink.emit(SpecAction.GuestWrite, Map.of("cluster", c, "value", v), Map.of());
            }
        });
        guest[c] = v;
        return "guest write " + v + " to cluster " + c;
    }

    private List<Node> liveFormat() {
        List<Node> out = new ArrayList<>();
        for (Node n : allFormat()) {
            if (!n.isRemoved() && (n != spare || snapshotDone)) {
                out.add(n);
            }
        }
        return out;
    }

    /** A reopen that keeps the guest's view (the spec's environment only issues those). */
    private String reopen(Random r) {
        List<Node[]> ok = new ArrayList<>();
        for (Node n : liveFormat()) {
            Node cur = Chains.filterOrCow(n);
            for (Node nb = cur == null ? null : Chains.filterOrCow(cur); nb != null; nb = Chains.filterOrCow(nb)) {
                if (viewKept(n, nb)) {
                    ok.add(new Node[] {n, nb});
                }
            }
        }
        if (ok.isEmpty()) {
            return guestWrite(r);
        }
        Node[] p = ok.get(r.nextInt(ok.size()));
        return attempt("reopen " + p[0].name() + " backing=" + p[1].name(), () -> g.reopenBacking(p[0], p[1]));
    }

    private boolean viewKept(Node n, Node nb) {
        for (int c = 0; c < CLUSTERS; c++) {
            long off = (long) c * CLUSTER;
            if (ChainInvariants.read(drive.node(), off, Map.of(n, nb))
                    != ChainInvariants.read(drive.node(), off, Map.of())) {
                return false;
            }
        }
        return true;
    }

    private String snapshot() {
        Node active = Chains.skipFilters(drive.node());
        String what = attempt("snapshot overlay=s node=" + active.name(), () -> Chains.snapshot(g, spare, active));
        if (!what.startsWith("refused")) {
            snapshotDone = true;
        }
        return what;
    }

    private String delete(Random r) {
        List<Node> cand = new ArrayList<>();
        for (Node n : liveFormat()) {
            if (n.parents().isEmpty()) {
                cand.add(n);
            }
        }
        if (cand.isEmpty()) {
            return guestWrite(r);
        }
        Node n = cand.get(r.nextInt(cand.size()));
        return attempt("blockdev-del " + n.name(), () -> g.deleteNode(n.name()));
    }

    private String freshJob() {
        return "j" + nextJob++;
    }

    private List<Node> chainFormat() {
        List<Node> out = new ArrayList<>();
        for (Node i = drive.node(); i != null; i = Chains.filterOrCow(i)) {
            if (!i.driver().isFilter()) {
                out.add(i);
            }
        }
        return out;
    }

    private OnError onError(Random r) {
        return new OnError[] {OnError.REPORT, OnError.REPORT, OnError.STOP, OnError.IGNORE}[r.nextInt(4)];
    }

    private String stream(Random r) {
        List<Node> chain = chainFormat();
        Node bs = chain.get(r.nextInt(chain.size()));
        List<Node> below = new ArrayList<>();
        for (Node i = Chains.filterOrCow(bs); i != null; i = Chains.filterOrCow(i)) {
            below.add(i);
        }
        String id = freshJob();
        StreamOptions o = StreamOptions.of(bs.name()).jobId(id).filterNodeName("f" + id.substring(1))
                .autoFinalize(r.nextInt(3) > 0).autoDismiss(r.nextInt(3) > 0).onError(onError(r));
        int pick = r.nextInt(3);
        if (!below.isEmpty() && pick == 1) {
            o = o.baseNode(below.get(r.nextInt(below.size())).name());
        } else if (!below.isEmpty() && pick == 2) {
            Node bottom = below.get(r.nextInt(below.size()));
            if (!bottom.driver().isFilter()) {
                o = o.bottom(bottom.name());
            }
        }
        StreamOptions opts = o;
        return startJob(id, "block-stream " + bs.name() + " base-node=" + o.baseNode() + " bottom=" + o.bottom(),
                () -> jobs.stream(opts));
    }

    private String commit(Random r) {
        List<Node> chain = chainFormat();
        if (chain.size() < 3) {
            return stream(r);
        }
        int t = 1 + r.nextInt(chain.size() - 2);
        int b = t + 1 + r.nextInt(chain.size() - t - 1);
        String id = freshJob();
        CommitOptions o = CommitOptions.of("drive0").jobId(id).filterNodeName("f" + id.substring(1))
                .topNode(chain.get(t).name()).baseNode(chain.get(b).name())
                .autoFinalize(r.nextInt(3) > 0).autoDismiss(r.nextInt(3) > 0).onError(onError(r));
        return startJob(id, "block-commit top-node=" + chain.get(t).name() + " base-node=" + chain.get(b).name(),
                () -> jobs.commit(o));
    }

    private String activeCommit(Random r) {
        List<Node> chain = chainFormat();
        if (chain.size() < 2) {
            return stream(r);
        }
        Node base = chain.get(1 + r.nextInt(chain.size() - 1));
        String id = freshJob();
        CommitOptions o = CommitOptions.of("drive0").jobId(id).filterNodeName("f" + id.substring(1))
                .baseNode(base.name()).autoFinalize(r.nextInt(3) > 0).autoDismiss(r.nextInt(3) > 0)
                .onError(onError(r));
        return startJob(id, "block-commit (active) base-node=" + base.name(), () -> jobs.commit(o));
    }

    private String startJob(String id, String what, java.util.function.Supplier<Job> start) {
        AtomicReference<Job> job = new AtomicReference<>();
        String res = attempt(what + " as " + id, () -> job.set(start.get()));
        if (job.get() != null) {
            started.put(id, job.get());
        }
        return res;
    }

    private String verb(Random r) {
        if (started.isEmpty()) {
            return guestWrite(r);
        }
        List<String> ids = new ArrayList<>(started.keySet());
        String id = ids.get(r.nextInt(ids.size()));
        Optional<Job> found = jobs.registry().find(id);
        if (found.isEmpty()) {
            return "refused: job " + id + " is gone (no event)";
        }
        Job j = found.get();
        return switch (r.nextInt(7)) {
            case 0 -> attempt("job-pause " + id, j::userPause);
            case 1 -> attempt("job-resume " + id, j::userResume);
            case 2 -> {
                boolean force = r.nextBoolean();
                yield attempt("job-cancel " + id + " force=" + force, () -> j.cancel(force));
            }
            case 3 -> attempt("job-complete " + id, j::complete);
            case 4 -> attempt("job-finalize " + id, j::finalizeJob);
            case 5 -> attempt("job-dismiss " + id, j::dismiss);
            default -> {
                long speed = r.nextBoolean() ? 0 : 4L * CLUSTER;
                yield attempt("job-set-speed " + id + " " + speed, () -> j.setSpeed(speed));
            }
        };
    }

    // ------------------------------------------------------------------------------------------------------
    // Invalid commands: must fail, with the upstream error, and change nothing

    private String invalidStep(int choice) {
        Random r = new Random(choice);
        List<Node> frozen = new ArrayList<>();
        for (Node n : liveFormat()) {
            Child link = Chains.filterOrCowChild(n);
            if (link != null && link.isFrozen() && Chains.filterOrCow(link.node()) != null) {
                frozen.add(n);
            }
        }
        int kind = r.nextInt(4);
        if (kind == 0 && !frozen.isEmpty()) {
            Node n = frozen.get(r.nextInt(frozen.size()));
            Node cur = Chains.filterOrCow(n);
            Node nb = Chains.filterOrCow(cur);
            return mustFail("reopen of the frozen link of " + n.name() + " onto " + nb.name(),
                    "Cannot change frozen 'backing' link from '" + n.name() + "'", () -> g.reopenBacking(n, nb));
        }
        if (kind == 1) {
            Node root = Chains.skipFilters(drive.node());
            return mustFail("blockdev-del of the active layer " + root.name(), "is in use",
                    () -> g.deleteNode(root.name()));
        }
        if (kind == 2) {
            Node top = Chains.skipFilters(drive.node());
            return mustFail("block-stream " + top.name() + " with base-node = itself",
                    "is not a backing image of", () -> jobs.stream(StreamOptions.of(top.name()).jobId("bad")
                            .baseNode(top.name())));
        }
        Optional<Job> any = started.keySet().stream().map(id -> jobs.registry().find(id)).flatMap(Optional::stream)
                .filter(j -> j.status() == JobStatus.RUNNING || j.status() == JobStatus.PAUSED).findFirst();
        if (any.isPresent()) {
            Job j = any.get();
            return mustFail("job-finalize " + j.id() + " in " + j.status().qapiName(), "cannot accept command verb 'finalize'", j::finalizeJob);
        }
        return mustFail("blockdev-del of a node that does not exist", "Failed to find node with node-name='nosuch'",
                () -> g.deleteNode("nosuch"));
    }

    private String mustFail(String what, String expected, Runnable cmd) {
        GraphState before = g.state();
        Map<String, JobStatus> statuses = statuses();
        Throwable t = failure(control, controlThread, cmd, false);
        if (t == null) {
            throw new AssertionError("invalid command succeeded: " + what);
        }
        String msg = String.valueOf(t.getMessage());
        if (!msg.contains(expected)) {
            throw new AssertionError("invalid command " + what + " failed with '" + msg + "', expected '" + expected
                    + "'");
        }
        if (!g.state().equals(before)) {
            throw new AssertionError("refused command " + what + " changed the graph");
        }
        if (!statuses().equals(statuses)) {
            throw new AssertionError("refused command " + what + " changed a job: " + statuses + " -> " + statuses());
        }
        return "refused (invalid) " + what + ": " + msg;
    }

    private Map<String, JobStatus> statuses() {
        Map<String, JobStatus> m = new LinkedHashMap<>();
        started.forEach((id, j) -> m.put(id, j.status()));
        return m;
    }

    private String attempt(String what, Runnable cmd) {
        Throwable t = failure(control, controlThread, cmd, true);
        return t == null ? what : "refused " + what + ": " + t.getMessage();
    }

    /** Runs {@code cmd} in the control thread; the exception it threw, or null. */
    private Throwable failure(ExecutorService ex, AtomicReference<Thread> th, Runnable cmd, boolean pump) {
        try {
            command(ex, th, cmd, pump);
            return null;
        } catch (CommandFailed e) {
            return e.getCause();
        }
    }

    private static final class CommandFailed extends RuntimeException {
        CommandFailed(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Runs {@code cmd} in the thread of {@code ex}; while that thread waits (a drain polling for a job, a parked
     * request), runs the jobs' ready tasks here, as the main loop would.
     */
    private void command(ExecutorService ex, AtomicReference<Thread> th, Runnable cmd) {
        command(ex, th, cmd, true);
    }

    /** As {@link #command(ExecutorService, AtomicReference, Runnable)}; without {@code pump} no job task runs meanwhile. */
    private void command(ExecutorService ex, AtomicReference<Thread> th, Runnable cmd, boolean pump) {
        Future<?> f = ex.submit(cmd);
        // A command that must be refused never waits; if it blocks, it was not refused (a broken core).
        long deadline = System.nanoTime() + (pump ? HANG_GUARD_NANOS : HANG_GUARD_NANOS / 6);
        while (true) {
            try {
                f.get(200, TimeUnit.MICROSECONDS);
                return;
            } catch (TimeoutException e) {
                Thread t = th.get();
                Thread.State s = t == null ? Thread.State.RUNNABLE : t.getState();
                boolean waiting = pump && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING
                        || s == Thread.State.BLOCKED);
                // Only job entries (a pause point, or a step when nothing pauses the job): a job's completion
                // (EXIT) changes the graph, and running it in the middle of a command would let the command
                // act on a chain its checks did not see (docs/divergences.md, reopen validated before its drain).
                Optional<org.blockgraph.job.JobTask> entry = waiting ? exec.ready().stream()
                        .filter(x -> x.kind() == org.blockgraph.job.JobTask.Kind.ENTRY).findFirst() : Optional.empty();
                if (entry.isPresent()) {
                    exec.runNext(entry.get().job());
                } else if (waiting && exec.nextDeadline() >= 0 && !exec.hasReady()) {
                    exec.advance(Math.max(0, exec.nextDeadline() - exec.now()));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError((pump ? "command hangs (hang guard, 60 s)"
                            : "a command that must be refused blocks (it was not refused: a frozen link or a busy"
                            + " node let through?)") + "; jobs: " + jobs.registry().queryJobs());
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new CommandFailed(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Scripted scenarios (tests of the broken core variants): the same commands, chosen by the caller

    /** {@code block-stream bs base-node=baseNode} as job {@code id} (filter f + id's number); the log line. */
    String scriptStream(String bs, String baseNode, String id) {
        StreamOptions o = StreamOptions.of(bs).jobId(id).filterNodeName("f" + id.substring(1)).baseNode(baseNode);
        return startJob(id, "block-stream " + bs + " base-node=" + baseNode, () -> jobs.stream(o));
    }

    /** {@code block-commit top-node=top base-node=base} as job {@code id}; the log line. */
    String scriptCommit(String top, String base, String id) {
        CommitOptions o = CommitOptions.of("drive0").jobId(id).filterNodeName("f" + id.substring(1)).topNode(top)
                .baseNode(base);
        return startJob(id, "block-commit top-node=" + top + " base-node=" + base, () -> jobs.commit(o));
    }

    /** A guest write of {@code v} to cluster {@code c}; the log line. */
    String scriptWrite(int c, int v) {
        Random r = new Random(0) {
            private int k;

            @Override
            public int nextInt(int bound) {
                return k++ == 0 ? c : v - 7;
            }
        };
        return guestWrite(r);
    }

    /** Steps job {@code id} until it has no task left (it concluded, or waits for a verb). */
    void scriptRunJob(String id) {
        Job j = started.get(id);
        for (int k = 0; k < 10_000; k++) {
            boolean has = exec.ready().stream().anyMatch(t -> t.job() == j);
            if (!has) {
                if (exec.nextDeadline() < 0) {
                    return;
                }
                exec.advance(Math.max(0, exec.nextDeadline() - exec.now()));
                continue;
            }
            command(control, controlThread, () -> exec.runNext(j));
        }
        throw new AssertionError("job " + id + " still has tasks after 10000 steps");
    }

    /** Stops recording; the oracle's verdict over the final state. */
    List<String> scriptFinish() {
        sink.stop();
        return oracle.all(drive.node(), views(), guest, CLUSTER);
    }

    /**
     * The log of the last run (one line per step).
     *
     * @return the log, one line per step with the chain after it
     */
    public List<String> log() {
        return log;
    }

    @Override
    public void close() {
        control.shutdownNow();
        guestIo.shutdownNow();
        try {
            sink.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** For tests: the state of job {@code id} if it was started. */
    Optional<JobState> jobState(String id) {
        return Optional.ofNullable(started.get(id)).map(Job::state);
    }
}
