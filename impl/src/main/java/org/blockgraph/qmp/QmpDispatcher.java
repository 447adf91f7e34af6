package org.blockgraph.qmp;

import static org.blockgraph.qmp.Schema.opt;
import static org.blockgraph.qmp.Schema.req;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.blockjob.CommitOptions;
import org.blockgraph.blockjob.StreamOptions;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.driver.ThrottleGroup;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Parent;
import org.blockgraph.graph.ParentKind;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobException;
import org.blockgraph.job.JobRegistry;
import org.blockgraph.job.JobState;
import org.blockgraph.job.OnError;

/**
 * The QMP command dispatcher over a {@link BlockGraph} and a {@link JobRegistry}: JSON in, JSON out, events to
 * subscribers. The daemon ({@link QmpServer}) and in-process users share this code.
 *
 * <p>The dispatcher takes no lock of its own: a command takes the graph's control lock only through the core
 * operations it calls, so a command blocked in a drain never stops another client's command that needs no
 * control lock (a qemu-io {@code resume}, {@code query-jobs}).
 *
 * <p>Every command validates its whole argument object before acting; commands that act are all-or-nothing in the
 * core, and {@code blockdev-add} deletes what it built when a later step fails, so a refused command changes
 * nothing.
 */
public final class QmpDispatcher {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A command: its name, argument schema and handler. */
    record Command(String name, List<Schema.Field> args, Handler handler) {
    }

    /** A command body; runs after its arguments passed the schema. */
    interface Handler {
        JsonNode run(ObjectNode args);
    }

    private final BlockGraph graph;
    private final JobRegistry jobs;
    private final BlockJobs blockJobs;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final List<Consumer<ObjectNode>> subscribers = new CopyOnWriteArrayList<>();
    private final Set<String> monitorOwned = ConcurrentHashMap.newKeySet();
    /** Throttle groups made with {@code object-add}, by id. */
    private final Map<String, ThrottleGroup> throttleGroups = new ConcurrentHashMap<>();
    /** The options each node was added with (children as names), for {@code blockdev-reopen}'s checks. */
    private final Map<String, ObjectNode> addOptions = new ConcurrentHashMap<>();
    private final Map<String, Integer> drainedByQmp = new HashMap<>();
    private int drainAllByQmp;
    private final QemuIo qemuIo;
    private final AutoCloseable jobSubscription;
    private final NbdCommands nbd;
    private volatile Runnable onQuit = () -> { };

    /**
     * A dispatcher over {@code graph} and {@code jobs} without {@code block-stream}/{@code block-commit}; job
     * events are forwarded to subscribers.
     *
     * @param graph the graph the commands act on
     * @param jobs  the job registry of {@code graph} (job commands, job events)
     */
    public QmpDispatcher(BlockGraph graph, JobRegistry jobs) {
        this(graph, jobs, null);
    }

    /**
     * A dispatcher over the graph and registry of {@code blockJobs}, with {@code block-stream}/{@code block-commit}.
     *
     * @param blockJobs the block-job launcher whose graph and job registry the commands use
     */
    public QmpDispatcher(BlockJobs blockJobs) {
        this(blockJobs.graph(), blockJobs.registry(), blockJobs);
    }

    private QmpDispatcher(BlockGraph graph, JobRegistry jobs, BlockJobs blockJobs) {
        this.graph = graph;
        this.jobs = jobs;
        this.blockJobs = blockJobs;
        this.qemuIo = new QemuIo(graph);
        this.jobSubscription = jobs.subscribe(e -> emit(e.name(), e.data()));
        this.nbd = new NbdCommands(graph, this::emit);
        registerCommands();
    }

    /**
     * What {@code quit} does (the daemon stops; in-process the default does nothing).
     *
     * @param r run when a client sends {@code quit}
     */
    public void setOnQuit(Runnable r) {
        onQuit = r;
    }

    /**
     * Receives every event as {@code {"event":..,"data":..,"timestamp":{"seconds":..,"microseconds":..}}}.
     *
     * @param listener called, on the emitting thread, with each event object
     * @return closing it unsubscribes {@code listener}
     */
    public AutoCloseable subscribe(Consumer<ObjectNode> listener) {
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }

    /**
     * Sends an event to every subscriber, stamped with the current time.
     *
     * @param event the event name, e.g. {@code BLOCK_JOB_COMPLETED}
     * @param data  the event's {@code "data"} member, converted to JSON
     */
    public void emit(String event, Map<String, Object> data) {
        Instant now = Instant.now();
        ObjectNode ev = F.objectNode();
        ev.put("event", event);
        ev.set("data", JSON.valueToTree(data));
        ObjectNode ts = ev.putObject("timestamp");
        ts.put("seconds", now.getEpochSecond());
        ts.put("microseconds", now.getNano() / 1000);
        for (Consumer<ObjectNode> s : subscribers) {
            s.accept(ev);
        }
    }

