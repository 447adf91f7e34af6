package org.blockgraph.chain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.job.JobState;
import org.blockgraph.job.JobStatus;

/**
 * The invariants of spec/chain ({@code Chain.tla}), one method each in lowerCamelCase, checked on a live graph and
 * its jobs. Each returns the violations it found as readable strings (empty when the invariant holds). Call them
 * between commands (no control operation half done); each method takes the control lock for its reads.
 *
 * <p>The spec's variables as Java sees them: a node's link is {@link Chains#filterOrCowChild}; {@code frozen[n]} is
 * that edge's frozen flag; the guest's BlockBackend is attached to {@code root}; a job's {@code jobLinks} are the
 * links of the ranges it froze ({@link JobView#frozenRanges}) and its {@code jobNodes} the nodes it added
 * ({@link JobView#nodes}); {@code guest} (what the guest last wrote) and {@code frozenTo} (where a frozen link
 * pointed when it was frozen) are ghost state kept by this object across calls.
 *
 * <p>Not checked: {@code TypeOK} (Java's types), and the {@code finalize} conjunct of {@code JobVerbInv} (Java keeps
 * no finalize-requested flag; a finalize outside PENDING is refused by the verb table, see JobVerbMatrixTest).
 * {@code JobChainIntactInv} is checked through each job's frozen ranges: their top (the job's filter) is live and
 * their base still lies below it.
 */
public final class ChainInvariants {

    /**
     * What the oracle needs of one job.
     *
     * @param id            the job id
     * @param state         a consistent copy of its state
     * @param frozenRanges  the link ranges it holds frozen, each {@code {top, base}} (base null: end of chain)
     * @param nodes         the nodes it added with block_job_add_bdrv
     */
    public record JobView(String id, JobState state, List<Node[]> frozenRanges, List<Node> nodes) {
    }

    private final BlockGraph graph;
    /** Ghost frozenTo: the node a frozen link pointed at when this oracle first saw it frozen. */
    private final Map<Node, Node> frozenTo = new IdentityHashMap<>();

    /**
     * An oracle for {@code graph}; keep one per run so that its ghost state follows the run.
     *
     * @param graph the graph whose nodes and links are checked
     */
    public ChainInvariants(BlockGraph graph) {
        this.graph = graph;
    }

    /**
     * Every invariant; empty if all hold.
     *
     * @param root        the node the guest's BlockBackend is attached to
     * @param jobs        the jobs of the graph
     * @param guest       what the guest last wrote per cluster (or the initial content), the spec's {@code guest}
     * @param clusterSize the cluster size the guest writes in
     * @return one message per violation, each starting with the invariant's name; empty if all hold
     */
    public List<String> all(Node root, List<JobView> jobs, int[] guest, int clusterSize) {
        graph.controlLock().lock();
        try {
            List<String> out = new ArrayList<>();
            out.addAll(backingLiveInv(root));
            out.addAll(acyclicInv());
            out.addAll(guestContentInv(root, guest, clusterSize));
            out.addAll(frozenLinkInv());
            out.addAll(frozenOwnedInv(jobs));
            out.addAll(rangeExclusiveInv(jobs));
            out.addAll(jobChainIntactInv(jobs));
            out.addAll(jobVerbInv(jobs));
            return out;
        } finally {
            graph.controlLock().unlock();
        }
    }

