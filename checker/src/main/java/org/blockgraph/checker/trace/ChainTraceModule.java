package org.blockgraph.checker.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ndjson trace of the chain / jobs / stream / commit family, read and turned into the TLA+ module
 * {@code ChainTraceData} that spec/trace/ChainTrace.tla walks: the model constants of spec/chain/Chain.tla (format
 * nodes, jobs and their filters and options, clusters, the initial chain and its data, the start arguments) and
 * {@code Trace}, a sequence of records with the event's {@code action} and its arguments under the spec's names.
 *
 * <p>Header (written by {@link ChainTraceRecorder}):
 * {@code {"header":{"spec":"chain","formatNodes":[..],"live":[..],"root":"n3","clusters":2,
 * "backing":{"n3":"n2",..,"n0":""},"data":{"n0":[1,1],..}}}}.
 *
 * <p>Normalisation (each a place where the Java data are not the spec's):
 * <ul>
 *   <li>Java clusters are 0-based offsets / cluster size; the spec's {@code Clusters} are {@code 1..K}.</li>
 *   <li>"no node" ({@code ""} in Java arguments) is the spec's {@code None}, the string {@code "none"}.</li>
 *   <li>Drain-family events ({@link TraceModule#DRAIN_EVENTS}) and {@code JobStep} are skipped: the chain spec
 *       abstracts the I/O, drains and coroutine steps they describe (they are validated by the drain family).</li>
 *   <li>The constants come from the events: {@code Jobs} and {@code FilterOf} from each job's
 *       {@code InsertFilter}; {@code AutoFinalize}, {@code AutoDismiss}, {@code OnError} and the start arguments
 *       ({@code StreamArgs}, {@code CommitArgs}, {@code ActiveArgs}) from the start events;
 *       {@code GuestValues} from the guest writes; {@code MaxWrites} = their number;
 *       {@code InjectErrors} iff a {@code JobError} occurs. On-error {@code enospc} and {@code auto} act as
 *       {@code report} on the EIO errors the recorder injects.</li>
 *   <li>The job status logged with {@code JobStart}, {@code JobPausePoint}, {@code JobReady}, {@code JobPending},
 *       {@code JobConclude} and {@code JobAutoDismiss} is compared with the spec's; the other job events log the
 *       status before the change takes effect (a verb is traced before it acts), so it is not compared.</li>
 * </ul>
 */
public final class ChainTraceModule implements TraceData {

    /** The chain-family events the trace spec has a predicate for. */
    public static final Set<String> CHAIN_EVENTS = Set.of("GuestWrite", "ReopenBacking", "Snapshot", "DeleteNode",
            "StreamStart", "CommitStart", "ActiveCommitStart", "JobPause", "JobResume", "JobCancel", "JobComplete",
            "JobFinalize", "JobDismiss", "JobSetSpeed", "JobChange", "JobStart", "JobPausePoint", "JobCopyCluster",
            "JobError", "JobReady", "JobExit", "JobPending", "JobPrepare", "JobCommit", "JobAbort", "JobConclude",
            "JobAutoDismiss", "InsertFilter", "RemoveFilter", "ChainFreeze", "ChainUnfreeze");

    /** Job events whose logged status is the spec's status after the step. */
    private static final Set<String> STATUS_AFTER = Set.of("JobStart", "JobPausePoint", "JobReady", "JobPending",
            "JobConclude", "JobAutoDismiss");

    /** Chain.tla's safety invariants, checked in every state of the trace as well. */
    public static final List<String> CHAIN_INVARIANTS = List.of("TypeOK", "GuestContentInv", "BackingLiveInv",
            "AcyclicInv", "FrozenLinkInv", "FrozenOwnedInv", "RangeExclusiveInv", "JobChainIntactInv", "JobVerbInv");

    static final String NONE = "none";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> formatNodes = new TreeSet<>();
    private final Set<String> live = new TreeSet<>();
    private final Map<String, String> initBacking = new TreeMap<>();
    private final Map<String, List<Integer>> initData = new TreeMap<>();
    private String root;
    private int clusters;
    private final Map<String, String> filterOf = new TreeMap<>();
    private final Map<String, Boolean> autoFinalize = new TreeMap<>();
    private final Map<String, Boolean> autoDismiss = new TreeMap<>();
    private final Map<String, String> onError = new TreeMap<>();
    private final Set<String> streamArgs = new TreeSet<>();
    private final Set<String> commitArgs = new TreeSet<>();
    private final Set<String> activeArgs = new TreeSet<>();
    private final Set<Integer> guestValues = new TreeSet<>();
    private int writes;
    private boolean errors;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();

    private ChainTraceModule() {
    }

    @Override
    public String family() {
        return "chain";
    }

    @Override
    public int size() {
        return events.size();
    }

    @Override
    public Map<String, Object> event(int k) {
        return events.get(k);
    }

    @Override
    public int lineOf(int k) {
        return lines.get(k);
    }

    @Override
    public List<String> specFiles() {
        return List.of("chain/Chain.tla", "chain/ChainGraph.tla", "chain/JobStateMachine.tla",
                "chain/StreamCommit.tla", "chain/Management.tla", "trace/ChainTrace.tla");
    }

    @Override
    public String traceModuleName() {
        return "ChainTrace";
    }

    @Override
    public String dataModuleName() {
        return "ChainTraceData";
    }

    @Override
    public List<String> invariants() {
        return CHAIN_INVARIANTS;
    }

    /**
     * Reads and checks a chain trace file; malformed input names its line.
     *
     * @param file the ndjson trace: a header line, then events numbered by {@code seq} from 1
     * @return the trace
     * @throws IOException            if the file cannot be read
     * @throws MalformedTraceException if a line is not a valid header or event, is out of sequence, names an
     *                                 unknown action, or the file is empty
     */
    public static ChainTraceModule read(Path file) throws IOException, MalformedTraceException {
        ChainTraceModule t = new ChainTraceModule();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            long lastSeq = 0;
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
                if (action.equals("RemoveNode") && j.path("args").path("node").isTextual()
                        && t.formatNodes.contains(j.path("args").path("node").asText())) {
                    action = "DeleteNode"; // only blockdev-del removes a format node (SpecAction.DeleteNode)
                } else if (TraceModule.DRAIN_EVENTS.contains(action) || action.equals("JobStep")) {
                    continue;
                }
                if (!CHAIN_EVENTS.contains(action)) {
                    throw new MalformedTraceException(no, "unknown action '" + action
                            + "' (the chain trace spec knows " + new TreeSet<>(CHAIN_EVENTS) + ")");
                }
                JsonNode args = j.get("args");
                if (args == null || !args.isObject()) {
                    throw new MalformedTraceException(no, "missing object 'args'");
                }
                if (action.equals("JobPausePoint") && !j.path("post").path("userPaused").asBoolean(true)) {
                    // a pause point reached because a drained section paused the job: the drain family's
                    // JobPausePoint (spec/drain); Chain.tla's JobPausePoint is the user pause's
                    continue;
                }
                t.events.add(t.event(action, args, j.get("post"), no));
                t.lines.add(no);
            }
            if (no == 0) {
                throw new MalformedTraceException(1, "empty file (expected a header line)");
            }
        }
        return t;
    }

    private Map<String, Object> event(String action, JsonNode args, JsonNode post, int no)
            throws MalformedTraceException {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("action", action);
        switch (action) {
            case "GuestWrite" -> {
                e.put("cluster", cluster(args, no));
                int v = (int) number(args, "value", no);
                if (v == 0) {
                    throw new MalformedTraceException(no, "a guest write stores a non-zero value");
                }
                e.put("value", v);
                guestValues.add(v);
                writes++;
            }
            case "ReopenBacking" -> {
                e.put("node", node(args, "node", no));
                e.put("newBacking", nodeOrNone(args, "newBacking", no));
            }
            case "Snapshot" -> {
                e.put("overlay", node(args, "overlay", no));
                e.put("node", node(args, "node", no));
            }
            case "DeleteNode" -> e.put("node", node(args, "node", no));
            case "StreamStart" -> {
                String job = job(args, no);
                String bs = node(args, "bs", no);
                String base = nodeOrNone(args, "base", no);
                String bottom = nodeOrNone(args, "bottom", no);
                e.put("job", job);
                e.put("bs", bs);
                e.put("base", base);
                e.put("bottom", bottom);
                streamArgs.add("<<" + String.join(", ", str(job), str(bs), str(base), str(bottom)) + ">>");
                options(job, args, no);
            }
            case "CommitStart", "ActiveCommitStart" -> {
                String job = job(args, no);
                String top = node(args, "top", no);
                String base = node(args, "base", no);
                e.put("job", job);
                e.put("top", top);
                e.put("base", base);
                if (action.equals("CommitStart")) {
                    commitArgs.add("<<" + String.join(", ", str(job), str(top), str(base)) + ">>");
                } else {
                    activeArgs.add("<<" + String.join(", ", str(job), str(base)) + ">>");
                }
                options(job, args, no);
            }
            case "JobPause", "JobResume", "JobCancel", "JobComplete", "JobFinalize", "JobDismiss" -> {
                e.put("job", job(args, no));
                boolean ok = bool(args, "ok", no);
                e.put("ok", ok);
                if (action.equals("JobCancel")) {
                    e.put("force", args.path("force").asBoolean(false));
                }
            }
            case "JobCopyCluster" -> {
                e.put("job", job(args, no));
                e.put("cluster", cluster(args, no));
                e.put("copied", args.path("copied").asBoolean(true));
            }
            case "JobPrepare" -> {
                e.put("job", job(args, no));
                e.put("ok", bool(args, "ok", no));
            }
            case "InsertFilter" -> {
                String job = job(args, no);
                String filter = text(args, "filter", no);
                String prev = filterOf.putIfAbsent(job, filter);
                if (prev != null && !prev.equals(filter)) {
                    throw new MalformedTraceException(no, "job '" + job + "' inserts filter '" + filter
                            + "' after '" + prev + "' (a job slot has one filter)");
                }
                e.put("job", job);
                e.put("filter", filter);
            }
            case "JobError" -> {
                e.put("job", job(args, no));
                errors = true;
            }
            default -> e.put("job", job(args, no));
        }
        if (STATUS_AFTER.contains(action) && post != null && post.hasNonNull("status")) {
            e.put("status", post.get("status").asText());
        }
        return e;
    }

    private void options(String job, JsonNode args, int no) throws MalformedTraceException {
        autoFinalize.put(job, bool(args, "autoFinalize", no));
        autoDismiss.put(job, bool(args, "autoDismiss", no));
        String oe = text(args, "onError", no);
        onError.put(job, oe.equals("stop") || oe.equals("ignore") ? oe : "report");
    }

    private void readHeader(JsonNode h, int no) throws MalformedTraceException {
        if (h == null || !h.isObject()) {
            throw new MalformedTraceException(no, "the first line must be {\"header\":{...}}");
        }
        if (!"chain".equals(h.path("spec").asText())) {
            throw new MalformedTraceException(no, "header.spec is '" + h.path("spec").asText() + "', not chain");
        }
        for (String f : List.of("formatNodes", "live")) {
            if (h.get(f) == null || !h.get(f).isArray()) {
                throw new MalformedTraceException(no, "header." + f + " must be an array");
            }
        }
        h.get("formatNodes").forEach(n -> formatNodes.add(n.asText()));
        for (JsonNode n : h.get("live")) {
            if (!formatNodes.contains(n.asText())) {
                throw new MalformedTraceException(no, "header.live names '" + n.asText() + "', not a format node");
            }
            live.add(n.asText());
        }
        if (formatNodes.contains(NONE)) {
            throw new MalformedTraceException(no, "a node may not be called '" + NONE + "' (the spec's None)");
        }
        root = text(h, "root", no);
        if (!live.contains(root)) {
            throw new MalformedTraceException(no, "header.root '" + root + "' is not live");
        }
        clusters = (int) number(h, "clusters", no);
        if (clusters < 1) {
            throw new MalformedTraceException(no, "header.clusters must be >= 1");
        }
        JsonNode bk = h.get("backing");
        JsonNode dt = h.get("data");
        if (bk == null || !bk.isObject() || dt == null || !dt.isObject()) {
            throw new MalformedTraceException(no, "header.backing and header.data must be objects");
        }
        for (String n : formatNodes) {
            String b = bk.path(n).asText("");
            if (!b.isEmpty() && !formatNodes.contains(b)) {
                throw new MalformedTraceException(no, "header.backing." + n + " names unknown node '" + b + "'");
            }
            initBacking.put(n, b.isEmpty() ? NONE : b);
            List<Integer> d = new ArrayList<>();
            JsonNode arr = dt.path(n);
            for (int c = 0; c < clusters; c++) {
                d.add(arr.isArray() && arr.size() > c ? arr.get(c).asInt() : 0);
            }
            initData.put(n, d);
        }
    }

    private String node(JsonNode args, String field, int no) throws MalformedTraceException {
        String n = text(args, field, no);
        if (n.isEmpty()) {
            throw new MalformedTraceException(no, "'" + field + "' names no node");
        }
        return n;
    }

    private static String nodeOrNone(JsonNode args, String field, int no) throws MalformedTraceException {
        JsonNode v = args.get(field);
        if (v == null || v.isNull()) {
            return NONE;
        }
        if (!v.isTextual()) {
            throw new MalformedTraceException(no, "'" + field + "' must be a node name or \"\"");
        }
        return v.asText().isEmpty() ? NONE : v.asText();
    }

    private int cluster(JsonNode args, int no) throws MalformedTraceException {
        long c = number(args, "cluster", no);
        if (c < 0 || c >= clusters) {
            throw new MalformedTraceException(no, "cluster " + c + " outside 0.." + (clusters - 1));
        }
        return (int) c + 1;
    }

    private static String job(JsonNode args, int no) throws MalformedTraceException {
        String j = text(args, "job", no);
        if (j.isEmpty()) {
            throw new MalformedTraceException(no, "job events need a job id");
        }
        return j;
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

    private static boolean bool(JsonNode j, String field, int no) throws MalformedTraceException {
        JsonNode v = j.get(field);
        if (v == null || !v.isBoolean()) {
            throw new MalformedTraceException(no, "missing boolean field '" + field + "'");
        }
        return v.asBoolean();
    }

    @Override
    public String dataModule(int prefix) {
        // Jobs that only appear in later events still need their constants: a prefix keeps every constant.
        Set<String> jobs = new TreeSet<>(filterOf.keySet());
        for (Map<String, Object> e : events) {
            if (e.containsKey("job") && !filterOf.containsKey((String) e.get("job"))) {
                // a job event of a job that never inserted a filter: give it a filter slot of its own so the
                // spec can say the event is not enabled (instead of failing on an undefined FilterOf)
                jobs.add((String) e.get("job"));
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("---- MODULE ChainTraceData ----\n");
        b.append("\\* Generated by org.blockgraph.checker.trace.ChainTraceModule from an ndjson trace. Do not edit.\n");
        b.append("EXTENDS Integers, Sequences, TLC\n");
        b.append("TraceNone == ").append(str(NONE)).append('\n');
        b.append("TraceFormatNodes == ").append(strSet(formatNodes)).append('\n');
        b.append("TraceJobs == ").append(strSet(jobs)).append('\n');
        b.append("TraceFilterOf == ").append(fun(jobs, j -> str(filterOf.getOrDefault(j, "filter-of-" + j))))
                .append('\n');
        Set<String> all = new TreeSet<>(formatNodes);
        for (String j : jobs) {
            all.add(filterOf.getOrDefault(j, "filter-of-" + j));
        }
        b.append("TraceClusters == 1..").append(clusters).append('\n');
        Set<String> gv = new TreeSet<>();
        guestValues.forEach(v -> gv.add(String.valueOf(v)));
        b.append("TraceGuestValues == {").append(String.join(", ", gv)).append("}\n");
        b.append("TraceInitLive == ").append(strSet(live)).append('\n');
        b.append("TraceInitRoot == ").append(str(root)).append('\n');
        b.append("TraceInitBacking == ").append(fun(all, n -> str(initBacking.getOrDefault(n, NONE)))).append('\n');
        b.append("TraceInitData == ").append(fun(all, n -> {
            List<Integer> d = initData.get(n);
            List<String> cs = new ArrayList<>();
            for (int c = 1; c <= clusters; c++) {
                cs.add("(" + c + " :> " + (d == null ? 0 : d.get(c - 1)) + ")");
            }
            return "(" + String.join(" @@ ", cs) + ")";
        })).append('\n');
        b.append("TraceMaxWrites == ").append(writes).append('\n');
        b.append("TraceAutoFinalize == ").append(fun(jobs, j -> upper(autoFinalize.getOrDefault(j, true))))
                .append('\n');
        b.append("TraceAutoDismiss == ").append(fun(jobs, j -> upper(autoDismiss.getOrDefault(j, true))))
                .append('\n');
        b.append("TraceOnError == ").append(fun(jobs, j -> str(onError.getOrDefault(j, "report")))).append('\n');
        b.append("TraceInjectErrors == ").append(upper(errors)).append('\n');
        b.append("TraceStreamArgs == {").append(String.join(", ", streamArgs)).append("}\n");
        b.append("TraceCommitArgs == {").append(String.join(", ", commitArgs)).append("}\n");
        b.append("TraceActiveArgs == {").append(String.join(", ", activeArgs)).append("}\n");
        b.append("Trace == <<\n");
        for (int k = 0; k < prefix; k++) {
            b.append(k == 0 ? "  " : ", ").append(record(events.get(k))).append('\n');
        }
        b.append(">>\n====\n");
        return b.toString();
    }

    @Override
    public String cfg(List<String> invariants) {
        return """
                CONSTANTS
                    None <- TraceNone
                    FormatNodes <- TraceFormatNodes
                    UserFilters = {}
                    Jobs <- TraceJobs
                    FilterOf <- TraceFilterOf
                    Clusters <- TraceClusters
                    GuestValues <- TraceGuestValues
                    InitLive <- TraceInitLive
                    InitBacking <- TraceInitBacking
                    InitData <- TraceInitData
                    InitRoot <- TraceInitRoot
                    MaxWrites <- TraceMaxWrites
                    AutoFinalize <- TraceAutoFinalize
                    AutoDismiss <- TraceAutoDismiss
                    OnError <- TraceOnError
                    InjectErrors <- TraceInjectErrors
                    StreamBaseRule = "AboveBase"
                    StreamArgs <- TraceStreamArgs
                    CommitArgs <- TraceCommitArgs
                    ActiveArgs <- TraceActiveArgs
                INIT TraceInit
                NEXT TraceNext
                INVARIANTS %s
                """.formatted(String.join(" ", invariants));
    }

    private static String fun(Set<String> domain, java.util.function.Function<String, String> value) {
        if (domain.isEmpty()) {
            return "<<>>";
        }
        List<String> parts = new ArrayList<>();
        for (String d : domain) {
            parts.add("(" + str(d) + " :> " + value.apply(d) + ")");
        }
        return "(" + String.join(" @@ ", parts) + ")";
    }

    private static String upper(boolean b) {
        return b ? "TRUE" : "FALSE";
    }

    private static String record(Map<String, Object> e) {
        List<String> f = new ArrayList<>();
        e.forEach((k, v) -> f.add(k + " |-> " + (v instanceof String s ? str(s)
                : v instanceof Boolean x ? upper(x) : String.valueOf(v))));
        return "[" + String.join(", ", f) + "]";
    }

    private static String strSet(Set<String> s) {
        List<String> q = new ArrayList<>();
        s.forEach(x -> q.add(str(x)));
        return "{" + String.join(", ", q) + "}";
    }

    private static String str(String s) {
        return TraceModule.str(s);
    }
}
