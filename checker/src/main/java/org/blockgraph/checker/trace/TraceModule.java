package org.blockgraph.checker.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.blockgraph.trace.NdjsonTraceSink;

/**
 * An ndjson trace of the drain family, read and turned into the TLA+ module {@code DrainTraceData} that
 * spec/trace/DrainTrace.tla walks: the model constants from the header line, and {@code Trace}, a sequence of
 * records with the event's {@code action}, its arguments under the spec's parameter names and the logged quiesce
 * counters {@code qc}.
 *
 * <p>Normalisation (each a place where the Java arguments are not the spec's): parent descriptions
 * ({@code node 'x'}, {@code block device 'x'}) become names; Java request ids become recycled request slots
 * (the spec's {@code Reqs}: the lowest slot free at {@code BlkSubmit}, freed at {@code ReqComplete}), so that the
 * state stays small however long the trace; {@code ReqDescend} carries no request id in Java (a request runs
 * synchronously in its thread) and gets the slot of its thread's active request; {@code ReplaceChild}'s
 * {@code newChild} is the spec's {@code c}.
 */
public final class TraceModule implements TraceData {

    /** The drain-family events the trace spec has a predicate for. */
    public static final Set<String> DRAIN_EVENTS = Set.of("BlkSubmit", "BlkPark", "BlkUnpark", "GraphRdlock",
            "ReqDescend", "ReqComplete", "DrainedBegin", "DrainPollDone", "DrainedEnd", "DrainAllBegin",
            "DrainAllPollDone", "DrainAllEnd", "AttachChild", "ReplaceChild", "DetachChild", "RemoveNode",
            "GraphWrlockBegin", "GraphWrlock", "GraphWrunlock");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> nodes = new TreeSet<>();
    /** Nodes an edge, an event argument or a logged counter names; the others are left out of the model. */
    private final Set<String> mentioned = new TreeSet<>();
    private final Set<String> blks = new TreeSet<>();
    private final Set<String> threads = new TreeSet<>();
    private final Set<String> roles = new TreeSet<>(List.of("backing", "file"));
    private final Map<List<String>, String> edges = new LinkedHashMap<>();
    /** Every slot the trace uses: the header's edges and the slots of its graph-change events. */
    private final Set<List<String>> slots = new java.util.LinkedHashSet<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private int reqSlots;
    private int changes;

    private TraceModule() {
    }

    /** The drain spec's safety invariants, checked in every state of the trace as well. */
    public static final List<String> DRAIN_INVARIANTS = List.of("TypeOK", "DrainBalanceInv", "QuiescedParentInv",
            "QuiesceCountInv", "CallbackOnceInv", "NoReaderDuringWriteInv", "NoUseAfterFreeInv", "DrainedQuietInv");

    @Override
    public String family() {
        return "drain";
    }

    @Override
    public List<String> specFiles() {
        return List.of("drain/Drain.tla", "drain/DrainGraph.tla", "trace/DrainTrace.tla");
    }

    @Override
    public String traceModuleName() {
        return "DrainTrace";
    }

    @Override
    public String dataModuleName() {
        return "DrainTraceData";
    }

    @Override
    public String dataModule(int prefix) {
        return module(prefix);
    }

    @Override
    public String cfg(List<String> invariants) {
        return cfgText(invariants);
    }

    @Override
    public List<String> invariants() {
        return DRAIN_INVARIANTS;
    }

    /** The number of events. */
    @Override
    public int size() {
        return events.size();
    }

    /** The event at 0-based index k, as the spec sees it (for messages). */
    @Override
    public Map<String, Object> event(int k) {
        return events.get(k);
    }

    /** The ndjson line number of event k. */
    @Override
    public int lineOf(int k) {
        return lines.get(k);
    }

