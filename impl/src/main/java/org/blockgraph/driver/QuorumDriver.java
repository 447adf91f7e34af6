package org.blockgraph.driver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.PermPair;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;

/**
 * Driver {@code quorum} (upstream's {@code block/quorum.c}): N data children {@code children.0} …
 * {@code children.N-1} that hold replicas of one image.
 * <ul>
 *   <li>Read, pattern {@code quorum} (default): every child is read; if all successful reads agree that data is
 *       returned; otherwise the versions are counted and the most frequent one wins if it has at least
 *       {@code vote-threshold} votes, else the read fails with {@code EIO}. Fewer than {@code vote-threshold}
 *       successful reads fail with the most frequent child error.</li>
 *   <li>Read, pattern {@code fifo}: children in order until one succeeds.</li>
 *   <li>Write, write-zeroes: to every child; fewer than {@code vote-threshold} successes fail with the most
 *       frequent child error. Flush likewise.</li>
 *   <li>Length: the children's common length; children of different lengths give {@code EIO}.</li>
 *   <li>Permissions ({@code quorum_child_perm}): the parents' needs pass through; write and resize are never
 *       shared on a child, since either would make the replicas differ.</li>
 * </ul>
 * Not modelled: {@code blkverify}, {@code rewrite-corrupted}, adding and removing children at run time, and the
 * {@code QUORUM_REPORT_BAD} / {@code QUORUM_FAILURE} events. It is not a filter and not a COW node: a backing
 * chain walk stops at it, and a job on one of its children (030 TestQuorum) sees the quorum as that child's
 * parent.
 */
public final class QuorumDriver extends BlockDriver {
    /** How reads pick their data. */
    public enum ReadPattern {
        /** Read every child and vote. */
        QUORUM,
        /** Read the children in order until one succeeds. */
        FIFO
    }

    private static final Role CHILD_ROLE = new Role(Role.DATA);
    private final List<String> childNames;
    private final int threshold;
    private final ReadPattern readPattern;

    /**
     * A quorum of {@code children} children voting with {@code threshold}, pattern {@code quorum}.
     *
     * @param children  number of children ({@code children.0} …)
     * @param threshold {@code vote-threshold}
     * @throws GraphException as {@link #QuorumDriver(int, int, ReadPattern)}
     */
    public QuorumDriver(int children, int threshold) {
        this(children, threshold, ReadPattern.QUORUM);
    }

    /**
     * @param children    number of children ({@code children.0} …)
     * @param threshold   {@code vote-threshold}
     * @param readPattern {@code read-pattern}
     * @throws GraphException with upstream's {@code quorum_open} texts: {@code Number of provided children must be
     *                        1 or more}, {@code Parameter 'vote-threshold' expects a value >= 1},
     *                        {@code threshold may not exceed children count}
     */
    public QuorumDriver(int children, int threshold, ReadPattern readPattern) {
        if (children < 1) {
            throw new GraphException("Number of provided children must be 1 or more");
        }
        if (threshold < 1) {
            throw new GraphException("Parameter 'vote-threshold' expects a value >= 1");
        }
        if (threshold > children) {
            throw new GraphException("threshold may not exceed children count");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            names.add("children." + i);
        }
        this.childNames = List.copyOf(names);
        this.threshold = threshold;
        this.readPattern = readPattern == null ? ReadPattern.QUORUM : readPattern;
    }

    @Override
    public String name() {
        return "quorum";
    }

    /**
     * The vote threshold.
     *
     * @return how many children must agree on a read's data
     */
    public int threshold() {
        return threshold;
    }

    @Override
    public List<String> childNames() {
        return childNames;
    }

    @Override
    public Role childRole(String childName) {
        return childNames.contains(childName) ? CHILD_ROLE : null;
    }

    @Override
    public List<String> requiredChildren() {
        return childNames;
    }

    private List<Child> children(Node bs) {
        List<Child> out = new ArrayList<>(childNames.size());
        for (String n : childNames) {
            Child c = bs.child(n);
            if (c == null || c.node() == null) {
                throw new BlockIoException(BlockIoException.ENOMEDIUM, "No medium found");
            }
            out.add(c);
        }
        return out;
    }