    /** Stops forwarding job events, waits for asynchronous qemu-io requests and stops the NBD server. */
    public void close() {
        try {
            jobSubscription.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        qemuIo.close();
        nbd.close();
    }

    /**
     * Names of all commands, in registration order.
     *
     * @return an unmodifiable copy of the command names
     */
    public List<String> commandNames() {
        return List.copyOf(commands.keySet());
    }

    /**
     * A new session; {@code negotiated} false starts in capabilities-negotiation mode as a QMP client does.
     *
     * @param negotiated true to start in command mode (no {@code qmp_capabilities} needed)
     * @return the session
     */
    public Session openSession(boolean negotiated) {
        return new Session(negotiated);
    }

    /** One client's view: negotiation state. Thread-confined to the client. */
    public final class Session {
        private volatile boolean commandMode;

        Session(boolean commandMode) {
            this.commandMode = commandMode;
        }

        /**
         * Whether capabilities negotiation is complete.
         *
         * @return true once in command mode
         */
        public boolean commandMode() {
            return commandMode;
        }

        /**
         * Handles one request text; returns the reply text.
         *
         * @param text one JSON request
         * @return the reply, {@code {"return":..}} or {@code {"error":..}} (a GenericError for unparsable input),
         *         with the request's {@code id} if it had one
         */
        public String handle(String text) {
            JsonNode req;
            try {
                req = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                return reply(errorReply(QmpError.generic("JSON parse error, " + e.getOriginalMessage()), null));
            }
            if (req == null || req.isMissingNode()) {
                return reply(errorReply(QmpError.generic("JSON parse error, empty input"), null));
            }
            return reply(handle(req));
        }

        /**
         * Handles one parsed request; returns the reply object. In negotiation mode only {@code qmp_capabilities}
         * is accepted; in command mode it is refused.
         *
         * @param req the request, {@code {"execute":..,"arguments":..,"id":..}}
         * @return {@code {"return":..}} or {@code {"error":{"class":..,"desc":..}}}, with the request's {@code id}
         */
        public ObjectNode handle(JsonNode req) {
            JsonNode id = req.isObject() ? req.get("id") : null;
            try {
                JsonNode ret = dispatch(req);
                ObjectNode r = F.objectNode();
                r.set("return", ret);
                if (id != null) {
                    r.set("id", id);
                }
                return r;
            } catch (QmpError e) {
                return errorReply(e, id);
            }
        }

        private JsonNode dispatch(JsonNode req) {
            if (!req.isObject()) {
                throw QmpError.generic("QMP input must be a JSON object");
            }
            String name = null;
            ObjectNode args = F.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = req.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> m = it.next();
                switch (m.getKey()) {
                    case "execute" -> {
                        if (!m.getValue().isTextual()) {
                            throw QmpError.generic("QMP input member 'execute' must be a string");
                        }
                        name = m.getValue().asText();
                    }
                    case "arguments" -> {
                        if (!m.getValue().isObject()) {
                            throw QmpError.generic("QMP input member 'arguments' must be an object");
                        }
                        args = (ObjectNode) m.getValue();
                    }
                    case "id" -> { }
                    default -> throw QmpError.generic("QMP input member '" + m.getKey() + "' is unexpected");
                }
            }
            if (name == null) {
                throw QmpError.generic("QMP input lacks member 'execute'");
            }
            if (!commandMode) {
                if (!name.equals("qmp_capabilities")) {
                    throw new QmpError("CommandNotFound",
                            "Expecting capabilities negotiation with 'qmp_capabilities'");
                }
                Schema.checkStruct(args, List.of(opt("enable", new Schema.ListOf(
                        new Schema.EnumType(Set.of("oob"))))), "");
                if (args.has("enable") && args.get("enable").size() > 0) {
                    throw QmpError.generic("Capability 'oob' not available");
                }
                commandMode = true;
                return F.objectNode();
            }
            if (name.equals("qmp_capabilities")) {
                throw new QmpError("CommandNotFound", "Capabilities negotiation is already complete, command "
                        + "ignored");
            }
            return execute(name, args);
        }
    }

