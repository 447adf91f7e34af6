package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.job.JobRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon over a real unix socket: greeting, bad input per client, several clients, blocking commands, quit. */
class QmpServerTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path dir;
    private final BlockGraph graph = new BlockGraph();
    private final JobRegistry jobs = new JobRegistry();
    private QmpDispatcher qmp;
    private QmpServer server;

    /** A QMP client: reads replies and events as lines, skips events when waiting for a reply. */
    final class Client implements AutoCloseable {
        final SocketChannel ch;
        final BufferedReader in;
        final OutputStream out;
        final JsonNode greeting;

        Client(boolean negotiate) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(server.path()));
            in = new BufferedReader(new InputStreamReader(QmpServer.inputOf(ch), StandardCharsets.UTF_8));
            out = QmpServer.outputOf(ch);
            greeting = M.readTree(in.readLine());
            if (negotiate) {
                assertTrue(cmd("{\"execute\":\"qmp_capabilities\"}").has("return"));
            }
        }

        void send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        JsonNode reply() throws IOException {
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return null;
                }
                JsonNode n = M.readTree(line);
                if (!n.has("event")) {
                    return n;
                }
            }
        }

        JsonNode cmd(String json) throws IOException {
            send(json.replace('\'', '"') + "\n");
            return reply();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        qmp = new QmpDispatcher(graph, jobs);
        server = QmpServer.start(qmp, dir.resolve("qmp.sock"));
    }

    @AfterEach
    void stop() {
        server.close();
        qmp.close();
        jobs.close();
    }

    private static String io(String node, String cmd) {
        return "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"qemu-io " + node + " \\\""
                + cmd + "\\\"\"}}";
    }

    @Test
    void greetingAndSocketMode() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())));
        try (Client c = new Client(false)) {
            assertTrue(c.greeting.get("QMP").get("capabilities").isArray());
            assertTrue(c.greeting.get("QMP").get("version").get("qemu").has("major"));
            assertEquals("Expecting capabilities negotiation with 'qmp_capabilities'",
                    c.cmd("{'execute':'query-version'}").get("error").get("desc").asText());
        }
    }

    @Test
    void existingPathIsRefusedAndLeftAlone() throws IOException {
        Path p = dir.resolve("taken");
        Files.writeString(p, "keep");
        assertThrows(IOException.class, () -> QmpServer.start(qmp, p));
        assertEquals("keep", Files.readString(p));
    }

    @Test
    void badInputGetsAnErrorAndTheClientKeepsBeingServed() throws IOException {
        try (Client a = new Client(true); Client b = new Client(true)) {
            GraphState before = graph.state();
            JsonNode r = a.cmd("{\"execute\": oops}");
            assertEquals("GenericError", r.get("error").get("class").asText());
            assertTrue(r.get("error").get("desc").asText().startsWith("JSON parse error, "), r::toString);
            StringBuilder big = new StringBuilder("{\"execute\":\"query-version\",\"id\":\"");
            while (big.length() <= QmpServer.MAX_INPUT) {
                big.append("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            }
            a.send(big + "\"}\n");
            r = a.reply();
            assertEquals("JSON parse error, input exceeds 1048576 bytes", r.get("error").get("desc").asText());
            assertEquals("The command nope has not been found", a.cmd("{'execute':'nope'}").get("error")
                    .get("desc").asText());
            assertEquals("Parameter 'node-name' is missing",
                    a.cmd("{'execute':'blockdev-del'}").get("error").get("desc").asText());
            assertEquals(before, graph.state());
            assertTrue(a.cmd("{'execute':'query-version'}").has("return"));
            assertTrue(b.cmd("{'execute':'query-version'}").has("return"));
        }
    }

    /** Sends {@code json} on {@code a}; expects exactly this GenericError text and an unchanged graph. */
    private void refused(Client a, String json, String desc) throws IOException {
        GraphState before = graph.state();
        JsonNode r = a.cmd(json);
        assertEquals("GenericError", r.path("error").path("class").asText(), r::toString);
        assertEquals(desc, r.get("error").get("desc").asText(), json);
        assertEquals(before, graph.state(), json);
    }

    @Test
    void wrongArgumentTypesAreRefusedAndChangeNothing() throws IOException {
        try (Client a = new Client(true); Client b = new Client(true)) {
            assertTrue(a.cmd("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'m',"
                    + "'size':65536}}").has("return"));
            refused(a, "{'execute':'blockdev-del','arguments':{'node-name':1}}",
                    "Invalid parameter type for 'node-name', expected: string");
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'n','size':'big'}}",
                    "Invalid parameter type for 'size', expected: integer");
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'c','file':7}}",
                    "Invalid parameter type for 'file', expected: BlockdevRef");
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'c','file':"
                    + "{'driver':'memory','size':true}}}", "Invalid parameter type for 'file.size', expected: integer");
            refused(a, "{'execute':'blockdev-reopen','arguments':{'options':{}}}",
                    "Invalid parameter type for 'options', expected: array");
            refused(a, "{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g','limits':"
                    + "{'iops-total':'many'}}}", "Invalid parameter type for 'limits.iops-total', expected: integer");
            refused(a, "{'execute':'block-job-set-speed','arguments':{'device':'j','speed':1.5}}",
                    "Invalid parameter type for 'speed', expected: integer");
            assertTrue(b.cmd("{'execute':'query-named-block-nodes'}").has("return"));
        }
    }

    @Test
    void missingAndExtraArgumentsAreRefusedAndChangeNothing() throws IOException {
        try (Client a = new Client(true); Client b = new Client(true)) {
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'n'}}",
                    "Parameter 'size' is missing");
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'c','file':"
                    + "{'driver':'memory'}}}", "Parameter 'file.size' is missing");
            refused(a, "{'execute':'object-del'}", "Parameter 'id' is missing");
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'n','size':512,"
                    + "'colour':'red'}}", "Parameter 'colour' is unexpected");
            refused(a, "{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'c','file':"
                    + "{'driver':'memory','size':512,'colour':1}}}", "Parameter 'file.colour' is unexpected");
            refused(a, "{'execute':'query-jobs','arguments':{'x':1}}", "Parameter 'x' is unexpected");
            refused(a, "{'execute':'query-version','colour':1}", "QMP input member 'colour' is unexpected");
            refused(a, "{'arguments':{}}", "QMP input lacks member 'execute'");
            refused(a, "[1]", "QMP input must be a JSON object");
            assertTrue(b.cmd("{'execute':'query-version'}").has("return"));
        }
    }

    @Test
    void clientVanishingMidRequestRunsNothing() throws Exception {
        try (Client a = new Client(true)) {
            GraphState before = graph.state();
            Client gone = new Client(true);
            // Half a request, then the connection goes: the daemon never sees a whole request.
            gone.send("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"m\",");
            gone.close();
            // This client's command is answered after the other connection ended.
            assertTrue(a.cmd("{'execute':'query-version'}").has("return"));
            assertEquals(before, graph.state());
            assertTrue(a.cmd("{'execute':'query-named-block-nodes'}").get("return").isEmpty());
        }
    }

    @Test
    void clientVanishingWhileItsCommandBlocksDoesNotDisturbOthers() throws Exception {
        try (Client a = new Client(true)) {
            assertTrue(a.cmd("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'top','file':"
                    + "{'driver':'blkdebug','node-name':'dbg','image':{'driver':'memory','size':1048576}}}}")
                    .has("return"));
            assertEquals("", a.cmd(io("top", "break write_aio A")).get("return").asText());
            assertEquals("", a.cmd(io("top", "aio_write -P 0x11 0 4k")).get("return").asText());
            assertEquals("", a.cmd(io("top", "wait_break A")).get("return").asText());
            Client gone = new Client(true);
            gone.send("{\"execute\":\"x-blockgraph-drained-begin\",\"arguments\":{\"node-name\":\"top\"}}\n");
            // Wait (hang guard only) until the drain has begun and waits for the held write.
            // (Read in process: the QMP queries wait for the control lock the drainer holds.)
            for (int i = 0; i < 6000 && graph.requireNode("top").quiesceCounter() == 0; i++) {
                Thread.sleep(10);
            }
            assertTrue(graph.requireNode("top").quiesceCounter() > 0, "the drain has begun");
            gone.close();
            // The other client is served and releases the request; the vanished client's drain completes as a
            // whole (its section stays begun, as a command that ran), and its reply is dropped with it.
            assertEquals("", a.cmd(io("top", "resume A")).get("return").asText());
            assertEquals("", a.cmd(io("top", "aio_flush")).get("return").asText());
            JsonNode end = null;
            for (int i = 0; i < 6000; i++) {
                end = a.cmd("{'execute':'x-blockgraph-drained-end','arguments':{'node-name':'top'}}");
                if (end.has("return")) {
                    break;
                }
                Thread.sleep(10);
            }
            assertTrue(end.has("return"), end::toString);
            assertTrue(a.cmd(io("top", "read -P 0x11 0 4k")).get("return").asText()
                    .startsWith("read 4096/4096 bytes at offset 0\n"));
        }
    }

    @Test
    void vanishingClientDoesNotDisturbOthers() throws Exception {
        try (Client a = new Client(true)) {
            Client gone = new Client(true);
            gone.send("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"m\","
                    + "\"size\":65536}}\n");
            gone.close();
            // The command either ran entirely or not at all; the daemon keeps serving.
            JsonNode nodes = null;
            for (int i = 0; i < 100; i++) {
                nodes = a.cmd("{'execute':'query-named-block-nodes'}").get("return");
                if (nodes.size() == 1) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals(1, nodes.size());
            assertTrue(a.cmd("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'n',"
                    + "'size':65536}}").has("return"));
        }
    }

    @Test
    void blockedDrainDoesNotStopAnotherClientsResume() throws Exception {
        try (Client a = new Client(true); Client b = new Client(true)) {
            assertTrue(a.cmd("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'top','file':"
                    + "{'driver':'blkdebug','node-name':'dbg','image':{'driver':'memory','size':1048576}}}}")
                    .has("return"));
            assertEquals("", a.cmd(io("top", "break write_aio A")).get("return").asText());
            assertEquals("", a.cmd(io("top", "aio_write -P 0x11 0 4k")).get("return").asText());
            assertEquals("", a.cmd(io("top", "wait_break A")).get("return").asText());
            CompletableFuture<JsonNode> drained = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.cmd("{'execute':'x-blockgraph-drained-begin','arguments':{'node-name':'top'}}");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> drained.get(300, TimeUnit.MILLISECONDS),
                    "the drain must wait for the held write");
            // Client a is served while b's drain waits, and its resume releases the request.
            assertTrue(a.cmd("{'execute':'query-jobs'}").has("return"));
            assertEquals("", a.cmd(io("top", "resume A")).get("return").asText());
            assertTrue(drained.get(30, TimeUnit.SECONDS).has("return"));
            assertTrue(b.cmd("{'execute':'x-blockgraph-drained-end','arguments':{'node-name':'top'}}")
                    .has("return"));
            assertEquals("", a.cmd(io("top", "aio_flush")).get("return").asText());
            String read = a.cmd(io("top", "read -P 0x11 0 4k")).get("return").asText();
            assertTrue(read.startsWith("read 4096/4096 bytes at offset 0\n"), read);
        }
    }

    @Test
    void eventsReachNegotiatedClientsWithTimestamps() throws Exception {
        try (Client a = new Client(true)) {
            qmp.emit("TEST_EVENT", java.util.Map.of("k", 1));
            JsonNode ev = M.readTree(a.in.readLine());
            assertEquals("TEST_EVENT", ev.get("event").asText());
            assertEquals(1, ev.get("data").get("k").asInt());
            assertTrue(ev.get("timestamp").get("seconds").asLong() > 0);
            assertTrue(ev.get("timestamp").get("microseconds").asLong() >= 0);
        }
    }

    @Test
    void quitStopsTheDaemonAndRemovesTheSocket() throws Exception {
        try (Client a = new Client(true)) {
            assertTrue(a.cmd("{'execute':'quit'}").has("return"));
            server.awaitTermination();
            assertNull(a.reply());
            assertFalse(Files.exists(server.path()));
        }
    }
}
