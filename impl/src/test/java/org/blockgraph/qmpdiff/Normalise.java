package org.blockgraph.qmpdiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one place where what legitimately differs between blockgraph and qemu-storage-daemon is normalised away
 * before comparison. Everything else is compared as it is:
 * <ul>
 *   <li>requests to blockgraph name its stand-ins for QEMU's image drivers ({@link #request}): {@code qcow2}
 *       becomes {@code cow} and {@code file} becomes {@code memory} in any {@code driver} member;</li>
 *   <li>driver names: the image format {@code qcow2} is blockgraph's {@code cow}, the protocol {@code file} is
 *       {@code memory} (each side's stand-in for an image file);</li>
 *   <li>file names: the peer's temporary directory becomes {@code $DIR};</li>
 *   <li>generated node names {@code #blockNNN} lose their number (each side counts its own);</li>
 *   <li>timestamps of events are dropped, and so are the export events of the NBD exports the qsd side makes to run
 *       qemu-io commands ({@code BLOCK_EXPORT_DELETED});</li>
 *   <li>qemu-io output loses its timing line ({@code 64 KiB, 1 ops; 00.00 sec (...)});</li>
 *   <li>a query's returned value is not compared in the step's reply (the graph projection compares its content);
 *       of {@code query-named-block-nodes} only node name, driver and read-only flag are kept, and of
 *       {@code x-debug-query-block-graph} only the edges between named nodes (parent, child name, child).</li>
 * </ul>
 */
final class Normalise {
    private static final Map<String, String> DRIVERS = Map.of("qcow2", "cow", "file", "memory");
    private static final Pattern IMPLICIT = Pattern.compile("#block[0-9]+");
    private static final Pattern TIMING = Pattern.compile("^\\S+ \\S+, \\d+ ops; .*sec .*$");
    private static final List<String> DROPPED_EVENTS = List.of("BLOCK_EXPORT_DELETED");

    private Normalise() {
    }

    private static final Map<String, String> REQUEST_DRIVERS = Map.of("qcow2", "cow", "file", "memory");

    /** A request as sent to {@code p}: for blockgraph, QEMU's image driver names become its stand-ins. */
    static JsonNode request(JsonNode args, Peer p) {
        if (args == null || !(p instanceof Peer.Blockgraph)) {
            return args;
        }
        JsonNode copy = args.deepCopy();
        mapDrivers(copy);
        return copy;
    }

    private static void mapDrivers(JsonNode n) {
        if (n instanceof ObjectNode o) {
            JsonNode d = o.get("driver");
            if (d != null && d.isTextual() && REQUEST_DRIVERS.containsKey(d.asText())) {
                o.put("driver", REQUEST_DRIVERS.get(d.asText()));
            }
            o.forEach(Normalise::mapDrivers);
        } else if (n != null && n.isArray()) {
            n.forEach(Normalise::mapDrivers);
        }
    }

    static String text(String s, Peer p) {
        String t = s.replace(p.dir.toString(), "$DIR");
        return IMPLICIT.matcher(t).replaceAll("#block");
    }

    static String driver(String d) {
        return DRIVERS.getOrDefault(d, d);
    }

    /** A reply: {@code return <value>} or {@code error <class>: <desc>}. */
    static String reply(String command, ObjectNode r, Peer p) {
        if (r == null) {
            return "connection closed";
        }
        if (r.has("error")) {
            return text("error " + r.get("error").get("class").asText() + ": " + r.get("error").get("desc").asText(),
                    p);
        }
        if (command != null && (command.startsWith("query-") || command.startsWith("x-debug-"))) {
            return "return (query)";
        }
        return text("return " + r.get("return"), p);
    }

    /** qemu-io output without its timing line. */
    static String qemuIo(String out, Peer p) {
        List<String> keep = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !TIMING.matcher(line).matches()) {
                keep.add(line.strip());
            }
        }
        return text(String.join(" / ", keep), p);
    }

    /** Events in order, as {@code NAME{data members sorted}}. */
    static String events(List<ObjectNode> events, Peer p) {
        List<String> out = new ArrayList<>();
        for (ObjectNode e : events) {
            String name = e.get("event").asText();
            if (DROPPED_EVENTS.contains(name)) {
                continue;
            }
            Map<String, String> data = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = e.path("data").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> m = it.next();
                data.put(m.getKey(), m.getValue().isTextual() ? m.getValue().asText() : m.getValue().toString());
            }
            out.add(name + data);
        }
        return text(String.join(" ", out), p);
    }

    /** Nodes (name, driver, ro) and the edges between them, sorted, from the two queries. */
    static String graph(JsonNode named, JsonNode blockGraph, Peer p) {
        List<String> nodes = new ArrayList<>();
        for (JsonNode n : named) {
            nodes.add(n.get("node-name").asText() + ":" + driver(n.get("drv").asText())
                    + (n.get("ro").asBoolean() ? ":ro" : ""));
        }
        nodes.sort(null);
        Map<Integer, String> names = new TreeMap<>();
        for (JsonNode n : blockGraph.get("nodes")) {
            if (n.get("type").asText().equals("block-driver")) {
                names.put(n.get("id").asInt(), n.get("name").asText());
            }
        }
        List<String> edges = new ArrayList<>();
        for (JsonNode e : blockGraph.get("edges")) {
            String parent = names.get(e.get("parent").asInt());
            String child = names.get(e.get("child").asInt());
            if (parent != null && child != null) {
                edges.add(parent + "-" + e.get("name").asText() + "->" + child);
            }
        }
        edges.sort(null);
        return text("nodes " + nodes + " edges " + edges, p);
    }
}
