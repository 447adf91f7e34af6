package org.blockgraph.blockjob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.blockgraph.chain.Chains;
import org.blockgraph.driver.CommitTopDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobContext;
import org.blockgraph.job.JobOptions;
import org.blockgraph.job.StepOutcome;
import org.blockgraph.trace.SpecAction;

/**
 * Intermediate commit (upstream's {@code block/commit.c}): a {@code commit_top} filter (never frozen) above
 * {@code top}, the links {@code commit_top → top → … → base} frozen, every cluster allocated from top down to the
 * overlay of base copied into base, and at completion the parents of the filter pointed at base, which drops top
 * and the intermediate nodes from the chain. Abort puts the chain back as it was. spec/chain actions:
 * {@code CommitStart}, {@code JobCopyCluster}, {@code JobError}; completion {@code ChainUnfreeze},
 * {@code RemoveFilter}.
 */
public final class CommitJob extends BlockJob {
    private static final int CR = Permission.CONSISTENT_READ.bit();
    private static final int W = Permission.WRITE.bit();
    private static final int WU = Permission.WRITE_UNCHANGED.bit();

    private final Node top;
    private final Node base;
    private final String backingFileStr;
    private final boolean backingMaskProtocol;
    private Node baseOverlay;
    private Node commitTop;
    private boolean frozen;
    private boolean baseWasReadOnly;
    private BlockBackend baseBlk;
    private BlockBackend topBlk;
    private long offset;
    private long length = -1;
    private byte[] buf;

    private CommitJob(BlockGraph g, String id, Node top, Node base, String backingFileStr,
                      boolean backingMaskProtocol) {
        super(g, id);
        this.backingFileStr = backingFileStr;
        this.backingMaskProtocol = backingMaskProtocol;
        this.top = top;
        this.base = base;
    }

    @Override
    public String type() {
        return "commit";
    }

    static Job start(BlockJobs jobs, CommitOptions o, String id, Node bs, Node top, Node base) {
        BlockGraph g = jobs.graph();
        if (Chains.skipFilters(top) == Chains.skipFilters(base)) {
            throw new GraphException("Invalid files for merge: top and base are the same");
        }
        CommitJob s = new CommitJob(g, id, top, base, o.backingFile(), o.backingMaskProtocol());
        Job job = jobs.registry().create(new JobOptions(id, false, o.autoFinalize(), o.autoDismiss(), o.speed(),
                o.onError()), s);
        s.job = job;
        try {
            // 030: commit blocks the active layer although it does not use it.
            s.addNode("main node", bs, 0, Permission.ALL);
            if (base.isReadOnly()) {
                g.reopenReadOnly(base, false);
                s.baseWasReadOnly = true;
            }
            s.commitTop = g.insertFilter(o.filterNodeName(), new CommitTopDriver(), top);
            s.trace(SpecAction.InsertFilter, Map.of("filter", s.commitTop.name(), "node", top.name()));
            s.baseOverlay = Chains.findOverlay(top, base);
            boolean pastOverlay = false;
            for (Node i = top; i != null && i != base; i = Chains.filterOrCow(i)) {
                // Filters between base_overlay and base pass reads to base, which stays consistent.
                s.addNode("intermediate node", i, 0, WU | W | (pastOverlay ? CR : 0));
                if (i == s.baseOverlay) {
                    pastOverlay = true;
                }
            }
            s.freeze(s.commitTop, base);
            s.frozen = true;
            s.addNode("base", base, 0, Permission.ALL);
            int basePerm = CR | W | (base.length() < top.length() ? Permission.RESIZE.bit() : 0);
            s.baseBlk = s.newBackend(base, basePerm, CR | WU);
            s.topBlk = s.newBackend(top, 0, Permission.ALL);
        } catch (RuntimeException e) {
            s.undo();
            job.earlyFail();
            throw e;
        }
        Map<String, Object> args = new java.util.LinkedHashMap<>(Map.of("top", top.name(), "base", base.name()));
        args.putAll(optionArgs(o.autoFinalize(), o.autoDismiss(), o.onError()));
        s.trace(SpecAction.CommitStart, args);
        job.start();
        return job;
    }

    /**
     * Puts the chain back (start failure, abort, clean): as upstream's commit_abort, the job's nodes go before
     * the filter, since the overlay needs consistent read on top, which the intermediate-node edge does not share.
     */
    private void undo() {
        if (frozen) {
            unfreeze(commitTop, base);
            frozen = false;
        }
        closeBackends();
        removeAllNodes();
        dropFilterNode(commitTop);
        commitTop = null;
        if (baseWasReadOnly) {
            try {
                graph.reopenReadOnly(base, true);
            } catch (GraphException ignored) {
                // as upstream, a failed reopen back to read-only is not an error of the job
            }
            baseWasReadOnly = false;
        }
    }

    @Override
    public StepOutcome step(JobContext ctx) {
        if (length < 0) {
            length = top.length();
            ctx.setRemaining(length);
            long cs = Chains.skipFilters(top).driver().clusterSize(Chains.skipFilters(top));
            buf = new byte[(int) Math.max(512, Math.min(cs <= 1 ? 65536 : cs, 1 << 20))];
            StepOutcome failed = growTo(baseBlk, base, length);
            if (failed != null) {
                return failed;
            }
        }
        if (offset >= length) {
            return StepOutcome.done();
        }
        int n = (int) Math.min(buf.length, length - offset);
        boolean copy = Chains.isAllocatedAbove(top, baseOverlay, offset);
        if (copy) {
            boolean reading = true;
            try {
                topBlk.read(offset, buf, 0, n);
                reading = false;
                baseBlk.write(offset, buf, 0, n, 0);
            } catch (BlockIoException e) {
                StepOutcome failed = onUnitError(ctx, e, reading);
                if (failed != null) {
                    return failed;
                }
                offset += n;
                return StepOutcome.progress(n, 0);
            }
        }
        trace(SpecAction.JobCopyCluster, Map.of("cluster", offset / buf.length, "copied", copy));
        offset += n;
        return StepOutcome.progress(n, copy ? n : 0);
    }

    @Override
    public void prepare(JobContext ctx) {
        try {
            unfreeze(commitTop, base);
            frozen = false;
            closeBackend(baseBlk); // before the graph change, as upstream: the overlay will not share write on base
            baseBlk = null;
            // bdrv_drop_intermediate: every parent of the filter now uses base, and each COW parent's image
            // header is rewritten to name base (update_filename).
            List<Node> cowParents = new ArrayList<>();
            for (Child c : commitTop.parents()) {
                if (c.parent() instanceof Node p && c.role().has(org.blockgraph.graph.Role.COW)) {
                    cowParents.add(p);
                }
            }
            graph.replaceNode(commitTop, base);
            String baseId = backingFileStr != null ? backingFileStr : Chains.filename(base);
            // backing-mask-protocol: a protocol base (a driver without children) is recorded as format raw.
            Node unfilteredBase = Chains.skipFilters(base);
            boolean protocol = unfilteredBase.driver().childNames().isEmpty();
            String baseFormat = backingMaskProtocol && protocol ? "raw" : unfilteredBase.driver().name();
            for (Node p : cowParents) {
                graph.changeBackingFile(p, baseId, baseFormat);
            }
            dropFilterNode(commitTop);
            commitTop = null;
        } catch (GraphException e) {
            throw asJobError(e);
        }
    }

    @Override
    public void abort(JobContext ctx) {
        undo();
    }

    @Override
    public void clean(JobContext ctx) {
        undo();
    }
}
