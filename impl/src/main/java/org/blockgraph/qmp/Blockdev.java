package org.blockgraph.qmp;

import static org.blockgraph.qmp.Schema.opt;
import static org.blockgraph.qmp.Schema.req;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CopyOnReadDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.driver.NullDriver;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.driver.ThrottleGroup;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Node;

/**
 * {@code BlockdevOptions}: the flat union keyed by {@code driver} that {@code blockdev-add} takes, its schema
 * check, and the construction of a node tree from it (children inline or by node name), all or nothing.
 */
final class Blockdev {
    static final Set<String> DRIVERS = Set.of("memory", "cow", "null-co", "null-aio", "throttle", "copy-on-read",
            "blkdebug");

    private static final List<Schema.Field> BASE = List.of(
            req("driver", new Schema.EnumType(DRIVERS)),
            opt("node-name", Schema.Scalar.STR),
            opt("read-only", Schema.Scalar.BOOL));

    static final Schema.Alternate REF = new Schema.Alternate("BlockdevRef", false, Blockdev::check);
    static final Schema.Alternate REF_OR_NULL = new Schema.Alternate("BlockdevRefOrNull", true, Blockdev::check);

    private static final Schema.Struct INJECT_ERROR = new Schema.Struct(List.of(
            req("event", new Schema.EnumType(BlkdebugDriver.EVENTS)),
            opt("state", Schema.Scalar.INT),
            opt("iotype", new Schema.EnumType(Set.of("read", "write", "write-zeroes", "discard", "flush"))),
            opt("errno", Schema.Scalar.INT),
            opt("sector", Schema.Scalar.INT),
            opt("once", Schema.Scalar.BOOL),
            opt("immediately", Schema.Scalar.BOOL)));

    private static final Schema.Struct SET_STATE = new Schema.Struct(List.of(
            req("event", new Schema.EnumType(BlkdebugDriver.EVENTS)),
            opt("state", Schema.Scalar.INT),
            req("new_state", Schema.Scalar.INT)));

    private static final Map<String, List<Schema.Field>> VARIANTS = Map.of(
            "memory", List.of(req("size", Schema.Scalar.INT)),
            "cow", List.of(req("file", REF), opt("backing", REF_OR_NULL), opt("size", Schema.Scalar.INT),
                    opt("cluster-size", Schema.Scalar.INT)),
            "null-co", List.of(opt("size", Schema.Scalar.INT)),
            "null-aio", List.of(opt("size", Schema.Scalar.INT)),
            "throttle", List.of(req("throttle-group", Schema.Scalar.STR), req("file", REF)),
            "copy-on-read", List.of(req("file", REF), opt("bottom", Schema.Scalar.STR)),
            "blkdebug", List.of(req("image", REF), opt("align", Schema.Scalar.INT),
                    opt("inject-error", new Schema.ListOf(INJECT_ERROR)),
                    opt("set-state", new Schema.ListOf(SET_STATE))));

    private Blockdev() {
    }

    /** Fields of a driver's variant, base first. */
    static List<Schema.Field> fields(String driver) {
        List<Schema.Field> all = new ArrayList<>(BASE);
        all.addAll(VARIANTS.get(driver));
        return all;
    }

    /** The schema check of one BlockdevOptions object at {@code path} (empty for the top level). */
    static void check(ObjectNode o, String path) {
        Schema.checkMembers(o, BASE.subList(0, 1), path);
        Schema.checkStruct(o, fields(o.get("driver").asText()), path);
    }

    /** Members of a node's options that are not children or base members: what reopen may not change. */
    static final Set<String> STRUCTURAL = Set.of("driver", "node-name", "read-only", "file", "image", "backing");

    /** What node creation needs beyond the graph: throttle groups by id, and where to record each node's options. */
    record Context(Function<String, ThrottleGroup> groups, Map<String, ObjectNode> options) {
    }

