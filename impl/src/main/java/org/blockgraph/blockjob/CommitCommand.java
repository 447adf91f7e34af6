package org.blockgraph.blockjob;

import org.blockgraph.chain.Chains;
import org.blockgraph.chain.OpBlockers;
import org.blockgraph.chain.OpType;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.job.Job;

/**
 * {@code block-commit} (upstream's {@code qmp_block_commit}): argument checks in upstream's order with its error
 * texts (reference §3.3), then an intermediate ({@link CommitJob}) or active ({@link ActiveCommitJob}) commit.
 */
final class CommitCommand {
    private CommitCommand() {
    }

    static Job start(BlockJobs jobs, CommitOptions o) {
        BlockGraph g = jobs.graph();
        g.controlLock().lock();
        try {
            return startLocked(jobs, g, o);
        } finally {
            g.controlLock().unlock();
        }
    }

    private static Job startLocked(BlockJobs jobs, BlockGraph g, CommitOptions o) {
        Node bs = o.device() == null ? null : Chains.findDevice(g, o.device());
        if (bs == null && o.device() != null) {
            bs = g.findNode(o.device());
        }
        if (bs == null) {
            throw new GraphException(String.format("Device '%s' not found", o.device()));
        }
        OpBlockers blockers = OpBlockers.of(g);
        blockers.check(bs, OpType.COMMIT_SOURCE);

        if (o.topNode() != null && o.top() != null) {
            throw new GraphException("'top-node' and 'top' are mutually exclusive");
        }
        Node top = bs;
        if (o.topNode() != null) {
            top = g.findNode(o.topNode());
            if (top == null) {
                throw new GraphException(String.format("Cannot find device='' nor node-name='%s'", o.topNode()));
            }
            if (top != bs && !Chains.isBelow(bs, top)) {
                throw new GraphException(String.format("'%s' is not in this backing file chain", o.topNode()));
            }
        } else if (o.top() != null) {
            top = Chains.filename(bs).equals(o.top()) ? bs : Chains.findBackingImage(bs, o.top());
        }
        if (top == null) {
            throw new GraphException(String.format("Top image file %s not found", o.top()));
        }

        if (o.baseNode() != null && o.base() != null) {
            throw new GraphException("'base-node' and 'base' are mutually exclusive");
        }
        Node base;
        if (o.baseNode() != null) {
            base = g.findNode(o.baseNode());
            if (base == null) {
                throw new GraphException(String.format("Cannot find device='' nor node-name='%s'", o.baseNode()));
            }
            if (base != top && !Chains.isBelow(top, base)) {
                throw new GraphException(String.format("'%s' is not in this backing file chain", o.baseNode()));
            }
        } else if (o.base() != null) {
            base = Chains.findBackingImage(top, o.base());
            if (base == null) {
                throw new GraphException(String.format("Can't find '%s' in the backing chain", o.base()));
            }
        } else {
            base = Chains.findBase(top);
            if (base == null) {
                throw new GraphException("There is no backimg image");
            }
        }
        for (Node i = top; i != null; i = Chains.filterOrCow(i)) {
            blockers.check(i, OpType.COMMIT_TARGET);
            if (i == base) {
                break;
            }
        }
        if (top == base) {
            throw new GraphException("cannot commit an image into itself");
        }
        String id = o.jobId() != null ? o.jobId() : Chains.deviceName(bs);
        boolean topIsActive = Chains.skipFilters(top) == Chains.skipFilters(bs);
        if (topIsActive || Chains.hasWriter(top)) {
            if (o.backingFile() != null) {
                throw new GraphException(topIsActive ? "'backing-file' specified, but 'top' is the active layer"
                        : "'backing-file' specified, but 'top' has a writer on it");
            }
            return ActiveCommitJob.start(jobs, o, id, top, base);
        }
        Node overlay = Chains.findOverlay(bs, top);
        if (overlay == null) {
            throw new GraphException(String.format("'%s' is not in this backing file chain", top.name()));
        }
        blockers.check(overlay, OpType.COMMIT_TARGET);
        return CommitJob.start(jobs, o, id, bs, top, base);
    }
}
