package org.blockgraph.blockjob;

import java.util.BitSet;
import java.util.Map;
import org.blockgraph.chain.Chains;
import org.blockgraph.driver.MirrorTopDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Errno;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobContext;
import org.blockgraph.job.JobException;
import org.blockgraph.job.JobOptions;
import org.blockgraph.job.StepOutcome;
import org.blockgraph.trace.SpecAction;

/**
 * Active commit (upstream's {@code commit_active_start}, a mirror job of type {@code commit}): a {@code mirror_top}
 * filter above the active layer tracks guest writes in a dirty bitmap; the job copies every cluster allocated
 * above the target, and every cluster the guest dirties, into the target; once in sync it goes READY
 * (BLOCK_JOB_READY). {@code complete} pivots: with the chain drained, the last dirty clusters are copied and every
 * parent of the filter moves to the target. A soft cancel on READY completes without pivoting and leaves the chain
 * as it was; a force cancel or an error aborts, also leaving the chain as it was. spec/chain actions:
 * {@code ActiveCommitStart}, {@code JobCopyCluster}, {@code JobError}, {@code JobReady}.
 *
 * <p>Why no write is lost: a guest write marks its clusters dirty after it reached the source; the job clears a
 * bit before reading the cluster, so a write that overlaps the copy re-marks it and it is copied again.
 */
public final class ActiveCommitJob extends BlockJob {
    private static final int CR = Permission.CONSISTENT_READ.bit();
    private static final int W = Permission.WRITE.bit();
    private static final int WU = Permission.WRITE_UNCHANGED.bit();

    private final Node bs;
    private final Node target;
    private final int clusterSize;
    private final BitSet dirty = new BitSet();
    private Node mirrorTop;
    private MirrorTopDriver mirrorDriver;
    private boolean frozen;
    private boolean targetWasReadOnly;
    private BlockBackend srcBlk;
    private BlockBackend tgtBlk;
    private volatile JobContext context;
    private byte[] buf;

    private ActiveCommitJob(BlockGraph g, String id, Node bs, Node target) {
        super(g, id);
        this.bs = bs;
        this.target = target;
        long cs = Chains.skipFilters(bs).driver().clusterSize(Chains.skipFilters(bs));
        this.clusterSize = (int) Math.max(512, Math.min(cs <= 1 ? 65536 : cs, 1 << 20));
    }

    @Override
    public String type() {
        return "commit";
    }

    static Job start(BlockJobs jobs, CommitOptions o, String id, Node bs, Node target) {
        BlockGraph g = jobs.graph();
        ActiveCommitJob s = new ActiveCommitJob(g, id, bs, target);
        Job job = jobs.registry().create(new JobOptions(id, false, o.autoFinalize(), o.autoDismiss(), o.speed(),
                o.onError()), s);
        s.job = job;
        try {
            if (target.isReadOnly()) {
                g.reopenReadOnly(target, false);
                s.targetWasReadOnly = true;
            }
            s.mirrorDriver = new MirrorTopDriver();
            s.mirrorTop = g.insertFilter(o.filterNodeName(), s.mirrorDriver, bs);
            s.trace(SpecAction.InsertFilter, Map.of("filter", s.mirrorTop.name(), "node", bs.name()));
            s.addNode("main node", s.mirrorTop, 0, Permission.ALL);
            s.addNode("source", bs, 0, CR | WU | W);
            for (Node i = Chains.filterOrCow(bs); i != null && i != target; i = Chains.filterOrCow(i)) {
                s.addNode("intermediate node", i, 0, CR | WU | W);
            }
            s.freeze(s.mirrorTop, target);
            s.frozen = true;
            s.addNode("target", target, 0, Permission.ALL);
            s.srcBlk = s.newBackend(s.mirrorTop, CR, Permission.ALL);
            // mirror_start_job: resize on a target (base) shorter than the source, which mirror_run grows
            s.tgtBlk = s.newBackend(target, W | WU | (target.length() < bs.length() ? Permission.RESIZE.bit() : 0),
                    Permission.ALL);
            s.mirrorDriver.setWriteListener(s::guestWrote);
            long len = bs.length();
            synchronized (s.dirty) {
                for (long off = 0; off < len; off += s.clusterSize) {
                    if (s.allocatedAboveTarget(off)) {
                        s.dirty.set((int) (off / s.clusterSize));
                    }
                }
            }
        } catch (RuntimeException e) {
            s.undo();
            job.earlyFail();
            throw e;
        }
        Map<String, Object> args = new java.util.LinkedHashMap<>(Map.of("top", bs.name(), "base", target.name()));
        args.putAll(optionArgs(o.autoFinalize(), o.autoDismiss(), o.onError()));
        s.trace(SpecAction.ActiveCommitStart, args);
        job.start();
        return job;
    }

