package org.blockgraph.qmp;

import static org.blockgraph.qmp.Schema.opt;
import static org.blockgraph.qmp.Schema.req;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.nbd.NbdAddress;
import org.blockgraph.nbd.NbdExport;
import org.blockgraph.nbd.NbdService;

/**
 * The NBD commands: {@code nbd-server-start}, {@code nbd-server-stop}, {@code block-export-add} (type nbd),
 * {@code block-export-del}, {@code query-block-exports}, and the {@code BLOCK_EXPORT_DELETED} event, over one
 * {@link NbdService}.
 */
final class NbdCommands {
    /** How the dispatcher registers a command. */
    interface Registrar {
        void add(String name, List<Schema.Field> args, QmpDispatcher.Handler handler);
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Schema.Struct UNIX = new Schema.Struct(List.of(req("path", Schema.Scalar.STR),
            opt("abstract", Schema.Scalar.BOOL), opt("tight", Schema.Scalar.BOOL)));
    private static final Schema.Struct INET = new Schema.Struct(List.of(req("host", Schema.Scalar.STR),
            req("port", Schema.Scalar.STR), opt("numeric", Schema.Scalar.BOOL)));
    private static final Schema.Struct VSOCK = new Schema.Struct(List.of(req("cid", Schema.Scalar.STR),
            req("port", Schema.Scalar.STR)));
    private static final Schema.Struct FD = new Schema.Struct(List.of(req("str", Schema.Scalar.STR)));
    private static final List<Schema.Field> EXPORT_ARGS = List.of(req("type", new Schema.EnumType(Set.of("nbd"))),
            req("id", Schema.Scalar.STR), req("node-name", Schema.Scalar.STR), opt("writable", Schema.Scalar.BOOL),
            opt("writethrough", Schema.Scalar.BOOL), opt("name", Schema.Scalar.STR),
            opt("description", Schema.Scalar.STR));

    private final NbdService service;

    NbdCommands(BlockGraph graph, BiConsumer<String, Map<String, Object>> emit) {
        this.service = new NbdService(graph, id -> emit.accept("BLOCK_EXPORT_DELETED", Map.of("id", id)));
    }

    /** Stops the server, if any. */
    void close() {
        service.close();
    }

    void register(Registrar r) {
        r.add("nbd-server-start", List.of(req("addr", new Schema.Alternate("object", false,
                NbdCommands::checkAddr)), opt("tls-creds", Schema.Scalar.STR), opt("tls-authz", Schema.Scalar.STR),
                opt("max-connections", Schema.Scalar.INT)), this::start);
        r.add("nbd-server-stop", List.of(), a -> {
            service.stop();
            return F.objectNode();
        });
        // BlockExportOptions is a flat union on 'type' whose only branch here is nbd: its base members, then the
        // branch's, which is the order QEMU's visitor checks them in.
        r.add("block-export-add", EXPORT_ARGS, this::exportAdd);
        r.add("block-export-del", List.of(req("id", Schema.Scalar.STR),
                opt("mode", new Schema.EnumType(Set.of("safe", "hard")))), a -> {
                    service.deleteExport(a.get("id").asText(), a.has("mode") && a.get("mode").asText().equals("hard"));
                    return F.objectNode();
                });
        r.add("query-block-exports", List.of(), a -> {
            ArrayNode out = F.arrayNode();
            for (NbdExport e : service.exports()) {
                ObjectNode o = out.addObject();
                o.put("type", "nbd");
                o.put("id", e.id());
                o.put("node-name", e.nodeName());
                o.put("shutting-down", e.shuttingDown());
            }
            return out;
        });
    }

    /** SocketAddressLegacy: a simple union, {@code {"type":T,"data":{...}}}. */
    private static void checkAddr(ObjectNode addr, String path) {
        JsonNode type = addr.get("type");
        if (type == null) {
            throw QmpError.generic("Parameter '" + Schema.join(path, "type") + "' is missing");
        }
        if (!type.isTextual()) {
            throw Schema.invalidType(Schema.join(path, "type"), "string");
        }
        Schema.Struct data = switch (type.asText()) {
            case "unix" -> UNIX;
            case "inet" -> INET;
            case "vsock" -> VSOCK;
            case "fd" -> FD;
            // the QAPI enum visitor names the bare member
            default -> throw QmpError.generic("Parameter 'type' does not accept value '" + type.asText() + "'");
        };
        Schema.checkMembers(addr, List.of(req("data", data)), path);
        Schema.checkUnexpected(addr, Set.of("type", "data"), path);
    }

    private JsonNode start(ObjectNode a) {
        JsonNode addr = a.get("addr");
        if (!addr.isObject()) {
            throw Schema.invalidType("addr", "object");
        }
        long max = NbdService.DEFAULT_MAX_CONNECTIONS;
        if (a.has("max-connections")) {
            max = a.get("max-connections").asLong();
            if (max < 0 || max > 0xffffffffL) {
                throw QmpError.generic("Parameter 'max-connections' expects uint32_t");
            }
        }
        if (a.has("tls-creds")) {
            // blockgraph has no object-add, so no credentials object can exist
            throw QmpError.generic("No TLS credentials with id '" + a.get("tls-creds").asText() + "'");
        }
        ObjectNode data = (ObjectNode) addr.get("data");
        NbdAddress where = switch (addr.get("type").asText()) {
            case "unix" -> {
                if (data.path("abstract").asBoolean(false)) {
                    throw QmpError.generic("blockgraph's NBD server does not listen on abstract unix sockets");
                }
                yield new NbdAddress.Unix(Path.of(data.get("path").asText()));
            }
            case "inet" -> new NbdAddress.Inet(data.get("host").asText(), port(data.get("port").asText()));
            default -> throw QmpError.generic("blockgraph's NBD server listens on 'unix' or 'inet' addresses only");
        };
        try {
            service.start(where, (int) Math.min(max, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw QmpError.generic(e.getMessage());
        }
        return F.objectNode();
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw QmpError.generic("Failed to parse port '" + s + "'");
    }

    private JsonNode exportAdd(ObjectNode a) {
        service.addExport(a.get("id").asText(), a.get("node-name").asText(), str(a, "name"), str(a, "description"),
                a.path("writable").asBoolean(false), a.path("writethrough").asBoolean(false));
        return F.objectNode();
    }

    private static String str(ObjectNode a, String k) {
        return a.has(k) ? a.get(k).asText() : null;
    }
}