    /**
     * The guest reads, through the chain from its BlockBackend, what it last wrote (or the initial content).
     *
     * @param root        the node the guest's BlockBackend is attached to
     * @param guest       the expected byte per cluster (the spec's {@code guest})
     * @param clusterSize the cluster size; cluster {@code c}'s first byte is read, at {@code c * clusterSize}
     * @return one message per cluster that reads otherwise; empty if it holds
     */
    public List<String> guestContentInv(Node root, int[] guest, int clusterSize) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < guest.length; c++) {
            int v = read(root, (long) c * clusterSize, Map.of());
            if (v != guest[c]) {
                out.add("guestContentInv: cluster " + c + " reads " + v + " through " + root.name() + ", the guest wrote "
                        + guest[c]);
            }
        }
        return out;
    }

    /**
     * Every link of a live node points at a live node; the BlockBackend's node is live.
     *
     * @param root the node the guest's BlockBackend is attached to
     * @return one message per violation; empty if it holds
     */
    public List<String> backingLiveInv(Node root) {
        List<String> out = new ArrayList<>();
        if (root == null || root.isRemoved()) {
            out.add("backingLiveInv: the guest's root node " + root + " is not live");
        }
        for (Node n : graph.nodes()) {
            Node b = Chains.filterOrCow(n);
            if (b != null && b.isRemoved()) {
                out.add("backingLiveInv: " + n.name() + " links to deleted node " + b.name());
            }
        }
        return out;
    }

    /**
     * No node is below itself.
     *
     * @return one message per node that reaches itself along filter-or-COW links; empty if it holds
     */
    public List<String> acyclicInv() {
        List<String> out = new ArrayList<>();
        int bound = graph.nodes().size() + 1;
        for (Node n : graph.nodes()) {
            Node i = Chains.filterOrCow(n);
            for (int d = 0; i != null && d < bound; d++) {
                if (i == n) {
                    out.add("acyclicInv: " + n.name() + " is below itself");
                    break;
                }
                i = Chains.filterOrCow(i);
            }
        }
        return out;
    }

    /**
     * A frozen link never changes while it is frozen (and its node stays). Updates the oracle's ghost
     * {@code frozenTo}, so call it after every step of the run.
     *
     * @return one message per frozen link that moved since it was first seen frozen; empty if it holds
     */
    public List<String> frozenLinkInv() {
        List<String> out = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : graph.nodes()) {
            Child link = Chains.filterOrCowChild(n);
            if (link != null && link.isFrozen()) {
                seen.add(n);
                Node was = frozenTo.putIfAbsent(n, link.node());
                if (was != null && was != link.node()) {
                    out.add("frozenLinkInv: frozen link of " + n.name() + " moved from " + was.name() + " to "
                            + link.node().name());
                    frozenTo.put(n, link.node());
                }
            }
        }
        for (Node n : new ArrayList<>(frozenTo.keySet())) {
            if (!seen.contains(n)) {
                // unfrozen now (or the node is gone: then it must have been unfrozen first, which the job's
                // ranges tell: frozenOwnedInv)
                frozenTo.remove(n);
            }
        }
        return out;
    }

    /**
     * A link is frozen exactly while an active job that froze it holds it.
     *
     * @param jobs the jobs of the graph
     * @return one message per link frozen without an owner or owned without being frozen; empty if it holds
     */
    public List<String> frozenOwnedInv(List<JobView> jobs) {
        List<String> out = new ArrayList<>();
        Set<Node> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        for (JobView j : jobs) {
            if (active(j)) {
                for (Node[] r : j.frozenRanges()) {
                    owned.addAll(links(r));
                }
            }
        }
        for (Node n : graph.nodes()) {
            Child link = Chains.filterOrCowChild(n);
            boolean frozen = link != null && link.isFrozen();
            if (frozen != owned.contains(n)) {
                out.add("frozenOwnedInv: link of " + n.name() + (frozen ? " is frozen but no active job holds it"
                        : " is held by an active job but not frozen"));
            }
        }
        return out;
    }

    /**
     * Two active jobs never freeze the same link nor hold the same node.
     *
     * @param jobs the jobs of the graph
     * @return one message per shared link or node; empty if it holds
     */
    public List<String> rangeExclusiveInv(List<JobView> jobs) {
        List<String> out = new ArrayList<>();
        for (int a = 0; a < jobs.size(); a++) {
            for (int b = a + 1; b < jobs.size(); b++) {
                JobView x = jobs.get(a);
                JobView y = jobs.get(b);
                if (!active(x) || !active(y)) {
                    continue;
                }
                Set<Node> lx = Collections.newSetFromMap(new IdentityHashMap<>());
                x.frozenRanges().forEach(r -> lx.addAll(links(r)));
                for (Node[] r : y.frozenRanges()) {
                    for (Node n : links(r)) {
                        if (lx.contains(n)) {
                            out.add("rangeExclusiveInv: jobs " + x.id() + " and " + y.id() + " both freeze the link of "
                                    + n.name());
                        }
                    }
                }
                for (Node n : y.nodes()) {
                    if (x.nodes().contains(n)) {
                        out.add("rangeExclusiveInv: jobs " + x.id() + " and " + y.id() + " both hold " + n.name());
                    }
                }
            }
        }
        return out;
    }

    /**
     * While a job runs, its filter is live and the base of each range it froze is still below its top.
     *
     * @param jobs the jobs of the graph
     * @return one message per broken range of an active job; empty if it holds
     */
    public List<String> jobChainIntactInv(List<JobView> jobs) {
        List<String> out = new ArrayList<>();
        for (JobView j : jobs) {
            if (!active(j)) {
                continue;
            }
            for (Node[] r : j.frozenRanges()) {
                if (r[0].isRemoved()) {
                    out.add("jobChainIntactInv: job " + j.id() + "'s filter " + r[0].name() + " is gone");
                } else if (r[1] != null && !Chains.isBelow(r[0], r[1])) {
                    out.add("jobChainIntactInv: job " + j.id() + ": " + r[1].name() + " is no longer below "
                            + r[0].name());
                }
            }
        }
        return out;
    }

    /**
     * Verbs leave traces in the state that the verb table allowed: {@code complete} only once READY, a soft cancel
     * only on a READY job.
     *
     * @param jobs the jobs of the graph
     * @return one message per job with a complete request or soft cancel in UNDEFINED, CREATED, RUNNING or PAUSED;
     *         empty if it holds
     */
    public List<String> jobVerbInv(List<JobView> jobs) {
        List<String> out = new ArrayList<>();
        Set<JobStatus> early = Set.of(JobStatus.UNDEFINED, JobStatus.CREATED, JobStatus.RUNNING, JobStatus.PAUSED);
        for (JobView j : jobs) {
            JobState s = j.state();
            if (s.completeRequested() && early.contains(s.status())) {
                out.add("jobVerbInv: job " + j.id() + " has complete requested in " + s.status());
            }
            if (s.cancelled() && !s.forceCancel() && early.contains(s.status())) {
                out.add("jobVerbInv: job " + j.id() + " has a soft cancel in " + s.status());
            }
        }
        return out;
    }

    private static boolean active(JobView j) {
        JobStatus s = j.state().status();
        return s != JobStatus.UNDEFINED && s != JobStatus.CONCLUDED && s != JobStatus.NULL;
    }

    /** The nodes whose link lies in the range {top, base}: top, ..., the node directly above base. */
    static List<Node> links(Node[] range) {
        List<Node> out = new ArrayList<>();
        Node i = range[0];
        for (int d = 0; i != null && i != range[1] && d < 1000; d++) {
            if (Chains.filterOrCow(i) != null) {
                out.add(i);
            }
            i = Chains.filterOrCow(i);
        }
        return out;
    }

    /**
     * The byte the chain from {@code top} shows at {@code offset}: the first allocation down the chain (filters hold
     * no data), read from the allocating node's file without any request machinery (no copy-on-read, no tracking),
     * with {@code override} replacing some links (to ask what a reopen would show).
     *
     * @param top      the top of the chain
     * @param offset   the byte offset to read
     * @param override per node, the node its link should be taken to point at instead (null: end of chain)
     * @return the byte (0..255), 0 past the bottom of the chain
     */
    public static int read(Node top, long offset, Map<Node, Node> override) {
        Node i = top;
        for (int d = 0; i != null && d < 1000; d++) {
            if (!i.driver().isFilter() && i.driver().isAllocated(i, offset)) {
                Child f = i.child("file");
                byte[] b = new byte[1];
                if (f == null) {
                    i.driver().read(i, offset, b, 0, 1, 0);
                } else {
                    f.node().driver().read(f.node(), offset, b, 0, 1, 0);
                }
                return b[0] & 0xff;
            }
            i = override.containsKey(i) ? override.get(i) : Chains.filterOrCow(i);
        }
        return 0;
    }
}