    private boolean allocatedAboveTarget(long off) {
        for (Node i = bs; i != null && i != target; i = Chains.filterOrCow(i)) {
            if (!i.driver().isFilter() && i.driver().isAllocated(i, off)) {
                return true;
            }
        }
        return false;
    }

    /** The guest wrote through the filter (any thread): mark dirty, then wake the job. */
    private void guestWrote(long offset, long len) {
        int first = (int) (offset / clusterSize);
        int last = (int) ((offset + Math.max(len, 1) - 1) / clusterSize);
        int added = 0;
        synchronized (dirty) {
            for (int c = first; c <= last; c++) {
                if (!dirty.get(c)) {
                    dirty.set(c);
                    added++;
                }
            }
        }
        JobContext ctx = context;
        if (ctx != null && added > 0) {
            ctx.increaseRemaining((long) added * clusterSize);
        }
        Job j = job;
        if (j != null) {
            j.kick();
        }
    }

    private int takeDirty() {
        synchronized (dirty) {
            int c = dirty.nextSetBit(0);
            if (c >= 0) {
                dirty.clear(c);
            }
            return c;
        }
    }

    private void markDirty(int c) {
        synchronized (dirty) {
            dirty.set(c);
        }
    }

    /** Copies cluster {@code c}; on failure marks it dirty again and rethrows. */
    private boolean copyCluster(int c, boolean[] reading) {
        long off = (long) c * clusterSize;
        int n = (int) Math.min(clusterSize, bs.length() - off);
        if (n <= 0) {
            return false;
        }
        try {
            reading[0] = true;
            srcBlk.read(off, buf, 0, n);
            reading[0] = false;
            tgtBlk.write(off, buf, 0, n, 0);
        } catch (BlockIoException e) {
            markDirty(c);
            throw e;
        }
        trace(SpecAction.JobCopyCluster, Map.of("cluster", c));
        return true;
    }

    @Override
    public StepOutcome step(JobContext ctx) {
        if (buf == null) {
            buf = new byte[clusterSize];
            context = ctx;
            synchronized (dirty) {
                ctx.setRemaining((long) dirty.cardinality() * clusterSize);
            }
            StepOutcome failed = growTo(tgtBlk, target, bs.length());
            if (failed != null) {
                return failed;
            }
        }
        int c = takeDirty();
        if (c >= 0) {
            boolean[] reading = {true};
            try {
                copyCluster(c, reading);
            } catch (BlockIoException e) {
                StepOutcome failed = onUnitError(ctx, e, reading[0]);
                if (failed != null) {
                    return failed;
                }
                synchronized (dirty) {
                    dirty.clear(c); // ignore: drop it (the guest view is unchanged; the target misses this cluster)
                }
            }
            return StepOutcome.progress(clusterSize, clusterSize);
        }
        if (!ctx.status().isReady()) {
            ctx.transitionToReady();
        }
        if (ctx.completeRequested() || ctx.cancelRequested()) {
            return StepOutcome.done();
        }
        return StepOutcome.idle();
    }

    @Override
    public boolean supportsComplete() {
        return true;
    }

    @Override
    public void complete(JobContext ctx) {
        // Accepted: the framework records it and wakes the job, whose next idle step ends the run.
    }

    @Override
    public boolean cancel(JobContext ctx, boolean force) {
        return force || !ctx.status().isReady();
    }

    @Override
    public void prepare(JobContext ctx) {
        if (!ctx.completeRequested() || ctx.cancelRequested()) {
            return; // soft cancel on READY: no pivot; clean drops the filter
        }
        graph.drainedBegin(target);
        try {
            boolean[] reading = {true};
            int c;
            while ((c = takeDirty()) >= 0) {
                try {
                    copyCluster(c, reading);
                } catch (BlockIoException e) {
                    throw new JobException(e.errno() > 0 ? e.errno() : Errno.EIO, e.getMessage());
                }
            }
            unfreeze(mirrorTop, target);
            frozen = false;
            mirrorDriver.setWriteListener(null);
            graph.replaceNode(mirrorTop, target);
            mirrorDriver.setStopped(true);
            dropFilterNode(mirrorTop);
            mirrorTop = null;
        } catch (GraphException e) {
            throw asJobError(e);
        } finally {
            graph.drainedEnd(target);
        }
    }

    private void undo() {
        if (frozen) {
            unfreeze(mirrorTop, target);
            frozen = false;
        }
        if (mirrorTop != null) {
            mirrorDriver.setWriteListener(null);
            mirrorDriver.setStopped(true);
            dropFilterNode(mirrorTop);
            mirrorTop = null;
        }
        closeBackends();
        removeAllNodes();
        if (targetWasReadOnly) {
            try {
                graph.reopenReadOnly(target, true);
            } catch (GraphException ignored) {
                // after a pivot the target is the active layer and stays writable
            }
            targetWasReadOnly = false;
        }
    }

    @Override
    public void clean(JobContext ctx) {
        undo();
    }
}
