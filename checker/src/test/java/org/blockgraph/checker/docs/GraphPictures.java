package org.blockgraph.checker.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.blockjob.CommitOptions;
import org.blockgraph.blockjob.StreamOptions;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.graph.Role;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.ManualJobExecutor;

/**
 * The pictures of docs/architecture.md: the graph of a real job caught mid-flight, written as Graphviz DOT from
 * {@link BlockGraph#state()}, so a picture shows what the code builds.
 *
 * <p>Each picture starts the real job through {@link BlockJobs} ({@code block-stream}, an intermediate
 * {@code block-commit}, an active {@code block-commit}) on a {@link ManualJobExecutor}, steps it by hand until it
 * has copied one cluster and is still {@code running}, and dumps the graph: nodes (driver, read-only), every edge
 * with its role bits and its permissions (required / shared), the job's own edges, the job's internal
 * BlockBackends, the filter node the job inserted and the links it froze.
 */
final class GraphPictures {
    private static final int CLUSTER = 65536;
    private static final int CLUSTERS = 4;
    private static final int SIZE = CLUSTER * CLUSTERS;

    private GraphPictures() {
    }

    /** The picture names and their DOT text, in the order the docs show them. */
    static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stream", stream());
        m.put("commit", commit());
        m.put("active-commit", activeCommit());
        return m;
    }

    /** {@code base <- mid <- top}, device {@code vda} on top, {@code block-stream vda base-node=base} running. */
    static String stream() {
        return running("stream", "block-stream device=vda base-node=base, mid-flight: the copy-on-read filter"
                + " copies what mid holds into top", jobs -> jobs.stream(StreamOptions.of("vda").baseNode("base")
                        .jobId("job0").filterNodeName("stream-cor")));
    }

    /** {@code base <- mid <- top}, device {@code vda} on top, {@code block-commit vda top-node=mid} running. */
    static String commit() {
        return running("commit", "block-commit device=vda top-node=mid base-node=base, mid-flight: mid is copied"
                + " into base below the commit_top filter", jobs -> jobs.commit(CommitOptions.of("vda")
                        .topNode("mid").baseNode("base").jobId("job0").filterNodeName("commit-top")));
    }

    /** {@code base <- mid <- top}, device {@code vda} on top, {@code block-commit vda base-node=base} running. */
    static String activeCommit() {
        return running("active_commit", "block-commit device=vda base-node=base (active commit), mid-flight: the"
                + " mirror_top filter sees guest writes while top and mid are copied into base",
                jobs -> jobs.commit(CommitOptions.of("vda").baseNode("base").jobId("job0")
                        .filterNodeName("commit-active")));
    }

    /** Starts a job on a fresh chain and steps it until it has done one unit of work and still runs. */
    private static String running(String name, String caption, java.util.function.Function<BlockJobs, Job> start) {
        BlockGraph g = new BlockGraph();
        ManualJobExecutor exec = new ManualJobExecutor();
        BlockJobs jobs = new BlockJobs(g, exec);
        chain(g);
        Job job = start.apply(jobs);
        int steps = 0;
        while (job.status() != JobStatus.RUNNING || job.info().currentProgress() == 0) {
            if (!exec.runNext()) {
                throw new IllegalStateException(name + ": job stopped before it ran: " + job.state());
            }
            if (++steps > 100) {
                throw new IllegalStateException(name + ": job made no progress in 100 steps: " + job.state());
            }
        }
        if (job.info().currentProgress() >= job.info().totalProgress()) {
            throw new IllegalStateException(name + ": job finished its copy before the picture: " + job.state());
        }
        return dot(name, caption, g.state());
    }

    /** base (holds every cluster), mid (holds cluster 1), top (holds cluster 2); backing nodes read-only. */
    private static void chain(BlockGraph g) {
        Node base = g.addNode("base", new MemoryDriver(SIZE));
        Node mid = g.addNode("mid", new CowDriver(SIZE, CLUSTER),
                ordered("file", g.addNode("mid-file", new MemoryDriver(SIZE)), "backing", base));
        fill(g, mid, 1);
        Node top = g.addNode("top", new CowDriver(SIZE, CLUSTER),
                ordered("file", g.addNode("top-file", new MemoryDriver(SIZE)), "backing", mid));
        fill(g, top, 2);
        g.reopenReadOnly(mid, true);
        BlockBackend.create(g, "vda", top, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(), Permission.ALL);
    }

    private static void fill(BlockGraph g, Node n, int cluster) {
        BlockBackend w = BlockBackend.create(g, null, n, Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(),
                Permission.ALL);
        try {
            byte[] data = new byte[CLUSTER];
            java.util.Arrays.fill(data, (byte) (cluster + 1));
            w.write((long) cluster * CLUSTER, data);
        } finally {
            w.close();
        }
    }

    private static Map<String, Node> ordered(String k1, Node v1, String k2, Node v2) {
        Map<String, Node> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /**
     * DOT for a graph state: nodes as boxes (name, driver, read-only), BlockBackends and jobs as ellipses, one
     * arrow per edge from parent to child labelled with its name, role and permissions ({@code C} consistent read,
     * {@code W} write, {@code U} write unchanged, {@code R} resize; {@code perm/shared}); job edges dashed; frozen
     * links bold red.
     */
    static String dot(String name, String caption, GraphState s) {
        StringBuilder b = new StringBuilder();
        b.append("// Generated by org.blockgraph.checker.docs.GraphPictures from BlockGraph.state() of a running job;"
                + " do not edit.\n");
        b.append("// Regenerate: mvn -B -o -pl checker -am verify -Dtest=GraphPicturesTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dblockgraph.docs.regenerate=true && docs/img/render.sh\n");
        b.append("digraph ").append(name).append(" {\n");
        b.append("  label=").append(quote(caption + "\nedges: name, role bits, required/shared permissions (C consistent"
                + " read, W write, U write unchanged, R resize); dashed: job edges; red: frozen links; pink: filters")).append(";\n  labelloc=b;\n  rankdir=TB;\n");
        b.append("  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (GraphState.NodeState n : s.nodes()) {
            boolean filter = n.driver().contains("top") || n.driver().equals("copy-on-read");
            b.append("  ").append(quote("node:" + n.name())).append(" [shape=box")
                    .append(filter ? ", style=filled, fillcolor=\"mistyrose\"" : "")
                    .append(", label=").append(quote(n.name() + "\n" + n.driver() + (n.readOnly() ? ", read-only" : "")))
                    .append("];\n");
        }
        // A BlockBackend has exactly one root edge, so unnamed ones (a job's internal BlockBackends) are told
        // apart by their edge's position; a job's several edges share its one description.
        List<String> ids = new ArrayList<>();
        int unnamed = 0;
        for (GraphState.EdgeState e : s.rootEdges()) {
            ids.add(e.parent().startsWith("an unnamed") ? e.parent() + " #" + ++unnamed : e.parent());
        }
        for (int i = 0; i < ids.size(); i++) {
            String p = ids.get(i);
            if (ids.indexOf(p) == i) {
                b.append("  ").append(quote(p)).append(" [shape=ellipse, style=filled, fillcolor=\"")
                        .append(p.contains(" job ") ? "lightyellow" : "lightblue").append("\", label=")
                        .append(quote(s.rootEdges().get(i).parent())).append("];\n");
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            edge(b, quote(ids.get(i)), s.rootEdges().get(i));
        }
        for (GraphState.NodeState n : s.nodes()) {
            for (GraphState.EdgeState e : n.children()) {
                edge(b, quote("node:" + n.name()), e);
            }
        }
        b.append("}\n");
        return b.toString();
    }

    private static void edge(StringBuilder b, String from, GraphState.EdgeState e) {
        String label = e.name() + (e.frozen() ? " (frozen)" : "") + "\n" + (e.role() == 0 ? "" : roles(e.role()) + " ")
                + perms(e.perm()) + "/" + perms(e.shared());
        b.append("  ").append(from).append(" -> ").append(quote("node:" + e.child())).append(" [label=")
                .append(quote(label));
        if (e.frozen()) {
            b.append(", color=red, fontcolor=red, penwidth=2");
        }
        if (e.role() == 0) {
            b.append(", style=dashed");
        }
        b.append("];\n");
    }

    /** Role bits as upstream's names, lower case; {@code -} for none. */
    static String roles(int bits) {
        List<String> r = new ArrayList<>();
        String[] names = {"data", "metadata", "filtered", "cow", "primary"};
        int[] values = {Role.DATA, Role.METADATA, Role.FILTERED, Role.COW, Role.PRIMARY};
        for (int i = 0; i < names.length; i++) {
            if ((bits & values[i]) != 0) {
                r.add(names[i]);
            }
        }
        return r.isEmpty() ? "-" : String.join("|", r);
    }

    /** A permission mask as letters {@code CWUR}; {@code -} for none. */
    static String perms(int mask) {
        StringBuilder p = new StringBuilder();
        char[] letters = {'C', 'W', 'U', 'R'};
        Permission[] bits = {Permission.CONSISTENT_READ, Permission.WRITE, Permission.WRITE_UNCHANGED,
            Permission.RESIZE};
        for (int i = 0; i < bits.length; i++) {
            if ((mask & bits[i].bit()) != 0) {
                p.append(letters[i]);
            }
        }
        return p.length() == 0 ? "-" : p.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
