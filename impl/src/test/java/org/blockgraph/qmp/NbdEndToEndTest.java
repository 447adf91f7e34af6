package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.job.ThreadPoolJobExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 9's end-to-end test: the daemon on a unix socket, a 5-node chain built over QMP, data written with the
 * qemu-io monitor command, stream and commit jobs with their events, then the top node exported over NBD and
 * checked with Debian's {@code qemu-io} and {@code qemu-img compare} as NBD clients against a raw image
 * {@code qemu-img}/{@code qemu-io} made from the same writes. Needs {@code qemu-utils} (installed by
 * {@code .ci/run}); without it this test fails, it is never skipped.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NbdEndToEndTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String MIB4 = "4194304";
    /** Layer, pattern, offset, length: each written into that layer, lower layers first. */
    private static final String[][] WRITES = {
        {"base", "0x01", "0", "1M"},
        {"n1", "0x02", "512k", "256k"},
        {"n2", "0x03", "1M", "64k"},
        {"n2", "0x13", "3M", "4k"},
        {"n3", "0x04", "2M", "128k"},
        {"top", "0x05", "768k", "300k"},
    };

    @TempDir
    Path dir;
    private final BlockGraph graph = new BlockGraph();
    private final ThreadPoolJobExecutor exec = new ThreadPoolJobExecutor(2);
    private QmpDispatcher qmp;
    private QmpServer server;
    private SocketChannel ch;
    private OutputStream out;
    private Thread reader;
    private final LinkedBlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        qmp = new QmpDispatcher(new BlockJobs(graph, exec));
        server = QmpServer.start(qmp, dir.resolve("qmp.sock"));
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(server.path()));
        out = QmpServer.outputOf(ch);
        BufferedReader in = new BufferedReader(new InputStreamReader(QmpServer.inputOf(ch), StandardCharsets.UTF_8));
        assertTrue(M.readTree(in.readLine()).has("QMP"));
        reader = new Thread(() -> {
            try {
                for (String l; (l = in.readLine()) != null; ) {
                    JsonNode n = M.readTree(l);
                    (n.has("event") ? events : replies).add(n);
                }
            } catch (IOException e) {
                // the daemon quit or the test closed the socket
            }
        }, "qmp-test-reader");
        reader.setDaemon(true);
        reader.start();
        call("{'execute':'qmp_capabilities'}");
    }

    @AfterEach
    void stop() throws Exception {
        ch.close();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        server.close();
        qmp.close();
        exec.close();
    }

    private JsonNode send(String json) throws Exception {
        out.write((json.replace('\'', '"') + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        JsonNode r = replies.poll(60, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no reply to " + json);
        }
        return r;
    }

    private JsonNode call(String json) throws Exception {
        JsonNode r = send(json);
        assertTrue(r.has("return"), () -> json + " -> " + r);
        return r.get("return");
    }

    private String hmpIo(String node, String cmd) throws Exception {
        return call("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"qemu-io " + node
                + " \\\"" + cmd + "\\\"\"}}").asText();
    }

    /** Events up to and including {@code name} for job {@code id}, as NAME or NAME:status. */
    private List<String> until(String name, String id) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            JsonNode e = events.poll(60, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no " + name + " for " + id + " after " + seen);
            }
            assertTrue(e.get("timestamp").has("seconds") && e.get("timestamp").has("microseconds"));
            JsonNode d = e.get("data");
            if (!(d.has("id") ? d.get("id") : d.path("device")).asText().equals(id)) {
                continue;
            }
            seen.add(e.get("event").asText() + (d.has("status") ? ":" + d.get("status").asText() : ""));
            if (e.get("event").asText().equals(name)) {
                return seen;
            }
        }
    }

    /** Runs a Debian QEMU tool; its exit status and its combined output. */
    private record Run(int exit, String output) {
    }

    private static Run run(String... cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(cmd[0] + " is required (Debian qemu-utils; .ci/run installs it)", e);
        }
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), () -> String.join(" ", cmd) + " hangs");
        return new Run(p.exitValue(), text);
    }

    private String nbdUrl(String export) {
        return "nbd+unix:///" + export + "?socket=" + dir.resolve("nbd.sock");
    }

    @Test
    void chainJobsThenNbdExportVerifiedByQemuIoAndQemuImgCompare() throws Exception {
        // a 5-node chain over QMP: base <- n1 <- n2 <- n3 <- top
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'base','size':" + MIB4 + "}}");
        String below = "base";
        for (String n : List.of("n1", "n2", "n3", "top")) {
            call("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'" + n + "','file':"
                    + "{'driver':'memory','size':" + MIB4 + "},'backing':'" + below + "'}}");
            below = n;
        }
        // the same writes go into the layers (over QMP) and into a raw reference image (with Debian's tools)
        Path expect = dir.resolve("expect.raw");
        Run created = run("qemu-img", "create", "-f", "raw", expect.toString(), "4M");
        assertEquals(0, created.exit(), created.output());
        List<String> refArgs = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String[] w : WRITES) {
            String cmd = "write -P " + w[1] + " " + w[2] + " " + w[3];
            assertTrue(hmpIo(w[0], cmd).startsWith("wrote "), cmd);
            refArgs.add("-c");
            refArgs.add(cmd);
        }
        refArgs.add(expect.toString());
        Run ref = run(refArgs.toArray(String[]::new));
        assertEquals(0, ref.exit(), ref.output());

        // stream n2 into n3, then commit n3 into n1, with their events
        call("{'execute':'block-stream','arguments':{'job-id':'s','device':'n3','base-node':'n1'}}");
        List<String> seen = until("BLOCK_JOB_COMPLETED", "s");
        assertTrue(seen.contains("JOB_STATUS_CHANGE:running"), seen::toString);
        assertEquals("n1", graph.requireNode("n3").child("backing").node().name());
        call("{'execute':'block-commit','arguments':{'job-id':'c','device':'top','top-node':'n3',"
                + "'base-node':'n1'}}");
        seen = until("BLOCK_JOB_COMPLETED", "c");
        assertEquals(List.of("JOB_STATUS_CHANGE:created", "JOB_STATUS_CHANGE:running", "JOB_STATUS_CHANGE:waiting",
                "JOB_STATUS_CHANGE:pending", "BLOCK_JOB_COMPLETED"), seen);
        assertEquals("n1", graph.requireNode("top").child("backing").node().name());

        // export the top node read-only over NBD
        call("{'execute':'nbd-server-start','arguments':{'addr':{'type':'unix','data':{'path':'"
                + dir.resolve("nbd.sock") + "'}}}}");
        call("{'execute':'block-export-add','arguments':{'type':'nbd','id':'e0','node-name':'top','name':'disk',"
                + "'description':'blockgraph top'}}");
        JsonNode q = call("{'execute':'query-block-exports'}");
        assertEquals("[{\"type\":\"nbd\",\"id\":\"e0\",\"node-name\":\"top\",\"shutting-down\":false}]",
                q.toString());

        // qemu-io over NBD: every region reads back with its pattern (the top-most layer's write wins)
        List<String> ioArgs = new ArrayList<>(List.of("qemu-io", "-r", "-f", "raw"));
        for (String[] v : new String[][] {
            {"0x01", "0", "512k"}, {"0x02", "512k", "256k"}, {"0x05", "768k", "300k"}, {"0x03", "1068k", "20k"},
            {"0x00", "1088k", "960k"}, {"0x04", "2M", "128k"}, {"0x00", "2176k", "896k"}, {"0x13", "3M", "4k"},
            {"0x00", "3076k", "1020k"}}) {
            ioArgs.add("-c");
            ioArgs.add("read -P " + v[0] + " " + v[1] + " " + v[2]);
        }
        ioArgs.add(nbdUrl("disk"));
        Run reads = run(ioArgs.toArray(String[]::new));
        assertEquals(0, reads.exit(), reads.output());
        assertFalse(reads.output().contains("Pattern verification failed"), reads.output());
        assertEquals(9, reads.output().lines().filter(l -> l.startsWith("read ")).count(), reads.output());
        // the check has teeth: a wrong pattern is reported by qemu-io
        Run wrong = run("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x05 0 4k", nbdUrl("disk"));
        assertTrue(wrong.output().contains("Pattern verification failed at offset 0, 4096 bytes"), wrong.output());

        // qemu-img compare against the reference image: identical; against a changed copy: different
        Run same = run("qemu-img", "compare", "-f", "raw", "-F", "raw", expect.toString(), nbdUrl("disk"));
        assertEquals(0, same.exit(), same.output());
        assertTrue(same.output().contains("Images are identical."), same.output());
        Path changed = dir.resolve("changed.raw");
        assertEquals(0, run("qemu-img", "convert", "-f", "raw", "-O", "raw", expect.toString(), changed.toString())
                .exit());
        assertEquals(0, run("qemu-io", "-f", "raw", "-c", "write -P 0x66 3M 512", changed.toString()).exit());
        Run differ = run("qemu-img", "compare", "-f", "raw", "-F", "raw", changed.toString(), nbdUrl("disk"));
        assertEquals(1, differ.exit(), differ.output());
        assertTrue(differ.output().contains("Content mismatch at offset 3145728!"), differ.output());

        // a writable export: qemu-io writes over NBD, the monitor's qemu-io sees it on the node
        call("{'execute':'block-export-add','arguments':{'type':'nbd','id':'w','node-name':'top','name':'rw',"
                + "'writable':true}}");
        Run w = run("qemu-io", "-f", "raw", "-c", "write -P 0x77 3584k 64k", "-c", "write -z 3648k 4k",
                "-c", "discard 3652k 4k", "-c", "flush", nbdUrl("rw"));
        assertEquals(0, w.exit(), w.output());
        assertTrue(hmpIo("top", "read -P 0x77 3584k 64k").startsWith("read 65536/65536"));
        assertTrue(hmpIo("top", "read -P 0x00 3648k 8k").startsWith("read 8192/8192"));
        Run ro = run("qemu-io", "-f", "raw", "-c", "write -P 0x77 0 4k", nbdUrl("disk"));
        // qemu refuses to open a read-only export (NBD_FLAG_READ_ONLY) for writing
        assertTrue(ro.exit() != 0 && ro.output().contains("Could not open image: Permission denied"),
                ro.output());

        // tear down over QMP, with BLOCK_EXPORT_DELETED
        call("{'execute':'block-export-del','arguments':{'id':'e0'}}");
        assertEquals(List.of("BLOCK_EXPORT_DELETED"), until("BLOCK_EXPORT_DELETED", "e0"));
        call("{'execute':'nbd-server-stop'}");
        assertEquals(List.of("BLOCK_EXPORT_DELETED"), until("BLOCK_EXPORT_DELETED", "w"));
        assertTrue(call("{'execute':'query-block-exports'}").isEmpty());
        call("{'execute':'blockdev-del','arguments':{'node-name':'top'}}");
    }
}
