package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.job.JobRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD QMP commands in-process: arguments, defaults, upstream's error texts (those of qemu-storage-daemon 7.2,
 * checked by hand), BLOCK_EXPORT_DELETED, and that every refused command leaves the graph and the exports as they
 * were.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdCommandsTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path dir;
    private final BlockGraph graph = new BlockGraph();
    private final JobRegistry jobs = new JobRegistry();
    private final QmpDispatcher qmp = new QmpDispatcher(graph, jobs);
    private final QmpDispatcher.Session s = qmp.openSession(true);
    private final LinkedBlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        qmp.subscribe(events::add);
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'n0','size':1048576}}");
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'ro','size':1048576,"
                + "'read-only':true}}");
    }

    @AfterEach
    void tearDown() {
        qmp.close();
        jobs.close();
    }

    private JsonNode send(String json) throws Exception {
        return M.readTree(s.handle(json.replace('\'', '"')));
    }

    private JsonNode call(String json) throws Exception {
        JsonNode r = send(json);
        assertTrue(r.has("return"), () -> json + " -> " + r);
        return r.get("return");
    }

    /** Sends a command that must fail with {@code desc}, leaving graph and exports unchanged. */
    private void refused(String json, String desc) throws Exception {
        GraphState before = graph.state();
        JsonNode exportsBefore = call("{'execute':'query-block-exports'}");
        JsonNode r = send(json);
        assertTrue(r.has("error"), () -> json + " -> " + r);
        assertEquals("GenericError", r.get("error").get("class").asText());
        assertEquals(desc, r.get("error").get("desc").asText(), json);
        assertEquals(before, graph.state(), json);
        assertEquals(exportsBefore, call("{'execute':'query-block-exports'}"), json);
    }

    private String startArgs(String sock) {
        return "{'execute':'nbd-server-start','arguments':{'addr':{'type':'unix','data':{'path':'"
                + dir.resolve(sock) + "'}}}}";
    }

    @Test
    void commandsAreListed() throws Exception {
        String names = call("{'execute':'query-commands'}").toString();
        for (String c : new String[] {"nbd-server-start", "nbd-server-stop", "block-export-add", "block-export-del",
            "query-block-exports"}) {
            assertTrue(names.contains("\"" + c + "\""), c);
        }
    }

    @Test
    void serverStartStopErrors() throws Exception {
        refused("{'execute':'nbd-server-stop'}", "NBD server not running");
        refused("{'execute':'nbd-server-start','arguments':{'addr':'x'}}",
                "Invalid parameter type for 'addr', expected: object");
        refused("{'execute':'nbd-server-start','arguments':{'addr':{'type':'unix','path':'/tmp/x'}}}",
                "Parameter 'addr.data' is missing");
        refused("{'execute':'nbd-server-start','arguments':{'addr':{'type':'tcp','data':{}}}}",
                "Parameter 'type' does not accept value 'tcp'");
        refused("{'execute':'nbd-server-start','arguments':{'addr':{'type':'inet','data':{'host':'127.0.0.1'}}}}",
                "Parameter 'addr.data.port' is missing");
        refused("{'execute':'nbd-server-start','arguments':{'addr':{'type':'unix','data':{'path':'/x','y':1}}}}",
                "Parameter 'addr.data.y' is unexpected");
        refused("{'execute':'nbd-server-start','arguments':{'addr':{'type':'unix','data':{'path':'"
                + dir.resolve("s") + "'}},'max-connections':-1}}", "Parameter 'max-connections' expects uint32_t");
        refused("{'execute':'nbd-server-start','arguments':{'addr':{'type':'unix','data':{'path':'"
                + dir.resolve("s") + "'}},'tls-creds':'tls0'}}", "No TLS credentials with id 'tls0'");
        assertFalse(Files.exists(dir.resolve("s")), "refused starts create no socket");
        Files.writeString(dir.resolve("taken"), "x");
        refused(startArgs("taken"), "Failed to bind socket to " + dir.resolve("taken") + ": Address already in use");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e0','node-name':'n0'}}",
                "NBD server not running");
        call(startArgs("nbd.sock"));
        refused(startArgs("other.sock"), "NBD server already running");
        call("{'execute':'nbd-server-stop'}");
        assertFalse(Files.exists(dir.resolve("nbd.sock")));
        // inet on loopback with an ephemeral port
        call("{'execute':'nbd-server-start','arguments':{'addr':{'type':'inet','data':{'host':'127.0.0.1',"
                + "'port':'0'}}}}");
        call("{'execute':'nbd-server-stop'}");
    }

    @Test
    void exportAddErrorsChangeNothing() throws Exception {
        call(startArgs("nbd.sock"));
        call("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e0','node-name':'n0'}}");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','node-name':'n0'}}",
                "Parameter 'id' is missing");
        refused("{'execute':'block-export-add','arguments':{'type':'fuse','id':'e1','node-name':'n0'}}",
                "Parameter 'type' does not accept value 'fuse'");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e1','node-name':'n0','foo':1}}",
                "Parameter 'foo' is unexpected");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e1','node-name':'n0',"
                + "'writable':'yes'}}", "Invalid parameter type for 'writable', expected: boolean");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'0e','node-name':'n0'}}",
                "Invalid block export id");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e0','node-name':'n0'}}",
                "Block export id 'e0' is already in use");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e1','node-name':'zz'}}",
                "Cannot find device='' nor node-name='zz'");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e1','node-name':'ro',"
                + "'writable':true}}", "Cannot export read-only node as writable");
        refused("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e1','node-name':'n0'}}",
                "NBD server already has export named 'n0'");
        // a backing node (read-only, under an overlay) can be exported read-only under another name
        call("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'ov','file':{'driver':'memory',"
                + "'size':1048576},'backing':'ro'}}");
        JsonNode r = send("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e2','node-name':'ro',"
                + "'name':'x'}}");
        assertTrue(r.has("return"), r::toString);
        // the node is in use by an export: blockdev-del refuses it
        refused("{'execute':'blockdev-del','arguments':{'node-name':'n0'}}", "Node n0 is in use");
        JsonNode q = call("{'execute':'query-block-exports'}");
        assertEquals("[{\"type\":\"nbd\",\"id\":\"e2\",\"node-name\":\"ro\",\"shutting-down\":false},"
                + "{\"type\":\"nbd\",\"id\":\"e0\",\"node-name\":\"n0\",\"shutting-down\":false}]", q.toString());
    }

    @Test
    void exportDelModesAndEvent() throws Exception {
        call(startArgs("nbd.sock"));
        call("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e0','node-name':'n0','writable':true,"
                + "'description':'d'}}");
        refused("{'execute':'block-export-del','arguments':{'id':'nope'}}", "Export 'nope' is not found");
        refused("{'execute':'block-export-del','arguments':{'id':'e0','mode':'soft'}}",
                "Parameter 'mode' does not accept value 'soft'");
        // a client in transmission: safe refuses, hard disconnects it
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(dir.resolve("nbd.sock")));
            ByteBuffer greet = ByteBuffer.allocate(18);
            while (greet.hasRemaining()) {
                c.read(greet);
            }
            byte[] name = "n0".getBytes();
            ByteBuffer go = ByteBuffer.allocate(4 + 16 + 4 + 4 + name.length + 2);
            go.putInt(1).putLong(0x49484156454F5054L).putInt(7).putInt(4 + name.length + 2).putInt(name.length)
                    .put(name).putShort((short) 0).flip();
            while (go.hasRemaining()) {
                c.write(go);
            }
            ByteBuffer replies = ByteBuffer.allocate(20 + 14 + 20 + 12 + 20); // BLOCK_SIZE, EXPORT, ACK
            while (replies.hasRemaining()) {
                c.read(replies);
            }
            assertEquals(1, replies.getInt(replies.capacity() - 8), "ACK");
            refused("{'execute':'block-export-del','arguments':{'id':'e0'}}", "export 'e0' still in use");
            assertTrue(events.isEmpty());
            call("{'execute':'block-export-del','arguments':{'id':'e0','mode':'hard'}}");
            assertEquals(-1, c.read(ByteBuffer.allocate(1)), "hard disconnected the client");
        }
        ObjectNode ev = events.poll(60, TimeUnit.SECONDS);
        assertEquals("BLOCK_EXPORT_DELETED", ev.get("event").asText());
        assertEquals("{\"id\":\"e0\"}", ev.get("data").toString());
        assertTrue(call("{'execute':'query-block-exports'}").isEmpty());
        assertTrue(graph.requireNode("n0").parents().isEmpty());
        call("{'execute':'blockdev-del','arguments':{'node-name':'n0'}}");
        // nbd-server-stop removes the remaining exports, each with its event
        call("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e1','node-name':'ro'}}");
        call("{'execute':'nbd-server-stop'}");
        ev = events.poll(60, TimeUnit.SECONDS);
        assertEquals("{\"id\":\"e1\"}", ev.get("data").toString());
        assertTrue(call("{'execute':'query-block-exports'}").isEmpty());
    }
}
