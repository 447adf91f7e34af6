package org.blockgraph.blockjob;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Parent;
import org.blockgraph.graph.ParentKind;
import org.blockgraph.graph.Role;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.ErrorAction;
import org.blockgraph.job.IoError;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobContext;
import org.blockgraph.job.JobDriver;
import org.blockgraph.job.StepOutcome;
import org.blockgraph.trace.SpecAction;

/**
 * A job on the graph (upstream's BlockJob): a {@link JobDriver} that is also a graph {@link Parent} of kind job,
 * named {@code <type> job '<id>'} in permission errors. Each node it adds ({@code block_job_add_bdrv}) gets a job
 * edge with the given permissions and an op blocker on every op type; the edges' drain callbacks pause and resume
 * the job (reference §1.5), and a drain polls the job until it is not busy.
 *
 * <p>Completion hooks ({@code prepare}, {@code commit}, {@code abort}, {@code clean}) run under the graph's control
 * lock (the job registry's control lock is the graph's), on the executor's exit task: never inside a drain's wait,
 * since a drainer holds that lock.
 */
public abstract class BlockJob implements JobDriver, Parent {
    /**
     * The graph the job works on.
     */
    protected final BlockGraph graph;
    private final OpBlockers blockers;
    private final OpBlockers.Blocker blocker;
    private final Map<Child, Node> edges = new LinkedHashMap<>();
    private final List<BlockBackend> backends = new ArrayList<>();
    private final String id;
    /**
     * The job this driver runs, set once the registry has created it (null while the job is being set up).
     */
    protected volatile Job job;

    /**
     * A job driver on {@code graph}; its edges, BlockBackends and blockers are added by the subclass's start.
     * @param graph the graph the job works on
     * @param id the job id (traced as the empty string when null)
     */
    protected BlockJob(BlockGraph graph, String id) {
        this.graph = graph;
        this.id = id;
        this.blockers = OpBlockers.of(graph);
        this.blocker = new OpBlockers.Blocker(this, "block device is in use by block job: " + type());
    }

    /**
     * The job once created (null while it is being set up).
     * @return the registry's job, or null while it is being set up
     */
    public Job job() {
        return job;
    }

    /**
     * {@code block_job_add_bdrv}: a job edge on {@code n} and an op blocker on all its op types.
     * @param role the edge's role name, as shown in permission errors
     * @param n the node to add
     * @param perm the permissions the job edge takes on {@code n}
     * @param shared the permissions it shares with the node's other parents
     * @return the new job edge
     */
    protected final Child addNode(String role, Node n, int perm, int shared) {
        Child edge = graph.attachParent(this, role, Role.NONE, n, perm, shared);
        edges.put(edge, n);
        blockers.blockAll(n, blocker);
        return edge;
    }

    /** {@code block_job_remove_all_bdrv}: detaches every job edge and lifts the blockers. */
    protected final void removeAllNodes() {
        for (Map.Entry<Child, Node> e : new ArrayList<>(edges.entrySet())) {
            blockers.unblockAll(e.getValue(), blocker);
            if (e.getKey().node() != null) {
                blockers.unblockAll(e.getKey().node(), blocker);
                graph.detachParent(e.getKey());
            }
            edges.remove(e.getKey());
        }
    }