    /**
     * Runs a command in command mode: {@code {"return":..}} value, or a {@link QmpError}.
     *
     * @param name the command name
     * @param args its arguments, checked against the command's schema
     * @return the reply's {@code "return"} value
     * @throws QmpError CommandNotFound for an unknown command, GenericError for bad arguments, or the command's own
     *                  error
     */
    public JsonNode execute(String name, ObjectNode args) {
        Command c = commands.get(name);
        if (c == null) {
            throw new QmpError("CommandNotFound", "The command " + name + " has not been found");
        }
        if (c.args() == null) {
            if (name.equals("object-add")) {
                checkObjectAdd(args);
            } else {
                Blockdev.check(args, "");
            }
        } else {
            Schema.checkStruct(args, c.args(), "");
        }
        try {
            return c.handler().run(args);
        } catch (QmpError e) {
            throw e;
        } catch (GraphException | JobException | IllegalArgumentException | IllegalStateException e) {
            throw QmpError.generic(e.getMessage());
        } catch (RuntimeException e) {
            // Anything else the core throws is still that command's failure, never the client's or the daemon's.
            throw QmpError.generic(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    static ObjectNode errorReply(QmpError e, JsonNode id) {
        ObjectNode r = F.objectNode();
        ObjectNode err = r.putObject("error");
        err.put("class", e.errorClass());
        err.put("desc", e.desc());
        if (id != null) {
            r.set("id", id);
        }
        return r;
    }

    static String reply(ObjectNode r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // --------------------------------------------------------------------------------------------------------
    // Commands

    private void add(String name, List<Schema.Field> args, Handler h) {
        commands.put(name, new Command(name, args, h));
    }

    private static ObjectNode empty() {
        return F.objectNode();
    }

    private void registerCommands() {
        add("qmp_capabilities", List.of(opt("enable", new Schema.ListOf(new Schema.EnumType(Set.of("oob"))))),
                a -> empty());
        add("query-version", List.of(), a -> {
            ObjectNode r = F.objectNode();
            ObjectNode q = r.putObject("qemu");
            q.put("major", 0);
            q.put("minor", 1);
            q.put("micro", 0);
            r.put("package", "blockgraph");
            return r;
        });
        add("query-commands", List.of(), a -> {
            ArrayNode r = F.arrayNode();
            for (String n : commands.keySet()) {
                r.addObject().put("name", n);
            }
            return r;
        });
        add("quit", List.of(), a -> {
            onQuit.run();
            return empty();
        });
        // blockdev-add's arguments are the BlockdevOptions union itself (args null: checked as a whole).
        add("blockdev-add", null, this::blockdevAdd);
        add("blockdev-del", List.of(req("node-name", Schema.Scalar.STR)), this::blockdevDel);
        add("blockdev-snapshot", List.of(req("node", Schema.Scalar.STR), req("overlay", Schema.Scalar.STR)),
                this::blockdevSnapshot);
        add("blockdev-reopen", List.of(req("options", new Schema.ListOf(new Schema.Alternate("BlockdevOptions",
                false, Blockdev::check)))), this::blockdevReopen);
        add("object-add", null, this::objectAdd);
        add("object-del", List.of(req("id", Schema.Scalar.STR)), this::objectDel);
        add("query-named-block-nodes", List.of(opt("flat", Schema.Scalar.BOOL)), a -> queryNamedBlockNodes());
        add("x-debug-query-block-graph", List.of(), a -> blockGraph());
        addJobCommands();
        if (blockJobs != null) {
            addStreamCommit();
        }
        add("x-blockgraph-drained-begin", List.of(req("node-name", Schema.Scalar.STR)), a -> {
            Node n = graph.requireNode(a.get("node-name").asText());
            graph.drainedBegin(n);
            synchronized (drainedByQmp) {
                drainedByQmp.merge(n.name(), 1, Integer::sum);
            }
            return empty();
        });
        add("x-blockgraph-drained-end", List.of(req("node-name", Schema.Scalar.STR)), a -> {
            Node n = graph.requireNode(a.get("node-name").asText());
            synchronized (drainedByQmp) {
                Integer k = drainedByQmp.get(n.name());
                if (k == null) {
                    throw QmpError.generic("Node '" + n.name() + "' has no drained section begun over QMP");
                }
                if (k == 1) {
                    drainedByQmp.remove(n.name());
                } else {
                    drainedByQmp.put(n.name(), k - 1);
                }
            }
            graph.drainedEnd(n);
            return empty();
        });
        add("x-blockgraph-drain-all-begin", List.of(), a -> {
            graph.drainAllBegin();
            synchronized (drainedByQmp) {
                drainAllByQmp++;
            }
            return empty();
        });
        add("x-blockgraph-drain-all-end", List.of(), a -> {
            synchronized (drainedByQmp) {
                if (drainAllByQmp == 0) {
                    throw QmpError.generic("No drain_all section begun over QMP");
                }
                drainAllByQmp--;
            }
            graph.drainAllEnd();
            return empty();
        });
        add("x-blockgraph-query-drain", List.of(), a -> queryDrain());
        nbd.register(this::add);
        add("human-monitor-command", List.of(req("command-line", Schema.Scalar.STR),
                opt("cpu-index", Schema.Scalar.INT)), a -> F.textNode(qemuIo.hmp(a.get("command-line").asText())));
    }

    private JsonNode blockdevAdd(ObjectNode a) {
        if (!a.hasNonNull("node-name")) {
            throw QmpError.generic("'node-name' must be specified for the root node");
        }
        // Under the control lock: a throttle group looked up here cannot be deleted by object-del before the node
        // that uses it exists (object-del checks for users under the same lock).
        Node n;
        graph.controlLock().lock();
        try {
            addOptions.keySet().removeIf(k -> graph.findNode(k) == null);
            n = Blockdev.create(graph, a, new Blockdev.Context(throttleGroups::get, addOptions));
            monitorOwned.add(n.name());
        } finally {
            graph.controlLock().unlock();
        }
        return empty();
    }

    /**
     * Upstream's op blocker that a backing link puts on its child ({@code bs->backing_blocker}, which blocks among
     * others {@code blockdev-del} and {@code blockdev-snapshot} on the backing node):
     * {@code Node 'X' is busy: node is used as backing hd of 'Y'}.
     */
    private static void requireNotBackingHd(Node n) {
        for (Child p : n.parents()) {
            if (p.parentNode() != null && p.name().equals("backing")) {
                throw QmpError.generic("Node '" + n.name() + "' is busy: node is used as backing hd of '"
                        + p.parentNode().name() + "'");
            }
        }
    }

    private JsonNode blockdevDel(ObjectNode a) {
        String name = a.get("node-name").asText();
        Node n = graph.findNode(name);
        if (n == null) {
            throw QmpError.generic("Failed to find node with node-name='" + name + "'");
        }
        for (Child p : n.parents()) {
            if (p.parent().kind() == ParentKind.BLOCK_BACKEND) {
                throw QmpError.generic("Node " + name + " is in use");
            }
        }
        requireNotBackingHd(n);
        if (!monitorOwned.contains(name)) {
            throw QmpError.generic("Node " + name + " is not owned by the monitor");
        }
        if (!n.parents().isEmpty()) {
            throw QmpError.generic("Block device " + name + " is in use");
        }
        List<Node> inline = inlineChildren(n);
        graph.deleteNode(name);
        monitorOwned.remove(name);
        deleteUnused(inline);
        return empty();
    }

    /** Children that were created inline (not owned by the monitor): they live only as long as a parent does. */
    private List<Node> inlineChildren(Node n) {
        List<Node> out = new ArrayList<>();
        for (Child c : n.children()) {
            if (!monitorOwned.contains(c.node().name()) && !out.contains(c.node())) {
                out.add(c.node());
            }
        }
        return out;
    }

    /** Deletes inline nodes left without any parent, and then their inline children in turn. */
    private void deleteUnused(List<Node> nodes) {
        for (Node c : nodes) {
            if (!c.isRemoved() && c.parents().isEmpty()) {
                List<Node> below = inlineChildren(c);
                graph.deleteNode(c.name());
                deleteUnused(below);
            }
        }
    }

    /**
     * {@code blockdev-snapshot}: upstream's checks in order (the node, its op blocker, the overlay; an overlay
     * that is some node's backing is not blocked, QEMU 7.2 reports the cycle instead), then the
     * overlay goes on top; then, as upstream's {@code external_snapshot_commit}, the old node is reopened
     * read-only, with its inline children (which inherit the flag), ignoring a refusal as upstream does.
     */
    private JsonNode blockdevSnapshot(ObjectNode a) {
        Node base = Blockdev.lookup(graph, a.get("node").asText());
        requireNotBackingHd(base);
        Node overlay = Blockdev.lookup(graph, a.get("overlay").asText());
        for (Child p : overlay.parents()) {
            if (p.parent().kind() == ParentKind.BLOCK_BACKEND) {
                throw QmpError.generic("The overlay is already in use");
            }
        }
        // Chains.snapshot checks the EXTERNAL_SNAPSHOT op blocker first and traces the chain spec's Snapshot.
        org.blockgraph.chain.Chains.snapshot(graph, overlay, base);
        List<BlockGraph.ReopenEntry> ro = new ArrayList<>();
        List<Node> todo = new ArrayList<>(List.of(base));
        while (!todo.isEmpty()) {
            Node n = todo.remove(0);
            if (!n.isReadOnly()) {
                ro.add(new BlockGraph.ReopenEntry(n, true, false, null));
            }
            todo.addAll(inlineChildren(n));
        }
        try {
            if (!ro.isEmpty()) {
                graph.reopen(ro);
            }
        } catch (GraphException e) {
            // Upstream passes no error pointer here: the snapshot stands, the old node stays writable.
        }
        return empty();
    }

    // --------------------------------------------------------------------------------------------------------
    // object-add / object-del (qom-type throttle-group)

    private static final List<Schema.Field> THROTTLE_LIMITS = List.of(
            opt("iops-total", Schema.Scalar.INT), opt("bps-total", Schema.Scalar.INT));
    private static final List<Schema.Field> OBJECT_ADD = List.of(
            req("qom-type", new Schema.EnumType(Set.of("throttle-group"))), req("id", Schema.Scalar.STR),
            opt("limits", new Schema.Struct(THROTTLE_LIMITS)),
            opt("x-iops-total", Schema.Scalar.INT), opt("x-bps-total", Schema.Scalar.INT));

    /** {@code ObjectOptions}: a flat union keyed by {@code qom-type}; only {@code throttle-group} exists here. */
    private static void checkObjectAdd(ObjectNode a) {
        Schema.checkStruct(a, OBJECT_ADD, "");
    }

    private static long limit(ObjectNode a, String key) {
        JsonNode l = a.get("limits");
        if (l != null && l.has(key)) {
            return l.get(key).asLong();
        }
        return a.has("x-" + key) ? a.get("x-" + key).asLong() : 0;
    }

    private JsonNode objectAdd(ObjectNode a) {
        String id = a.get("id").asText();
        if (!org.blockgraph.graph.NodeNames.wellFormed(id)) {
            throw QmpError.generic("Parameter 'id' expects an identifier");
        }
        ThrottleGroup g;
        try {
            g = new ThrottleGroup(id, limit(a, "bps-total"), limit(a, "iops-total"));
        } catch (IllegalArgumentException e) {
            throw QmpError.generic(e.getMessage());
        }
        if (throttleGroups.putIfAbsent(id, g) != null) {
            throw QmpError.generic("attempt to add duplicate property '" + id + "' to object (type 'container')");
        }
        return empty();
    }

    private JsonNode objectDel(ObjectNode a) {
        String id = a.get("id").asText();
        ThrottleGroup g = throttleGroups.get(id);
        if (g == null) {
            throw QmpError.generic("object '" + id + "' not found");
        }
        // The check and the removal run under the control lock, so no blockdev-add can join the group in between.
        graph.controlLock().lock();
        try {
            for (Node n : graph.nodes()) {
                if (n.driver() instanceof ThrottleDriver t && t.group() == g) {
                    throw QmpError.generic("object '" + id + "' is in use, can not be deleted");
                }
            }
            throttleGroups.remove(id);
        } finally {
            graph.controlLock().unlock();
        }
        return empty();
    }

    // --------------------------------------------------------------------------------------------------------
    // blockdev-reopen

    /**
     * {@code blockdev-reopen}: a list of full {@code BlockdevOptions}, applied as one transaction
     * ({@code bdrv_reopen_multiple}). First every entry's node is looked up; then each entry is checked in order as
     * upstream's {@code bdrv_reopen_prepare} does (options that cannot be reset or changed, {@code backing}
     * missing, the new backing node, {@code file}/{@code image}); then the core checks and applies all entries at
     * once ({@link BlockGraph#reopen}). Any refusal leaves the graph unchanged. As upstream, an omitted
     * {@code read-only} means read-write, and an omitted {@code backing} is an error on a node that has one. A
     * node listed twice gets the two entries merged, the later one's members winning.
     */
    private JsonNode blockdevReopen(ObjectNode a) {
        Map<Node, ObjectNode> queue = new LinkedHashMap<>();
        for (JsonNode o : a.get("options")) {
            ObjectNode on = (ObjectNode) o;
            if (!on.hasNonNull("node-name")) {
                throw QmpError.generic("node-name not specified");
            }
            String name = on.get("node-name").asText();
            Node n = graph.findNode(name);
            if (n == null) {
                throw QmpError.generic("Failed to find node with node-name='" + name + "'");
            }
            ObjectNode earlier = queue.get(n);
            if (earlier != null) {
                // bdrv_reopen_queue_child: the later entry's members win, the earlier entry's others are kept.
                ObjectNode merged = earlier.deepCopy();
                merged.setAll(on);
                on = merged;
            }
            queue.put(n, on);
        }
        List<BlockGraph.ReopenEntry> entries = new ArrayList<>();
        for (Map.Entry<Node, ObjectNode> e : queue.entrySet()) {
            entries.add(prepareReopen(e.getKey(), e.getValue()));
        }
        // Inline children inherit read-only from the reopened parent unless listed themselves or created with an
        // explicit read-only (bdrv_reopen_queue_child recursing into children with inherits_from == bs).
        List<BlockGraph.ReopenEntry> inherited = new ArrayList<>();
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(queue.keySet());
        for (BlockGraph.ReopenEntry e : entries) {
            List<Node> todo = new ArrayList<>(inlineChildren(e.node()));
            while (!todo.isEmpty()) {
                Node c = todo.remove(0);
                ObjectNode co = addOptions.get(c.name());
                if (!seen.add(c) || (co != null && co.has("read-only"))) {
                    continue;
                }
                inherited.add(new BlockGraph.ReopenEntry(c, e.readOnly(), false, null));
                todo.addAll(inlineChildren(c));
            }
        }
        entries.addAll(inherited);
        graph.reopen(entries);
        return empty();
    }

    /** The value an option has when it was not given at creation: what the node derived for it. */
    private static JsonNode derived(Node n, String option) {
        return switch (option) {
            case "size" -> F.numberNode(n.length());
            case "cluster-size" -> F.numberNode(65536);
            default -> null;
        };
    }

    private static boolean sameValue(JsonNode x, JsonNode y) {
        if (x != null && y != null && x.isIntegralNumber() && y.isIntegralNumber()) {
            return x.asLong() == y.asLong();
        }
        return x != null && x.equals(y);
    }

    private BlockGraph.ReopenEntry prepareReopen(Node n, ObjectNode on) {
        ObjectNode old = addOptions.getOrDefault(n.name(), F.objectNode());
        Iterator<String> keys = old.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (!Blockdev.STRUCTURAL.contains(k) && !on.has(k)) {
                throw QmpError.generic("Option '" + k + "' cannot be reset to its default value");
            }
        }
        JsonNode b = on.get("backing");
        if (b == null && n.driver().childRole("backing") != null && n.child("backing") != null) {
            throw QmpError.generic("backing is missing for '" + n.name() + "'");
        }
        Node newBacking = null;
        if (b != null && !b.isNull()) {
            if (!b.isTextual()) {
                throw QmpError.generic("Cannot create a new backing node in blockdev-reopen; add it with "
                        + "blockdev-add and refer to it by name");
            }
            // bdrv_lookup_bs(NULL, name): upstream names an empty device here.
            newBacking = graph.findNode(b.asText());
            if (newBacking == null) {
                throw QmpError.generic("Cannot find device='' nor node-name='" + b.asText() + "'");
            }
        }
        for (String child : List.of("file", "image")) {
            JsonNode f = on.get(child);
            if (f != null) {
                Child c = n.child(child);
                if (!f.isTextual() || c == null || !c.node().name().equals(f.asText())) {
                    throw QmpError.generic("Cannot change the option '" + child + "'");
                }
            }
        }
        String drv = on.get("driver").asText();
        if (!drv.equals(qmpDriver(n))) {
            throw QmpError.generic("Cannot change the option 'driver'");
        }
        Iterator<String> given = on.fieldNames();
        while (given.hasNext()) {
            String k = given.next();
            if (Blockdev.STRUCTURAL.contains(k)) {
                continue;
            }
            JsonNode was = old.has(k) ? old.get(k) : derived(n, k);
            if (!sameValue(on.get(k), was)) {
                throw QmpError.generic("Cannot change the option '" + k + "'");
            }
        }
        boolean ro = on.has("read-only") && on.get("read-only").asBoolean();
        return new BlockGraph.ReopenEntry(n, ro, b != null, newBacking);
    }

    private JsonNode queryNamedBlockNodes() {
        ArrayNode r = F.arrayNode();
        for (Node n : graph.nodes()) {
            ObjectNode o = r.addObject();
            o.put("file", filename(n));
            o.put("node-name", n.name());
            o.put("ro", n.isReadOnly());
            o.put("drv", qmpDriver(n));
            // The backing-file string of the image header (set at creation, rewritten by stream and commit).
            if (n.backingFile() != null) {
                o.put("backing_file", n.backingFile());
            }
            int depth = 0;
            for (Node x = n; x.child("backing") != null; x = x.child("backing").node()) {
                depth++;
            }
            o.put("backing_file_depth", depth);
            o.put("encrypted", false);
            o.put("detect_zeroes", "off");
            ObjectNode img = o.putObject("image");
            img.put("virtual-size", n.length());
            img.put("filename", filename(n));
            img.put("format", qmpDriver(n));
            if (n.backingFile() != null) {
                img.put("backing-filename", n.backingFile());
            }
        }
        return r;
    }

    /** The driver name the node was added with ({@code null-co} / {@code null-aio} for the null driver). */
    private String qmpDriver(Node n) {
        ObjectNode o = addOptions.get(n.name());
        return o != null && o.has("driver") ? o.get("driver").asText() : n.driver().name();
    }

    private String filename(Node n) {
        return "json:{\"driver\":\"" + qmpDriver(n) + "\",\"node-name\":\"" + n.name() + "\"}";
    }

    private JsonNode blockGraph() {
        Map<Object, Integer> ids = new IdentityHashMap<>();
        ArrayNode nodes = F.arrayNode();
        ArrayNode edges = F.arrayNode();
        List<Child> all = new ArrayList<>();
        for (Node n : graph.nodes()) {
            ids.put(n, ids.size());
            ObjectNode o = nodes.addObject();
            o.put("id", ids.get(n));
            o.put("type", "block-driver");
            o.put("name", n.name());
            all.addAll(n.children());
        }
        for (Child c : graph.rootEdges()) {
            Parent p = c.parent();
            if (!ids.containsKey(p)) {
                ids.put(p, ids.size());
                ObjectNode o = nodes.addObject();
                o.put("id", ids.get(p));
                o.put("type", p.kind() == ParentKind.BLOCK_BACKEND ? "block-backend" : "job");
                o.put("name", p instanceof BlockBackend bb && bb.name() != null ? bb.name() : p.describe());
            }
            all.add(c);
        }
        for (Child c : all) {
            ObjectNode e = edges.addObject();
            e.put("parent", ids.get(c.parent()));
            e.put("child", ids.get(c.node()));
            e.put("name", c.name());
            e.set("perm", perms(c.perm()));
            e.set("shared-perm", perms(c.shared()));
        }
        ObjectNode r = F.objectNode();
        r.set("nodes", nodes);
        r.set("edges", edges);
        return r;
    }

    private static ArrayNode perms(int mask) {
        ArrayNode a = F.arrayNode();
        for (Permission p : Permission.values()) {
            if ((mask & p.bit()) != 0) {
                a.add(p.text().replace(' ', '-'));
            }
        }
        return a;
    }

    private JsonNode queryDrain() {
        ObjectNode r = F.objectNode();
        r.put("drain-all-count", graph.drainAllCount());
        ArrayNode nodes = r.putArray("nodes");
        for (Node n : graph.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("node-name", n.name());
            o.put("quiesce-counter", n.quiesceCounter());
            o.put("drained-sections", n.drainedSections());
            o.put("in-flight", n.inFlight());
        }
        ArrayNode bbs = r.putArray("backends");
        for (Child c : graph.rootEdges()) {
            if (c.parent() instanceof BlockBackend bb) {
                ObjectNode o = bbs.addObject();
                o.put("name", bb.describe());
                o.put("node-name", c.node().name());
                o.put("quiesce-counter", bb.quiesceCounter());
                o.put("parked-requests", bb.parkedRequests());
                o.put("in-flight", bb.inFlight());
            }
        }
        ArrayNode js = r.putArray("jobs");
        for (Job j : jobs.jobs()) {
            JobState s = j.state();
            ObjectNode o = js.addObject();
            o.put("id", j.id());
            o.put("status", s.status().qapiName());
            o.put("pause-count", s.pauseCount());
            o.put("busy", s.busy());
        }
        return r;
    }

    private void addJobCommands() {
        add("query-jobs", List.of(), a -> JSON.valueToTree(jobs.queryJobs().stream().map(i -> i.toQmp()).toList()));
        add("query-block-jobs", List.of(),
                a -> JSON.valueToTree(jobs.queryBlockJobs().stream().map(i -> i.toQmp()).toList()));
        List<Schema.Field> id = List.of(req("id", Schema.Scalar.STR));
        add("job-pause", id, a -> verb(job(a), Job::userPause));
        add("job-resume", id, a -> verb(job(a), Job::userResume));
        add("job-cancel", id, a -> verb(job(a), j -> j.cancel(true)));
        add("job-complete", id, a -> verb(job(a), Job::complete));
        add("job-finalize", id, a -> verb(job(a), Job::finalizeJob));
        add("job-dismiss", id, a -> verb(job(a), Job::dismiss));
        List<Schema.Field> dev = List.of(req("device", Schema.Scalar.STR));
        add("block-job-pause", dev, a -> verb(blockJob(a), Job::userPause));
        add("block-job-resume", dev, a -> verb(blockJob(a), Job::userResume));
        add("block-job-cancel", List.of(req("device", Schema.Scalar.STR), opt("force", Schema.Scalar.BOOL)), a -> {
            Job j = blockJob(a);
            boolean force = a.has("force") && a.get("force").asBoolean();
            if (j.state().userPaused() && !force) {
                throw QmpError.generic("The block job for device '" + j.id() + "' is currently paused");
            }
            return verb(j, x -> x.cancel(force));
        });
        add("block-job-complete", dev, a -> verb(blockJob(a), Job::complete));
        add("block-job-finalize", List.of(req("id", Schema.Scalar.STR)),
                a -> verb(blockJob(a.get("id").asText()), Job::finalizeJob));
        add("block-job-dismiss", List.of(req("id", Schema.Scalar.STR)),
                a -> verb(blockJob(a.get("id").asText()), Job::dismiss));
        add("block-job-set-speed", List.of(req("device", Schema.Scalar.STR), req("speed", Schema.Scalar.INT)), a -> {
            // The job checks the verb first, then the value ("Parameter 'speed' expects a non-negative value").
            long speed = a.get("speed").asLong();
            return verb(blockJob(a), j -> j.setSpeed(speed));
        });
    }

    private static final Schema.EnumType ON_ERROR = new Schema.EnumType(
            Set.of("report", "ignore", "enospc", "stop", "auto"));

    private static String str(ObjectNode a, String k) {
        return a.hasNonNull(k) ? a.get(k).asText() : null;
    }

    private static OnError onError(ObjectNode a) {
        return a.has("on-error") ? OnError.valueOf(a.get("on-error").asText().toUpperCase(java.util.Locale.ROOT))
                : OnError.REPORT;
    }

    private static boolean flag(ObjectNode a, String k, boolean dflt) {
        return a.has(k) ? a.get(k).asBoolean() : dflt;
    }

    private void addStreamCommit() {
        add("block-stream", List.of(opt("job-id", Schema.Scalar.STR), req("device", Schema.Scalar.STR),
                opt("base", Schema.Scalar.STR), opt("base-node", Schema.Scalar.STR),
                opt("backing-file", Schema.Scalar.STR), opt("backing-mask-protocol", Schema.Scalar.BOOL),
                opt("bottom", Schema.Scalar.STR), opt("speed", Schema.Scalar.INT), opt("on-error", ON_ERROR),
                opt("filter-node-name", Schema.Scalar.STR), opt("auto-finalize", Schema.Scalar.BOOL),
                opt("auto-dismiss", Schema.Scalar.BOOL)), a -> {
                    // A negative speed is refused by the job registry with upstream's text, after the checks.
                    long speed = a.has("speed") ? a.get("speed").asLong() : 0;
                    blockJobs.stream(new StreamOptions(str(a, "job-id"), str(a, "device"), str(a, "base"),
                            str(a, "base-node"), str(a, "bottom"), str(a, "backing-file"),
                            flag(a, "backing-mask-protocol", false), speed, onError(a), str(a, "filter-node-name"),
                            flag(a, "auto-finalize", true), flag(a, "auto-dismiss", true)));
                    return empty();
                });
        add("block-commit", List.of(opt("job-id", Schema.Scalar.STR), req("device", Schema.Scalar.STR),
                opt("base-node", Schema.Scalar.STR), opt("base", Schema.Scalar.STR),
                opt("top-node", Schema.Scalar.STR), opt("top", Schema.Scalar.STR),
                opt("backing-file", Schema.Scalar.STR), opt("backing-mask-protocol", Schema.Scalar.BOOL),
                opt("speed", Schema.Scalar.INT), opt("on-error", ON_ERROR),
                opt("filter-node-name", Schema.Scalar.STR), opt("auto-finalize", Schema.Scalar.BOOL),
                opt("auto-dismiss", Schema.Scalar.BOOL)), a -> {
                    // A negative speed is refused by the job registry with upstream's text, after the checks.
                    long speed = a.has("speed") ? a.get("speed").asLong() : 0;
                    requireRoot(str(a, "device"));
                    blockJobs.commit(new CommitOptions(str(a, "job-id"), str(a, "device"), str(a, "top"),
                            str(a, "top-node"), str(a, "base"), str(a, "base-node"), str(a, "backing-file"),
                            flag(a, "backing-mask-protocol", false), speed, onError(a), str(a, "filter-node-name"),
                            flag(a, "auto-finalize", true), flag(a, "auto-dismiss", true)));
                    return empty();
                });
    }

    /**
     * {@code qmp_get_root_bs} as block-commit uses it: the device must exist (class {@code DeviceNotFound}) and have
     * no parent node.
     */
    private void requireRoot(String device) {
        Node n = graph.findNode(device);
        if (n == null) {
            throw new QmpError("DeviceNotFound", "Device '" + device + "' not found");
        }
        for (Child p : n.parents()) {
            if (p.parentNode() != null) {
                throw QmpError.generic("Need a root block node");
            }
        }
    }

    private Job job(ObjectNode a) {
        return jobs.find(a.get("id").asText()).orElseThrow(() -> QmpError.generic("Job not found"));
    }

    private Job blockJob(ObjectNode a) {
        return blockJob(a.get("device").asText());
    }

    private Job blockJob(String id) {
        return jobs.find(id).orElseThrow(() -> new QmpError("DeviceNotActive", "Block job '" + id + "' not found"));
    }

    private static JsonNode verb(Job j, Consumer<Job> action) {
        action.accept(j);
        return empty();
    }
}
