package org.blockgraph.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;

/**
 * A {@link TraceSink} that writes one ndjson line per action: {@code {"seq":..,"action":..,"args":{..},"post":{..}}},
 * preceded by one header line {@code {"header":{..}}} that carries the model constants (nodes, BlockBackends,
 * threads, the initial graph) of the trace spec (spec/trace/DrainTrace.tla).
 *
 * <p>Order: {@link #emit} takes the sequence number and writes the line under this sink's monitor, so the file
 * order is the order of the {@code emit} calls. That order is the order of the actions because every action's
 * emit runs inside the critical section that commits it: the control-thread actions under the control lock, and,
 * where an I/O thread's check and a control thread's quiesce race, both under {@link #order()} (see
 * docs/trace-validation.md, divergence diary 1-3).
 *
 * <p>Recording starts with {@link #start}: events emitted before (building the initial graph) are not recorded,
 * because the trace spec begins from the graph the header describes.
 */
public final class NdjsonTraceSink implements TraceSink, AutoCloseable {

    private final ObjectMapper json = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private final Writer out;
    private final java.util.concurrent.locks.ReentrantLock order = new java.util.concurrent.locks.ReentrantLock();
    /** Plain under the monitor; volatile so that {@link #enabled()} is a cheap unlocked read. */
    private volatile boolean recording;
    /** Guarded by this. */
    private long seq;

    /**
     * A sink that writes to {@code out} once {@link #start} is called; closing the sink closes {@code out}.
     * @param out the writer that receives one JSON object per line
     */
    public NdjsonTraceSink(Writer out) {
        this.out = out;
    }

    @Override
    public boolean enabled() {
        return recording;
    }

    @Override
    public java.util.concurrent.locks.Lock order() {
        return order;
    }

    /**
     * Writes the header line and starts recording.
     * @param header the header object, written as {@code {"header": header}}
     * @throws IllegalStateException if recording has already started
     * @throws java.io.UncheckedIOException if the write fails
     */
    public synchronized void start(Map<String, Object> header) {
        if (recording) {
            throw new IllegalStateException("trace already started");
        }
        writeLine(Map.of("header", header));
        recording = true;
    }

    /** Stops recording (later events are dropped) and flushes. */
    public synchronized void stop() {
        recording = false;
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Events written so far.
     * @return the number of events written so far (the next event's sequence number)
     */
    public synchronized long events() {
        return seq;
    }

    @Override
    public synchronized void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
        if (!recording) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("seq", ++seq);
        line.put("action", action.name());
        line.put("args", new TreeMap<>(args));
        line.put("post", post);
        writeLine(line);
    }

    private void writeLine(Object value) {
        try {
            out.write(json.writeValueAsString(value));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        recording = false;
        out.close();
    }

    /**
     * The header for a trace that starts from {@code graph}'s current structure: its live nodes, its
     * BlockBackends (root parents) and every edge as {@code {parent, parentKind, role, child}}, plus the names
     * of the threads that will submit I/O.
     * @param graph the graph whose current structure the header describes
     * @param threads the names of the threads that will submit I/O
     * @return the header map ({@code spec}, {@code nodes}, {@code blks}, {@code threads}, {@code edges})
     */
    public static Map<String, Object> header(BlockGraph graph, java.util.List<String> threads) {
        return header(graph, threads, java.util.List.of());
    }

    /**
     * As {@link #header(BlockGraph, java.util.List)}, also declaring {@code futureNodes}: names of nodes the run may
     * create later. spec/drain has a fixed node set, so such a node is, for the spec, a live node without edges from
     * the start (and its quiesce counter, drain_all's share, is what Java gives a node created then).
     * @param graph the graph whose current structure the header describes
     * @param threads the names of the threads that will submit I/O
     * @param futureNodes names of nodes the run may create later
     * @return the header map ({@code spec}, {@code nodes}, {@code blks}, {@code threads}, {@code edges})
     */
    public static Map<String, Object> header(BlockGraph graph, java.util.List<String> threads,
                                             java.util.List<String> futureNodes) {
        GraphState st = graph.state();
        java.util.List<String> nodes = new java.util.ArrayList<>();
        java.util.List<Map<String, Object>> edges = new java.util.ArrayList<>();
        java.util.Set<String> blks = new java.util.TreeSet<>();
        for (GraphState.NodeState n : st.nodes()) {
            nodes.add(n.name());
            for (GraphState.EdgeState e : n.children()) {
                edges.add(Map.of("parent", n.name(), "parentKind", "node", "role", e.name(), "child", e.child()));
            }
        }
        for (GraphState.EdgeState e : st.rootEdges()) {
            String[] kindName = parentName(e.parent());
            if (kindName[0].equals("blk")) {
                blks.add(kindName[1]);
            }
            edges.add(Map.of("parent", kindName[1], "parentKind", kindName[0], "role", e.name(), "child", e.child()));
        }
        for (String f : futureNodes) {
            if (!nodes.contains(f)) {
                nodes.add(f);
            }
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("spec", "drain");
        h.put("nodes", nodes);
        h.put("blks", java.util.List.copyOf(blks));
        h.put("threads", java.util.List.copyOf(threads));
        h.put("edges", edges);
        return h;
    }

    /**
     * Splits a parent description ({@code node 'x'}, {@code block device 'x'}, {@code job 'x'}) into
     * {kind, name} with kind one of node, blk, job, other.
     * @param describe a parent's {@code describe()} text
     * @return a two-element array: the kind ({@code node}, {@code blk}, {@code job} or {@code other}) and the name
     */
    public static String[] parentName(String describe) {
        int a = describe.indexOf('\'');
        int b = describe.lastIndexOf('\'');
        String name = a >= 0 && b > a ? describe.substring(a + 1, b) : describe;
        String kind = describe.startsWith("node ") ? "node"
                : describe.startsWith("block device ") ? "blk"
                : describe.startsWith("job ") ? "job" : "other";
        return new String[] {kind, name};
    }
}
