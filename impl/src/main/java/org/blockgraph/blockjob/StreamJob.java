package org.blockgraph.blockjob;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.chain.Chains;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.chain.OpType;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
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
 * The stream job (upstream's {@code block/stream.c} with {@code qmp_block_stream}'s checks): pulls the data of the
 * nodes between {@code bs} and its base up into {@code bs} through a copy-on-read filter, then makes the base
 * {@code bs}'s backing. spec/chain actions: {@code StreamStart} (with {@code InsertFilter}, {@code ChainFreeze}),
 * {@code JobCopyCluster}, {@code JobError}, and the completion's {@code RemoveFilter} / {@code ChainUnfreeze}.
 *
 * <p>The final backing is {@code filter_or_cow(above_base)} evaluated at completion (reference §3.2 step 3), so a
 * commit that finished underneath changes it (030 overlapping_5).
 */
public final class StreamJob extends BlockJob {
    private static final int CR = Permission.CONSISTENT_READ.bit();
    private static final int W = Permission.WRITE.bit();
    private static final int WU = Permission.WRITE_UNCHANGED.bit();

    private final Node bs;
    private final Node baseOverlay;
    private final Node aboveBase;
    private final boolean wasReadOnly;
    private final String backingFileStr;
    private final boolean backingMaskProtocol;
    private Node cor;
    private boolean corFrozen;
    private BlockBackend blk;
    // Step state: touched only by steps (the framework serialises them).
    private long offset;
    private long length = -1;
    private byte[] buf;

    /** The node below above_base at start: only the test-only bug {@code streamPicksBaseAtStart} links to it. */
    private final Node baseAtStart;

    private StreamJob(BlockGraph g, String id, Node bs, Node baseOverlay, Node aboveBase, boolean wasReadOnly,
                      StreamOptions o) {
        super(g, id);
        this.backingFileStr = o.backingFile();
        this.backingMaskProtocol = o.backingMaskProtocol();
        this.baseAtStart = Chains.filterOrCow(aboveBase);
        this.bs = bs;
        this.baseOverlay = baseOverlay;
        this.aboveBase = aboveBase;
        this.wasReadOnly = wasReadOnly;
    }

    @Override
    public String type() {
        return "stream";
    }

    /**
     * The copy-on-read filter while the job runs, else null.
     * @return the copy-on-read filter node, or null when the job is not running
     */
    public Node filter() {
        return cor;
    }

    static Job start(BlockJobs jobs, StreamOptions o) {
        BlockGraph g = jobs.graph();
        g.controlLock().lock();
        try {
            return startLocked(jobs, g, o);
        } finally {
            g.controlLock().unlock();
        }
    }

    private static Node lookupNode(BlockGraph g, String name) {
        Node n = Chains.findDevice(g, name);
        return n != null ? n : g.findNode(name);
    }