    /**
     * A BlockBackend of the job with request queuing disabled (stream's s->blk, commit's s->base / s->top).
     * @param n the node to attach the BlockBackend to
     * @param perm the permissions the BlockBackend takes on {@code n}
     * @param shared the permissions it shares with the node's other parents
     * @return the new BlockBackend (queue depth 4), closed with the job
     */
    protected final BlockBackend newBackend(Node n, int perm, int shared) {
        BlockBackend b = new BlockBackend(graph, null, perm, shared, 4);
        b.setDisableRequestQueuing(true);
        try {
            b.insert(n);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        backends.add(b);
        return b;
    }

    /**
     * Closes one of the job's BlockBackends.
     * @param b the BlockBackend to close; null, or one already closed, is ignored
     */
    protected final void closeBackend(BlockBackend b) {
        if (b != null && backends.remove(b)) {
            b.close();
        }
    }

    /**
     * Drops a job filter ({@code bdrv_drop_filter}) unless it is already gone: an implicit filter that lost its
     * last parent (its parents were moved away) was deleted with it.
     * @param filter the job's filter node, or null
     */
    protected final void dropFilterNode(Node filter) {
        if (filter == null || filter.isRemoved()) {
            return;
        }
        String name = filter.name();
        graph.removeFilter(filter);
        trace(SpecAction.RemoveFilter, Map.of("filter", name));
    }

    /** Closes the job's BlockBackends. */
    protected final void closeBackends() {
        for (BlockBackend b : backends) {
            b.close();
        }
        backends.clear();
    }

    /**
     * Emits a chain-family trace event; free when tracing is off.
     * @param action the spec action to emit
     * @param args its arguments; the job id is added as {@code job}
     */
    protected final void trace(SpecAction action, Map<String, Object> args) {
        if (graph.trace().enabled()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("job", id == null ? "" : id);
            a.putAll(args);
            graph.trace().emit(action, a, Map.of());
        }
    }

    /**
     * The job options a start event carries (the chain spec's AutoFinalize, AutoDismiss, OnError of the job).
     * @param autoFinalize the job's auto-finalize flag
     * @param autoDismiss the job's auto-dismiss flag
     * @param onError the job's on-error policy
     * @return the arguments {@code autoFinalize}, {@code autoDismiss} and {@code onError} (its QAPI name)
     */
    protected static Map<String, Object> optionArgs(boolean autoFinalize, boolean autoDismiss,
            org.blockgraph.job.OnError onError) {
        return Map.of("autoFinalize", autoFinalize, "autoDismiss", autoDismiss, "onError", onError.qapiName());
    }

    /** The ranges this job froze and has not unfrozen, as {top, base (null: end of chain)}; for the oracle. */
    private final List<Node[]> frozenRanges = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * The link ranges this job holds frozen, each {@code {top, base}} (links from top down to, excluding, base; base
     * null = to the end of the chain). Read by org.blockgraph.chain.ChainInvariants (FrozenOwnedInv, RangeExclusiveInv,
     * JobChainIntactInv).
     * @return a copy of the frozen ranges, each a two-element array {@code {top, base}}
     */
    public final List<Node[]> frozenRanges() {
        return List.copyOf(frozenRanges);
    }

    /**
     * The nodes this job added with block_job_add_bdrv (op-blocked and referenced), for the oracle.
     * @return a copy of the nodes the job holds an edge on
     */
    public final List<Node> nodes() {
        return List.copyOf(edges.values());
    }

    /**
     * Freezes links from {@code top} to (excluding) {@code base}, traced.
     * @param top the highest node of the range
     * @param base the node below the range, or null for the end of the chain
     */
    protected final void freeze(Node top, Node base) {
        graph.freezeBackingChain(top, base);
        frozenRanges.add(new Node[] {top, base});
        trace(SpecAction.ChainFreeze, Map.of("top", top.name(), "base", base == null ? "" : base.name()));
    }

    /**
     * Unfreezes links from {@code top} to (excluding) {@code base}, traced.
     * @param top the highest node of the range, as given to {@link #freeze}
     * @param base the node below the range, as given to {@link #freeze}
     */
    protected final void unfreeze(Node top, Node base) {
        graph.unfreezeBackingChain(top, base);
        frozenRanges.removeIf(r -> r[0] == top && r[1] == base);
        trace(SpecAction.ChainUnfreeze, Map.of("top", top.name(), "base", base == null ? "" : base.name()));
    }

    /**
     * Grows {@code target} through the job's BlockBackend {@code blk} (which holds the resize permission) to
     * {@code length} if it is shorter, as commit_run and mirror_run do before copying into a smaller base.
     *
     * @param blk the job's BlockBackend on {@code target}
     * @param target the node to grow
     * @param length the length {@code target} must reach, in bytes
     * @return null if grown or long enough, else the failed outcome (upstream returns the truncate's errno, so the
     *         job's error is its strerror text)
     */
    protected final StepOutcome growTo(BlockBackend blk, Node target, long length) {
        if (target.length() >= length) {
            return null;
        }
        graph.graphLock().rdlock();
        try {
            blk.rootEdge().truncate(length);
            return null;
        } catch (BlockIoException e) {
            return StepOutcome.failed(e.errno(), BlockIoException.strerror(e.errno()));
        } finally {
            graph.graphLock().rdunlock();
        }
    }

    /**
     * Graph errors inside a completion become the job's error (upstream turns them into -EPERM).
     * @param e the graph error
     * @return a job error with errno {@code EPERM} and the graph error's message
     */
    protected static org.blockgraph.job.JobException asJobError(GraphException e) {
        return new org.blockgraph.job.JobException(org.blockgraph.job.Errno.EPERM, e.getMessage());
    }

    @Override
    public final ParentKind kind() {
        return ParentKind.JOB;
    }

    @Override
    public final String describe() {
        return type() + " job '" + (id == null ? "" : id) + "'";
    }

    @Override
    public final void drainedBegin(Child edge) {
        Job j = job;
        if (j != null) {
            j.pause();
        }
    }

    @Override
    public final boolean drainedPoll(Child edge) {
        Job j = job;
        return j != null && j.drainedPoll();
    }

    @Override
    public final void drainedEnd(Child edge) {
        Job j = job;
        if (j != null) {
            j.resume();
        }
    }

    @Override
    public String drainState() {
        Job j = job;
        return j == null ? "" : "job=" + j.status().qapiName();
    }

    /**
     * Applies the job's on-error policy to a unit that failed with {@code e}: {@code stop} retries the unit after
     * the pause, {@code report} ends the run; {@code null} means {@code ignore}, and the caller skips the unit.
     * @param ctx the job's context, whose policy decides
     * @param e the unit's I/O error
     * @param reading whether the error came from a read (else from a write)
     * @return {@link StepOutcome#retry()} for stop, {@link StepOutcome#done()} for report, null for ignore
     */
    protected static StepOutcome onUnitError(JobContext ctx, BlockIoException e, boolean reading) {
        ErrorAction a = ctx.reportError(new IoError(e.errno(), reading));
        if (a == ErrorAction.STOP) {
            return StepOutcome.retry();
        }
        if (a == ErrorAction.REPORT) {
            return StepOutcome.done();
        }
        return null;
    }
}