    /**
     * Builds the node tree; on failure every node it created is deleted again and the error rethrown. The options
     * of each created node (children by reference replaced with their names) go to {@code ctx.options()}.
     */
    static Node create(BlockGraph graph, ObjectNode o, Context ctx) {
        List<Node> created = new ArrayList<>();
        Map<String, ObjectNode> recorded = new LinkedHashMap<>();
        try {
            Node n = build(graph, o, created, ctx, recorded);
            ctx.options().putAll(recorded);
            return n;
        } catch (RuntimeException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                Node n = created.get(i);
                if (!n.isRemoved()) {
                    graph.deleteNode(n.name());
                }
            }
            throw e;
        }
    }

    static Node lookup(BlockGraph graph, String ref) {
        Node n = graph.findNode(ref);
        if (n == null) {
            throw QmpError.generic("Cannot find device='" + ref + "' nor node-name='" + ref + "'");
        }
        return n;
    }

    private static Node ref(BlockGraph graph, JsonNode v, List<Node> created, Context ctx,
            Map<String, ObjectNode> recorded) {
        return v.isTextual() ? lookup(graph, v.asText()) : build(graph, (ObjectNode) v, created, ctx, recorded);
    }

    private static long size(ObjectNode o, String member, long dflt) {
        JsonNode v = o.get(member);
        long s = v == null ? dflt : v.asLong();
        if (s < 0) {
            throw QmpError.generic("Parameter '" + member + "' expects a non-negative value");
        }
        return s;
    }

    private static Node build(BlockGraph graph, ObjectNode o, List<Node> created, Context ctx,
            Map<String, ObjectNode> recorded) {
        String drv = o.get("driver").asText();
        String name = o.hasNonNull("node-name") ? o.get("node-name").asText() : null;
        boolean ro = o.has("read-only") && o.get("read-only").asBoolean();
        Map<String, Node> children = new LinkedHashMap<>();
        BlockDriver driver;
        switch (drv) {
            case "memory" -> driver = new MemoryDriver(size(o, "size", 0));
            case "null-co", "null-aio" -> driver = new NullDriver(size(o, "size", 1L << 30));
            case "cow" -> {
                Node file = ref(graph, o.get("file"), created, ctx, recorded);
                children.put("file", file);
                JsonNode b = o.get("backing");
                if (b != null && !b.isNull()) {
                    children.put("backing", ref(graph, b, created, ctx, recorded));
                }
                long cs = size(o, "cluster-size", 65536);
                if (cs < 512 || cs > (1 << 21) || Long.bitCount(cs) != 1) {
                    throw QmpError.generic("Cluster size must be a power of two between 512 and 2048k");
                }
                driver = new CowDriver(size(o, "size", file.length()), (int) cs);
            }
            case "throttle" -> {
                children.put("file", ref(graph, o.get("file"), created, ctx, recorded));
                String id = o.get("throttle-group").asText();
                ThrottleGroup g = ctx.groups().apply(id);
                if (g == null) {
                    throw QmpError.generic("Throttle group '" + id + "' does not exist");
                }
                driver = new ThrottleDriver(g);
            }
            case "copy-on-read" -> {
                children.put("file", ref(graph, o.get("file"), created, ctx, recorded));
                driver = o.has("bottom") ? new CopyOnReadDriver(lookup(graph, o.get("bottom").asText()))
                        : new CopyOnReadDriver();
            }
            case "blkdebug" -> {
                children.put("image", ref(graph, o.get("image"), created, ctx, recorded));
                BlkdebugDriver d = new BlkdebugDriver(o.has("align") ? o.get("align").asLong() : 0);
                JsonNode rules = o.get("inject-error");
                if (rules != null) {
                    for (JsonNode r : rules) {
                        d.addRule(injectError(r));
                    }
                }
                JsonNode states = o.get("set-state");
                if (states != null) {
                    for (JsonNode r : states) {
                        d.addSetState(new BlkdebugDriver.SetState(r.get("event").asText(),
                                r.has("state") ? r.get("state").asInt() : 0, r.get("new_state").asInt()));
                    }
                }
                driver = d;
            }
            default -> throw new IllegalStateException("schema admitted driver " + drv);
        }
        Node n = graph.addNode(name, driver, children, ro);
        created.add(n);
        ObjectNode rec = o.deepCopy();
        for (Map.Entry<String, Node> c : children.entrySet()) {
            rec.put(c.getKey(), c.getValue().name());
        }
        recorded.put(n.name(), rec);
        return n;
    }

    private static BlkdebugDriver.InjectError injectError(JsonNode r) {
        Set<BlkdebugDriver.IoType> types;
        if (r.has("iotype")) {
            types = EnumSet.of(BlkdebugDriver.IoType.valueOf(r.get("iotype").asText().toUpperCase()
                    .replace('-', '_')));
        } else {
            // Upstream applies a rule without iotype to all five request types.
            types = EnumSet.allOf(BlkdebugDriver.IoType.class);
        }
        long sector = r.has("sector") ? r.get("sector").asLong() : -1;
        return new BlkdebugDriver.InjectError(r.get("event").asText(), r.has("state") ? r.get("state").asInt() : 0,
                r.has("errno") ? r.get("errno").asInt() : BlockIoException.EIO,
                sector < 0 ? -1 : sector * 512, r.has("once") && r.get("once").asBoolean(),
                r.has("immediately") && r.get("immediately").asBoolean(), new HashSet<>(types));
    }
}