    private static Job startLocked(BlockJobs jobs, BlockGraph g, StreamOptions o) {
        if (o.base() != null && o.baseNode() != null) {
            throw new GraphException("'base' and 'base-node' cannot be specified at the same time");
        }
        if (o.base() != null && o.bottom() != null) {
            throw new GraphException("'base' and 'bottom' cannot be specified at the same time");
        }
        if (o.bottom() != null && o.baseNode() != null) {
            throw new GraphException("'bottom' and 'base-node' cannot be specified at the same time");
        }
        Node bs = o.device() == null ? null : lookupNode(g, o.device());
        if (bs == null) {
            throw new GraphException(String.format("Cannot find device='%s' nor node-name='%s'", o.device(),
                    o.device()));
        }
        Node base = null;
        if (o.base() != null) {
            base = Chains.findBackingImage(bs, o.base());
            if (base == null) {
                throw new GraphException(String.format("Can't find '%s' in the backing chain", o.base()));
            }
        }
        if (o.baseNode() != null) {
            base = g.findNode(o.baseNode());
            if (base == null) {
                throw new GraphException(String.format("Cannot find device='' nor node-name='%s'", o.baseNode()));
            }
            if (base == bs || !Chains.isBelow(bs, base)) {
                throw new GraphException(String.format("Node '%s' is not a backing image of '%s'", o.baseNode(),
                        o.device()));
            }
        }
        Node bottom = null;
        if (o.bottom() != null) {
            bottom = g.findNode(o.bottom());
            if (bottom == null) {
                throw new GraphException(String.format("Cannot find device='' nor node-name='%s'", o.bottom()));
            }
            if (bottom.isRemoved()) {
                throw new GraphException(String.format("Node '%s' is not open", o.bottom()));
            }
            if (bottom.driver().isFilter()) {
                throw new GraphException(String.format(
                        "Node '%s' is a filter, use a non-filter node as 'bottom'", o.bottom()));
            }
            if (bottom != bs && !Chains.isBelow(bs, bottom)) {
                throw new GraphException(String.format("Node '%s' is not in a chain starting from '%s'",
                        o.bottom(), o.device()));
            }
        }
        Node iterEnd = bottom != null ? Chains.filterOrCow(bottom) : base;
        OpBlockers blockers = OpBlockers.of(g);
        for (Node i = bs; i != null && i != iterEnd; i = Chains.filterOrCow(i)) {
            blockers.check(i, OpType.STREAM);
        }
        if (base == null && o.backingFile() != null) {
            throw new GraphException("backing file specified, but streaming the entire chain");
        }
        String id = o.jobId() != null ? o.jobId() : Chains.deviceName(bs);

        // stream_start
        Node baseOverlay;
        Node aboveBase;
        if (bottom != null) {
            baseOverlay = bottom;
            aboveBase = bottom;
        } else {
            baseOverlay = Chains.findOverlay(bs, base);
            if (baseOverlay == null) {
                throw new GraphException(String.format("'%s' is not in the backing chain of '%s'",
                        base == null ? "" : base.name(), bs.name()));
            }
            aboveBase = baseOverlay;
            while (Chains.filterOrCow(aboveBase) != base) {
                aboveBase = Chains.filterOrCow(aboveBase);
            }
        }
        boolean wasReadOnly = bs.isReadOnly();
        if (wasReadOnly) {
            g.freezeBackingChain(bs, aboveBase);
            try {
                g.reopenReadOnly(bs, false);
            } finally {
                g.unfreezeBackingChain(bs, aboveBase);
            }
        }
        StreamJob s = new StreamJob(g, id, bs, baseOverlay, aboveBase, wasReadOnly, o);
        Job job = null;
        try {
            s.cor = g.insertFilter(o.filterNodeName(), new CopyOnReadDriver(baseOverlay), bs);
            s.trace(SpecAction.InsertFilter, Map.of("filter", s.cor.name(), "node", bs.name()));
            s.freeze(s.cor, baseOverlay);
            s.corFrozen = true;
            job = jobs.registry().create(new JobOptions(id, false, o.autoFinalize(), o.autoDismiss(), o.speed(),
                    o.onError()), s);
            s.job = job;
            s.addNode("main node", s.cor, 0, Permission.ALL);
            s.blk = s.newBackend(s.cor, CR, CR | WU | W);
            s.addNode("active node", bs, 0, CR | WU | W);
            Node newBase = Chains.filterOrCow(aboveBase);
            for (Node i = Chains.filterOrCow(bs); i != null && i != newBase; i = Chains.filterOrCow(i)) {
                s.addNode("intermediate node", i, 0, CR | WU);
            }
        } catch (RuntimeException e) {
            s.undoSetup();
            if (job != null) {
                job.earlyFail();
            }
            throw e;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("bs", bs.name());
        args.put("base", base == null ? "" : base.name());
        args.put("bottom", bottom == null ? "" : bottom.name());
        args.putAll(optionArgs(o.autoFinalize(), o.autoDismiss(), o.onError()));
        s.trace(SpecAction.StreamStart, args);
        job.start();
        return job;
    }

    private void undoSetup() {
        dropFilter();
        closeBackends();
        removeAllNodes();
        if (wasReadOnly) {
            try {
                graph.reopenReadOnly(bs, true);
            } catch (GraphException ignored) {
                // as upstream: a failed reopen back to read-only leaves the node writable
            }
        }
    }

    private void dropFilter() {
        if (cor == null) {
            return;
        }
        if (corFrozen) {
            unfreeze(cor, baseOverlay);
            corFrozen = false;
        }
        dropFilterNode(cor);
        cor = null;
    }

    @Override
    public StepOutcome step(JobContext ctx) {
        if (length < 0) {
            length = bs.length();
            if (Chains.skipFilters(bs) == baseOverlay) {
                // Nothing to stream: upstream's stream_run returns before it sets the progress (len stays 0).
                return StepOutcome.done();
            }
            ctx.setRemaining(length);
            long cs = bs.driver().clusterSize(bs);
            buf = new byte[(int) Math.max(512, Math.min(cs <= 1 ? 65536 : cs, 1 << 20))];
        }
        if (offset >= length) {
            return StepOutcome.done();
        }
        int n = (int) Math.min(buf.length, length - offset);
        boolean copy = !bs.driver().isAllocated(bs, offset) && Chains.isAllocatedAbove(Chains.cow(bs), baseOverlay, offset);
        if (copy) {
            try {
                blk.read(offset, buf, 0, n);
            } catch (BlockIoException e) {
                StepOutcome failed = onUnitError(ctx, e, true);
                if (failed != null) {
                    return failed;
                }
                offset += n;
                return StepOutcome.progress(n, 0);
            }
        }
        // Every visited cluster is a JobCopyCluster of the spec (which removes it from the job's todo set), copied
        // or not; a cluster whose unit failed is not (JobError).
        trace(SpecAction.JobCopyCluster, Map.of("cluster", offset / buf.length, "copied", copy));
        offset += n;
        return StepOutcome.progress(n, copy ? n : 0);
    }

    @Override
    public void prepare(JobContext ctx) {
        try {
            dropFilter();
            Node newBase = graph.testOnlyBugs().streamPicksBaseAtStart ? baseAtStart : Chains.filterOrCow(aboveBase);
            Node unfiltered = Chains.skipFilters(bs);
            if (Chains.cow(unfiltered) != null) {
                if (Chains.cow(unfiltered) != newBase) {
                    graph.setBacking(unfiltered, newBase);
                }
                // bdrv_change_backing_file: the header names the new base (or nothing after a full stream)
                Node unfilteredBase = newBase == null ? null : Chains.skipFilters(newBase);
                if (unfilteredBase == null) {
                    graph.changeBackingFile(unfiltered, null, null);
                } else {
                    String baseId = backingFileStr != null ? backingFileStr : Chains.filename(unfilteredBase);
                    boolean protocol = unfilteredBase.driver().childNames().isEmpty();
                    graph.changeBackingFile(unfiltered, baseId, backingMaskProtocol && protocol ? "raw"
                            : unfilteredBase.driver().name());
                }
            }
        } catch (GraphException e) {
            throw asJobError(e);
        }
    }

    @Override
    public void clean(JobContext ctx) {
        undoSetup();
    }

    /** The nodes the job streams from (for tests): {@code bs}'s chain below it down to {@code base_overlay}. */
    List<Node> sources() {
        List<Node> out = new ArrayList<>();
        for (Node i = Chains.cow(bs); i != null; i = Chains.filterOrCow(i)) {
            out.add(i);
            if (i == baseOverlay) {
                break;
            }
        }
        return out;
    }
}