    /**
     * Reads and checks a drain trace file: a header line, then events numbered by {@code seq} from 1.
     *
     * @param file the ndjson trace
     * @return the trace
     * @throws IOException            if the file cannot be read
     * @throws MalformedTraceException if a line is not valid JSON, not a valid event, or out of sequence; or the
     *                                 file is empty
     */
    public static TraceModule read(Path file) throws IOException, MalformedTraceException {
        TraceModule t = new TraceModule();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            long lastSeq = 0;
            Map<Long, Integer> slotOfReq = new HashMap<>();
            Map<String, Integer> activeOfThread = new HashMap<>();
            Deque<Integer> free = new ArrayDeque<>();
            while ((line = in.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode j;
                try {
                    j = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new MalformedTraceException(no, "not JSON: " + e.getOriginalMessage());
                }
                if (j == null || !j.isObject()) {
                    throw new MalformedTraceException(no, "not a JSON object");
                }
                if (no == 1) {
                    t.readHeader(j.get("header"), no);
                    continue;
                }
                JsonNode seq = j.get("seq");
                if (seq == null || !seq.canConvertToLong() || seq.asLong() != lastSeq + 1) {
                    throw new MalformedTraceException(no, "seq must be " + (lastSeq + 1) + ", was " + seq);
                }
                lastSeq = seq.asLong();
                String action = text(j, "action", no);
                if (!DRAIN_EVENTS.contains(action)
                        && (ChainTraceModule.CHAIN_EVENTS.contains(action) || action.equals("JobStep"))) {
                    // The chains/jobs family's events (a snapshot, a job's steps) are checked by ChainTrace.tla;
                    // their drain-side effects come as drain events of their own.
                    continue;
                }
                if (!DRAIN_EVENTS.contains(action)) {
                    throw new MalformedTraceException(no, "unknown action '" + action
                            + "' (the drain trace spec knows " + new TreeSet<>(DRAIN_EVENTS) + ")");
                }
                JsonNode args = j.get("args");
                if (args == null || !args.isObject()) {
                    throw new MalformedTraceException(no, "missing object 'args'");
                }
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("action", action);
                switch (action) {
                    case "BlkSubmit" -> {
                        String thread = text(args, "thread", no);
                        long id = number(args, "req", no);
                        if (slotOfReq.containsKey(id)) {
                            throw new MalformedTraceException(no, "request " + id + " submitted twice");
                        }
                        int slot = free.isEmpty() ? ++t.reqSlots : free.pop();
                        slotOfReq.put(id, slot);
                        activeOfThread.put(thread, slot);
                        t.threads.add(thread);
                        e.put("blk", NdjsonTraceSink.parentName(text(args, "blk", no))[1]);
                        e.put("thread", thread);
                        e.put("req", slot);
                    }
                    case "BlkPark", "BlkUnpark", "GraphRdlock", "ReqComplete" -> {
                        long id = number(args, "req", no);
                        Integer slot = slotOfReq.get(id);
                        if (slot == null) {
                            throw new MalformedTraceException(no, action + " of request " + id
                                    + " that was never submitted");
                        }
                        e.put("req", slot);
                        if (action.equals("GraphRdlock")) {
                            String thread = text(args, "thread", no);
                            t.threads.add(thread);
                            e.put("thread", thread);
                        }
                        if (action.equals("ReqComplete")) {
                            slotOfReq.remove(id);
                            free.push(slot);
                        }
                    }
                    case "ReqDescend" -> {
                        String thread = text(args, "thread", no);
                        Integer slot = activeOfThread.get(thread);
                        if (slot == null) {
                            throw new MalformedTraceException(no, "ReqDescend in thread " + thread
                                    + " that has no request");
                        }
                        e.put("req", slot);
                        e.put("from", NdjsonTraceSink.parentName(text(args, "from", no))[1]);
                        e.put("to", text(args, "to", no));
                    }
                    case "DrainedBegin", "DrainPollDone", "DrainedEnd", "RemoveNode" ->
                            e.put("node", text(args, "node", no));
                    case "AttachChild", "ReplaceChild", "DetachChild" -> {
                        String[] parent = NdjsonTraceSink.parentName(text(args, "parent", no));
                        e.put("parent", parent[1]);
                        String role = text(args, "role", no);
                        e.put("role", role);
                        t.slots.add(List.of(parent[1], role));
                        if (parent[0].equals("node")) {
                            t.roles.add(role); // a BlockBackend's "root" is no node role (it would add a slot per node)
                        }
                        if (!action.equals("DetachChild")) {
                            e.put("child", text(args, action.equals("ReplaceChild") ? "newChild" : "child", no));
                        }
                    }
                    default -> {
                    }
                }
                if (Set.of("AttachChild", "ReplaceChild", "DetachChild", "RemoveNode").contains(action)) {
                    t.changes++;
                }
                JsonNode post = j.get("post");
                if (post != null && post.has("qc")) {
                    JsonNode qc = post.get("qc");
                    if (!qc.isObject()) {
                        throw new MalformedTraceException(no, "post.qc must be an object");
                    }
                    Map<String, Integer> m = new LinkedHashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = qc.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> f = it.next();
                        if (!f.getValue().canConvertToInt()) {
                            throw new MalformedTraceException(no, "post.qc." + f.getKey() + " is not a number");
                        }
                        if (!t.nodes.contains(f.getKey())) {
                            throw new MalformedTraceException(no, "post.qc names node '" + f.getKey()
                                    + "' that is not in the header");
                        }
                        m.put(f.getKey(), f.getValue().asInt());
                    }
                    e.put("qc", m);
                }
                for (String k : List.of("node", "child", "to", "from", "parent")) {
                    if (e.get(k) instanceof String v) {
                        t.mentioned.add(v);
                    }
                }
                if (e.get("qc") instanceof Map<?, ?> qcm) {
                    qcm.keySet().forEach(k -> t.mentioned.add((String) k));
                }
                t.events.add(e);
                t.lines.add(no);
            }
            if (no == 0) {
                throw new MalformedTraceException(1, "empty file (expected a header line)");
            }
        }
        if (t.reqSlots == 0) {
            t.reqSlots = 1;
        }
        return t;
    }

    private void readHeader(JsonNode h, int no) throws MalformedTraceException {
        if (h == null || !h.isObject()) {
            throw new MalformedTraceException(no, "the first line must be {\"header\":{...}}");
        }
        if (h.has("spec") && !"drain".equals(h.get("spec").asText())) {
            throw new MalformedTraceException(no, "header.spec is '" + h.get("spec").asText() + "', not drain");
        }
        for (String f : List.of("nodes", "blks", "threads", "edges")) {
            if (h.get(f) == null || !h.get(f).isArray()) {
                throw new MalformedTraceException(no, "header." + f + " must be an array");
            }
        }
        h.get("nodes").forEach(n -> nodes.add(n.asText()));
        h.get("blks").forEach(n -> blks.add(n.asText()));
        h.get("threads").forEach(n -> threads.add(n.asText()));
        for (JsonNode e : h.get("edges")) {
            String parent = text(e, "parent", no);
            String role = text(e, "role", no);
            String child = text(e, "child", no);
            if (!nodes.contains(child)) {
                throw new MalformedTraceException(no, "edge to unknown node '" + child + "'");
            }
            if ("node".equals(e.path("parentKind").asText())) {
                roles.add(role);
                mentioned.add(parent);
            }
            mentioned.add(child);
            edges.put(List.of(parent, role), child);
            slots.add(List.of(parent, role));
        }
    }

    private static String text(JsonNode j, String field, int no) throws MalformedTraceException {
        JsonNode v = j.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedTraceException(no, "missing string field '" + field + "'");
        }
        return v.asText();
    }

    private static long number(JsonNode j, String field, int no) throws MalformedTraceException {
        JsonNode v = j.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw new MalformedTraceException(no, "missing number field '" + field + "'");
        }
        return v.asLong();
    }

    /**
     * The generated module DrainTraceData with the first {@code prefix} events.
     *
     * @param prefix how many events, from the first, to include
     * @return the module's TLA+ source
     */
    public String module(int prefix) {
        StringBuilder b = new StringBuilder();
        b.append("---- MODULE DrainTraceData ----\n");
        b.append("\\* Generated by org.blockgraph.checker.trace.TraceModule from an ndjson trace. Do not edit.\n");
        b.append("EXTENDS Integers, Sequences, TLC\n");
        // A node the header declares (one the run might have created) that nothing ever names is an isolated node
        // no event touches: leaving it out changes no matched step, and each node costs a slot per role.
        Set<String> used = new TreeSet<>(nodes);
        used.retainAll(mentioned);
        b.append("TraceNodes == ").append(set(used.isEmpty() ? nodes : used)).append('\n');
        b.append("TraceRoles == ").append(set(roles)).append('\n');
        b.append("TraceBlks == ").append(set(blks)).append('\n');
        b.append("TraceThreads == ").append(set(threads)).append('\n');
        b.append("TraceReqs == 1..").append(reqSlots).append('\n');
        b.append("TraceJobs == {}\n");
        // Bounds of the model only: the trace never needs more than it has events.
        b.append("TraceMaxChanges == ").append(changes + 1).append('\n');
        b.append("TraceMaxNesting == ").append(events.size() + 1).append('\n');
        // The slots the trace uses (cfg: Slots <- TraceSlots). A slot no event names is empty in every state of a
        // matching behaviour, so leaving it out changes no step; the quiesce operators cost slots^2 per node.
        List<String> sl = new ArrayList<>();
        slots.forEach(k -> sl.add("<<" + str(k.get(0)) + ", " + str(k.get(1)) + ">>"));
        b.append("TraceSlots == {").append(String.join(", ", sl)).append("}\n");
        b.append("TraceEdges == ");
        if (edges.isEmpty()) {
            b.append("<<>>");
        } else {
            List<String> parts = new ArrayList<>();
            edges.forEach((k, v) -> parts.add("(<<" + str(k.get(0)) + ", " + str(k.get(1)) + ">> :> " + str(v) + ")"));
            b.append(String.join(" @@ ", parts));
        }
        b.append('\n');
        b.append("Trace == <<\n");
        for (int k = 0; k < prefix; k++) {
            b.append(k == 0 ? "  " : ", ").append(record(events.get(k))).append('\n');
        }
        b.append(">>\n====\n");
        return b.toString();
    }

    private static String record(Map<String, Object> e) {
        List<String> f = new ArrayList<>();
        e.forEach((k, v) -> f.add(k + " |-> " + value(v)));
        return "[" + String.join(", ", f) + "]";
    }

    @SuppressWarnings("unchecked")
    private static String value(Object v) {
        if (v instanceof String s) {
            return str(s);
        }
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "<<>>";
            }
            List<String> parts = new ArrayList<>();
            ((Map<String, Object>) m).forEach((k, x) -> parts.add("(" + str(k) + " :> " + value(x) + ")"));
            return "(" + String.join(" @@ ", parts) + ")";
        }
        return String.valueOf(v);
    }

    private static String set(Set<String> s) {
        List<String> q = new ArrayList<>();
        s.forEach(x -> q.add(str(x)));
        return "{" + String.join(", ", q) + "}";
    }

    static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The cfg that wires DrainTrace to the generated constants; {@code invariants} are checked.
     *
     * @param invariants the invariant names the cfg lists
     * @return the cfg file's text
     */
    public static String cfgText(List<String> invariants) {
        return """
                CONSTANTS
                    None = None
                    Nodes <- TraceNodes
                    NodeRoles <- TraceRoles
                    Blks <- TraceBlks
                    Jobs <- TraceJobs
                    Threads <- TraceThreads
                    Reqs <- TraceReqs
                    DrainDesign = "Upstream"
                    GraphChangeRule = "Locked"
                    InitChild <- TraceInitChild
                    HomeThread <- TraceHomeThread
                    MaxSections <- TraceMaxNesting
                    MaxDrainAll <- TraceMaxNesting
                    MaxChanges <- TraceMaxChanges
                    Slots <- TraceSlots
                    Above <- TraceAbove
                    Below <- TraceBelow
                INIT TraceInit
                NEXT TraceNext
                INVARIANTS %s
                """.formatted(String.join(" ", invariants));
    }
}