    @Override
    public long length(Node bs) {
        long len = -1;
        for (Child c : children(bs)) {
            long l = c.length();
            if (len >= 0 && l != len) {
                throw new BlockIoException(BlockIoException.EIO, BlockIoException.strerror(BlockIoException.EIO));
            }
            len = l;
        }
        return len;
    }

    /** The errno most children failed with (ties: the first child's), as upstream's quorum_vote_error. */
    private static int voteError(List<Integer> errors) {
        Map<Integer, Integer> votes = new LinkedHashMap<>();
        for (int e : errors) {
            votes.merge(e, 1, Integer::sum);
        }
        int best = BlockIoException.EIO;
        int max = 0;
        for (Map.Entry<Integer, Integer> v : votes.entrySet()) {
            if (v.getValue() > max) {
                max = v.getValue();
                best = v.getKey();
            }
        }
        return best;
    }

    private static BlockIoException failure(int errno) {
        return new BlockIoException(errno, BlockIoException.strerror(errno));
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        List<Child> cs = children(bs);
        if (readPattern == ReadPattern.FIFO) {
            BlockIoException last = null;
            for (Child c : cs) {
                try {
                    c.read(offset, buf, off, len, 0);
                    return;
                } catch (BlockIoException e) {
                    last = e;
                }
            }
            throw last;
        }
        List<byte[]> versions = new ArrayList<>();
        List<Integer> votes = new ArrayList<>();
        List<Integer> errors = new ArrayList<>();
        for (Child c : cs) {
            byte[] data = new byte[len];
            try {
                c.read(offset, data, 0, len, 0);
            } catch (BlockIoException e) {
                errors.add(e.errno());
                continue;
            }
            int v = 0;
            while (v < versions.size() && !Arrays.equals(versions.get(v), data)) {
                v++;
            }
            if (v == versions.size()) {
                versions.add(data);
                votes.add(0);
            }
            votes.set(v, votes.get(v) + 1);
        }
        int successes = cs.size() - errors.size();
        if (successes < threshold) {
            throw failure(voteError(errors));
        }
        int winner = 0;
        for (int v = 1; v < versions.size(); v++) {
            if (votes.get(v) > votes.get(winner)) {
                winner = v;
            }
        }
        if (versions.size() > 1 && votes.get(winner) < threshold) {
            throw failure(BlockIoException.EIO);
        }
        System.arraycopy(versions.get(winner), 0, buf, off, len);
    }

    private interface ChildOp {
        void apply(Child c);
    }

    private void onAll(Node bs, ChildOp op) {
        List<Child> cs = children(bs);
        List<Integer> errors = new ArrayList<>();
        for (Child c : cs) {
            try {
                op.apply(c);
            } catch (BlockIoException e) {
                errors.add(e.errno());
            }
        }
        if (cs.size() - errors.size() < threshold) {
            throw failure(voteError(errors));
        }
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        onAll(bs, c -> c.write(offset, buf, off, len, flags));
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        onAll(bs, c -> c.writeZeroes(offset, len, flags));
    }

    @Override
    public void flush(Node bs) {
        onAll(bs, Child::flush);
    }

    /** {@code quorum_child_perm}: pass the parents' needs through; never share write or resize. */
    @Override
    public PermPair childPerm(Node bs, Role role, int perm, int shared) {
        int unchanged = Permission.ALL & ~(Permission.WRITE.bit() | Permission.RESIZE.bit());
        int s = (shared & (Permission.CONSISTENT_READ.bit() | Permission.WRITE_UNCHANGED.bit())) | unchanged;
        return new PermPair(perm & Permission.PASSTHROUGH, s);
    }

    @Override
    public String describeOptions() {
        return "vote-threshold=" + threshold + ",children=" + childNames.size() + ",read-pattern="
                + readPattern.name().toLowerCase(java.util.Locale.ROOT);
    }
}
