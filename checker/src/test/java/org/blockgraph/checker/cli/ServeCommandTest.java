package org.blockgraph.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockgraph serve} end to end: a client builds a 5-node chain over the socket, writes with qemu-io, runs
 * stream and commit jobs with their events, reads the data back, queries, quits.
 */
class ServeCommandTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    private BufferedReader in;
    private OutputStream out;

    private final List<JsonNode> events = new ArrayList<>();

    private JsonNode cmd(String json) throws IOException {
        out.write((json.replace('\'', '"') + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode n = M.readTree(in.readLine());
            if (!n.has("event")) {
                return n;
            }
            events.add(n);
        }
    }

    /** Reads until event {@code name} about job {@code id} has arrived (the socket read times out the test). */
    private void awaitEvent(String name, String id) throws IOException {
        while (true) {
            for (JsonNode e : events) {
                if (e.get("event").asText().equals(name) && e.get("data").path("device").asText().equals(id)) {
                    return;
                }
            }
            JsonNode n = M.readTree(in.readLine());
            assertTrue(n.has("event"), n::toString);
            events.add(n);
        }
    }

    private JsonNode ok(String json) throws IOException {
        JsonNode r = cmd(json);
        assertTrue(r.has("return"), () -> json + " -> " + r);
        return r.get("return");
    }

    private String io(String node, String c) throws IOException {
        return ok("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"qemu-io " + node
                + " \\\"" + c + "\\\"\"}}").asText();
    }

    @Test
    void chainOverTheSocket() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> daemon = CompletableFuture.supplyAsync(() -> Main.execute(
                new PrintWriter(new StringWriter()), new PrintWriter(err), "serve", "--qmp", sock.toString()));
        for (int i = 0; i < 500 && !Files.exists(sock); i++) {
            Thread.sleep(10);
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            out = Channels.newOutputStream(ch);
            assertTrue(M.readTree(in.readLine()).has("QMP"));
            ok("{'execute':'qmp_capabilities'}");
            ok("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'base','size':1048576}}");
            String below = "base";
            for (String n : List.of("mid1", "mid2", "mid3", "top")) {
                ok("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'" + n + "','file':"
                        + "{'driver':'memory','size':1048576},'backing':'" + below + "'}}");
                below = n;
            }
            assertTrue(io("base", "write -P 0x01 0 64k").startsWith("wrote 65536/65536 bytes at offset 0"));
            io("mid2", "write -P 0x02 64k 64k");
            io("top", "write -P 0x03 128k 64k");
            assertTrue(io("top", "read -P 0x01 0 64k").startsWith("read 65536/65536"));
            assertTrue(io("top", "read -P 0x02 64k 64k").startsWith("read 65536/65536"));
            assertTrue(io("top", "read -P 0x03 128k 64k").startsWith("read 65536/65536"));
            assertTrue(io("mid3", "read -P 0x03 128k 64k").startsWith("Pattern verification failed at offset 131072"));
            JsonNode nodes = ok("{'execute':'query-named-block-nodes'}");
            List<String> chain = new ArrayList<>();
            for (JsonNode n : nodes) {
                if (n.get("drv").asText().equals("cow") || n.get("node-name").asText().equals("base")) {
                    chain.add(n.get("node-name").asText() + ":" + n.get("backing_file_depth").asInt());
                }
            }
            assertEquals(List.of("base:0", "mid1:1", "mid2:2", "mid3:3", "top:4"), chain);
            assertEquals(9, ok("{'execute':'x-debug-query-block-graph'}").get("nodes").size());
            // Stream mid2's data into mid3, then commit mid3 into mid1: top's data stays the same throughout.
            ok("{'execute':'block-stream','arguments':{'job-id':'s','device':'mid3','base-node':'mid1'}}");
            awaitEvent("BLOCK_JOB_COMPLETED", "s");
            ok("{'execute':'block-commit','arguments':{'job-id':'c','device':'top','top-node':'mid3',"
                    + "'base-node':'mid1'}}");
            awaitEvent("BLOCK_JOB_COMPLETED", "c");
            assertTrue(events.stream().anyMatch(e -> e.get("timestamp").has("microseconds")));
            assertTrue(io("top", "read -P 0x01 0 64k").startsWith("read 65536/65536"));
            assertTrue(io("top", "read -P 0x02 64k 64k").startsWith("read 65536/65536"));
            assertTrue(io("top", "read -P 0x03 128k 64k").startsWith("read 65536/65536"));
            assertTrue(io("mid1", "read -P 0x02 64k 64k").startsWith("read 65536/65536"));
            assertEquals("Parameter 'driver' is missing",
                    cmd("{'execute':'blockdev-add','arguments':{}}").get("error").get("desc").asText());
            ok("{'execute':'quit'}");
        }
        assertEquals(Main.EXIT_OK, daemon.get(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(sock));
    }

    @Test
    void existingPathIsRefused() throws IOException {
        Path sock = tmp.resolve("busy");
        Files.writeString(sock, "keep");
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "serve", "--qmp",
                sock.toString());
        assertEquals(Main.EXIT_USAGE, exit);
        assertTrue(err.toString().contains("Address already in use"), err::toString);
        assertEquals("keep", Files.readString(sock));
    }

    @Test
    void nbdSocketServesExportsToQemuIo() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        Path nbd = tmp.resolve("nbd.sock");
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> daemon = CompletableFuture.supplyAsync(() -> Main.execute(
                new PrintWriter(new StringWriter()), new PrintWriter(err), "serve", "--qmp", sock.toString(),
                "--nbd", nbd.toString()));
        for (int i = 0; i < 500 && !Files.exists(sock); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(nbd), "the NBD socket exists before the QMP socket");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            out = Channels.newOutputStream(ch);
            assertTrue(M.readTree(in.readLine()).has("QMP"));
            ok("{'execute':'qmp_capabilities'}");
            assertEquals("NBD server already running", cmd("{'execute':'nbd-server-start','arguments':{'addr':"
                    + "{'type':'unix','data':{'path':'" + tmp.resolve("other") + "'}}}}").get("error").get("desc")
                    .asText());
            ok("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'disk','size':1048576}}");
            io("disk", "write -P 0x2a 4k 8k");
            ok("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e','node-name':'disk'}}");
            Process p = new ProcessBuilder("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x2a 4k 8k", "-c",
                    "read -P 0 0 4k", "nbd+unix:///disk?socket=" + nbd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("read 8192/8192 bytes at offset 4096"), text);
            assertFalse(text.contains("Pattern verification failed"), text);
            ok("{'execute':'quit'}");
        }
        assertEquals(Main.EXIT_OK, daemon.get(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(sock));
        assertFalse(Files.exists(nbd), "quit stops the NBD server and removes its socket");
    }

    @Test
    void existingNbdPathIsRefusedAndNothingIsCreated() throws IOException {
        Path sock = tmp.resolve("qmp.sock");
        Path nbd = tmp.resolve("busy");
        Files.writeString(nbd, "keep");
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "serve", "--qmp",
                sock.toString(), "--nbd", nbd.toString());
        assertEquals(Main.EXIT_USAGE, exit);
        assertTrue(err.toString().contains("Address already in use"), err::toString);
        assertEquals("keep", Files.readString(nbd));
        assertFalse(Files.exists(sock));
    }
}
