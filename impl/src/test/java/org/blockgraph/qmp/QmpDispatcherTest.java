package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.job.ControlLock;
import org.blockgraph.job.JobContext;
import org.blockgraph.job.JobDriver;
import org.blockgraph.job.JobOptions;
import org.blockgraph.job.JobRegistry;
import org.blockgraph.job.ManualJobExecutor;
import org.blockgraph.job.StepOutcome;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher in process: protocol errors, argument checks, and every command family. */
class QmpDispatcherTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final BlockGraph graph = new BlockGraph();
    private final ManualJobExecutor exec = new ManualJobExecutor();
    private final JobRegistry jobs = new JobRegistry(exec, ControlLock.reentrant(), TraceSink.OFF);
    private final QmpDispatcher qmp = new QmpDispatcher(graph, jobs);
    private final List<ObjectNode> events = Collections.synchronizedList(new ArrayList<>());
    private final QmpDispatcher.Session s = qmp.openSession(true);

    QmpDispatcherTest() {
        qmp.subscribe(events::add);
    }

    @AfterEach
    void close() {
        qmp.close();
    }

    private JsonNode call(String json) {
        try {
            JsonNode r = M.readTree(s.handle(json.replace('\'', '"')));
            assertTrue(r.has("return"), () -> "expected success for " + json + " but got " + r);
            return r.get("return");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The command fails with exactly this class and text, and the graph is unchanged. */
    private void fails(String json, String cls, String desc) {
        GraphState before = graph.state();
        try {
            JsonNode r = M.readTree(s.handle(json));
            assertTrue(r.has("error"), () -> "expected an error for " + json + " but got " + r);
            assertEquals(cls, r.get("error").get("class").asText(), json);
            assertEquals(desc, r.get("error").get("desc").asText(), json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(before, graph.state(), "a failed command changed the graph: " + json);
    }

    private void fails(String json, String desc) {
        fails(json, "GenericError", desc);
    }

    private void chain() {
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'base','size':1048576}}");
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'f1','size':1048576}}");
        call("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'mid','file':'f1',"
                + "'backing':'base'}}");
        call("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'top',"
                + "'file':{'driver':'memory','size':1048576},'backing':'mid'}}");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Protocol-level bad input

    @Test
    void malformedJsonIsAParseError() {
        GraphState before = graph.state();
        String r = s.handle("{\"execute\": ");
        assertTrue(r.contains("\"class\":\"GenericError\"") && r.contains("JSON parse error, "), r);
        assertEquals(before, graph.state());
    }

    @Test
    void nonObjectInput() {
        fails("[1,2]", "QMP input must be a JSON object");
        fails("42", "QMP input must be a JSON object");
    }

    @Test
    void requestShape() {
        fails("{\"arguments\":{}}", "QMP input lacks member 'execute'");
        fails("{\"execute\":3}", "QMP input member 'execute' must be a string");
        fails("{\"execute\":\"query-version\",\"arguments\":[]}", "QMP input member 'arguments' must be an object");
        fails("{\"execute\":\"query-version\",\"colour\":1}", "QMP input member 'colour' is unexpected");
    }

    @Test
    void unknownCommand() {
        fails("{\"execute\":\"blockdev-frobnicate\"}", "CommandNotFound",
                "The command blockdev-frobnicate has not been found");
    }

    @Test
    void idIsEchoedOnSuccessAndError() throws Exception {
        JsonNode r = M.readTree(s.handle("{\"execute\":\"query-version\",\"id\":{\"n\":7}}"));
        assertEquals(7, r.get("id").get("n").asInt());
        r = M.readTree(s.handle("{\"execute\":\"nope\",\"id\":\"x\"}"));
        assertEquals("x", r.get("id").asText());
        assertNotNull(r.get("error"));
    }

    @Test
    void capabilitiesNegotiation() throws Exception {
        QmpDispatcher.Session fresh = qmp.openSession(false);
        JsonNode r = M.readTree(fresh.handle("{\"execute\":\"query-version\"}"));
        assertEquals("CommandNotFound", r.get("error").get("class").asText());
        assertEquals("Expecting capabilities negotiation with 'qmp_capabilities'", r.get("error").get("desc")
                .asText());
        r = M.readTree(fresh.handle("{\"execute\":\"qmp_capabilities\"}"));
        assertTrue(r.get("return").isObject());
        r = M.readTree(fresh.handle("{\"execute\":\"qmp_capabilities\"}"));
        assertEquals("Capabilities negotiation is already complete, command ignored",
                r.get("error").get("desc").asText());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Argument checks

    @Test
    void missingArgument() {
        fails("{\"execute\":\"blockdev-del\"}", "Parameter 'node-name' is missing");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"node-name\":\"a\"}}", "Parameter 'driver' is missing");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"a\"}}",
                "Parameter 'size' is missing");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"cow\",\"node-name\":\"a\","
                + "\"file\":{\"driver\":\"memory\"}}}", "Parameter 'file.size' is missing");
    }

    @Test
    void wrongType() {
        fails("{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":5}}",
                "Invalid parameter type for 'node-name', expected: string");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"a\",\"size\":\"1\"}}",
                "Invalid parameter type for 'size', expected: integer");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"a\",\"size\":1.5}}",
                "Invalid parameter type for 'size', expected: integer");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"a\",\"size\":1,"
                + "\"read-only\":\"yes\"}}", "Invalid parameter type for 'read-only', expected: boolean");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"cow\",\"node-name\":\"a\",\"file\":7}}",
                "Invalid parameter type for 'file', expected: BlockdevRef");
        fails("{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":{}}}",
                "Invalid parameter type for 'options', expected: array");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"blkdebug\",\"node-name\":\"a\","
                + "\"image\":{\"driver\":\"null-co\"},\"inject-error\":[{\"event\":\"read_aio\",\"once\":1}]}}",
                "Invalid parameter type for 'inject-error[0].once', expected: boolean");
    }

    @Test
    void badEnumValue() {
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"qcow3\",\"node-name\":\"a\"}}",
                "Parameter 'driver' does not accept value 'qcow3'");
    }

    @Test
    void extraArgument() {
        fails("{\"execute\":\"query-version\",\"arguments\":{\"verbose\":true}}", "Parameter 'verbose' is unexpected");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"node-name\":\"a\",\"size\":1,"
                + "\"file\":\"x\"}}", "Parameter 'file' is unexpected");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"cow\",\"node-name\":\"a\","
                + "\"file\":{\"driver\":\"memory\",\"size\":1,\"colour\":\"red\"}}}", "Parameter 'file.colour' is unexpected");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Graph commands

    @Test
    void blockdevAddBuildsAChainWithInlineAndNamedChildren() {
        chain();
        JsonNode nodes = call("{'execute':'query-named-block-nodes'}");
        List<String> names = new ArrayList<>();
        nodes.forEach(n -> names.add(n.get("node-name").asText()));
        assertTrue(names.containsAll(List.of("base", "f1", "mid", "top")), names::toString);
        assertEquals(5, names.size(), "the inline file child gets a generated name");
        JsonNode top = nodes.get(names.indexOf("top"));
        assertEquals(2, top.get("backing_file_depth").asInt());
        assertEquals("f1", top.get("backing_file").asText(), "the header names mid's file");
        assertEquals("f1", top.get("image").get("backing-filename").asText());
        assertEquals("cow", top.get("drv").asText());
        assertEquals(1048576, top.get("image").get("virtual-size").asLong());
    }

    @Test
    void blockdevAddFailureLeavesNothingBehind() {
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'taken','size':512}}");
        // The inline file child is built first; the parent's duplicate name then fails, and the child goes too.
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"cow\",\"node-name\":\"taken\","
                + "\"file\":{\"driver\":\"memory\",\"size\":512,\"node-name\":\"inl\"}}}",
                "Duplicate nodes with node-name='taken'");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"cow\",\"node-name\":\"c\","
                + "\"file\":\"nosuch\"}}", "Cannot find device='nosuch' nor node-name='nosuch'");
        fails("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"memory\",\"size\":512}}",
                "'node-name' must be specified for the root node");
    }

    @Test
    void blockdevDel() {
        chain();
        fails("{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"zz\"}}",
                "Failed to find node with node-name='zz'");
        fails("{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"mid\"}}",
                "Node 'mid' is busy: node is used as backing hd of 'top'");
        fails("{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"f1\"}}", "Block device f1 is in use");
        String inline = graph.requireNode("top").child("file").node().name();
        fails("{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"" + inline + "\"}}",
                "Node " + inline + " is not owned by the monitor");
        call("{'execute':'blockdev-del','arguments':{'node-name':'top'}}");
        assertNull(graph.findNode("top"));
        assertNull(graph.findNode(inline), "the inline child goes with its parent");
        assertNotNull(graph.findNode("mid"));
    }

    @Test
    void blockdevSnapshotAndReopenBacking() {
        chain();
        call("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'snap',"
                + "'file':{'driver':'memory','size':1048576},'backing':null}}");
        fails("{\"execute\":\"blockdev-snapshot\",\"arguments\":{\"node\":\"nope\",\"overlay\":\"snap\"}}",
                "Cannot find device='nope' nor node-name='nope'");
        // a backing node is op-blocked for EXTERNAL_SNAPSHOT (bdrv_set_backing_hd's backing blocker), checked first
        // as upstream's external_snapshot_action does
        fails("{\"execute\":\"blockdev-snapshot\",\"arguments\":{\"node\":\"mid\",\"overlay\":\"top\"}}",
                "Node 'mid' is busy: node is used as backing hd of 'top'");
        fails("{\"execute\":\"blockdev-snapshot\",\"arguments\":{\"node\":\"top\",\"overlay\":\"mid\"}}",
                "The overlay already has a backing image");
        call("{'execute':'blockdev-snapshot','arguments':{'node':'top','overlay':'snap'}}");
        assertEquals("top", graph.requireNode("snap").child("backing").node().name());
        // Point top past mid straight to base.
        // As upstream's bdrv_reopen_prepare: the missing backing is found before the driver change.
        fails("{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":[{\"driver\":\"memory\","
                + "\"node-name\":\"top\",\"size\":1}]}}", "backing is missing for 'top'");
        fails("{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":[{\"driver\":\"memory\","
                + "\"node-name\":\"base\",\"size\":1048576,\"read-only\":true},{\"driver\":\"null-co\","
                + "\"node-name\":\"f1\",\"size\":1048576}]}}", "Cannot change the option 'driver'");
        String file = graph.requireNode("top").child("file").node().name();
        fails("{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":[{\"driver\":\"cow\","
                + "\"node-name\":\"top\",\"backing\":\"base\"}]}}", "Parameter 'options[0].file' is missing");
        call("{'execute':'blockdev-reopen','arguments':{'options':[{'driver':'cow','node-name':'top',"
                + "'file':'" + file + "','backing':'base'}]}}");
        assertEquals("base", graph.requireNode("top").child("backing").node().name());
        call("{'execute':'blockdev-reopen','arguments':{'options':[{'driver':'cow','node-name':'top',"
                + "'file':'" + file + "','backing':null}]}}");
        assertNull(graph.requireNode("top").child("backing"));
    }

    @Test
    void blockGraphListsEdgesWithPermissions() {
        chain();
        JsonNode g = call("{'execute':'x-debug-query-block-graph'}");
        assertEquals(5, g.get("nodes").size());
        boolean found = false;
        for (JsonNode e : g.get("edges")) {
            if (e.get("name").asText().equals("backing")) {
                found = true;
                assertTrue(e.get("shared-perm").toString().contains("write"), e::toString);
            }
        }
        assertTrue(found);
    }

    @Test
    void queryCommandsListsEveryCommand() {
        JsonNode r = call("{'execute':'query-commands'}");
        List<String> names = new ArrayList<>();
        r.forEach(n -> names.add(n.get("name").asText()));
        assertEquals(qmp.commandNames(), names);
        assertTrue(names.containsAll(List.of("blockdev-add", "job-dismiss", "x-blockgraph-query-drain",
                "human-monitor-command")));
    }

    // ---------------------------------------------------------------------------------------------------------
    // qemu-io

    private String io(String node, String cmd) {
        return call("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":"
                + "\"qemu-io " + node + " \\\"" + cmd + "\\\"\"}}".replace('\'', '"')).asText();
    }

    @Test
    void qemuIoWritesReadsVerifiesAndMaps() {
        chain();
        String w = io("base", "write -P 0xab 0 4k");
        assertTrue(w.startsWith("wrote 4096/4096 bytes at offset 0\n4 KiB, 1 ops; "), w);
        assertTrue(io("top", "read -P 0xab 0 4k").startsWith("read 4096/4096 bytes at offset 0\n"));
        String bad = io("top", "read -P 0xcd 0 4k");
        assertTrue(bad.startsWith("Pattern verification failed at offset 0, 4096 bytes\n"), bad);
        io("top", "write -z 0 512");
        assertTrue(io("top", "read -P 0 0 512").startsWith("read 512/512"));
        String map = io("top", "map");
        assertTrue(map.startsWith("64 KiB (0x10000) bytes     allocated at offset 0 bytes (0x0)\n"), map);
        assertTrue(map.contains("not allocated at offset 64 KiB (0x10000)"), map);
        assertTrue(io("top", "discard 0 64k").startsWith("discard 65536/65536 bytes at offset 0"));
        assertEquals("command \"frob\" not found\n", io("top", "frob"));
        assertEquals("Error: Cannot find device='zz' nor node-name='zz'\n", io("zz", "read 0 1"));
        assertEquals("Could not set breakpoint: Operation not supported\n", io("top", "break write_aio A"));
        assertEquals("non-numeric offset argument -- x\n", io("top", "read x 1"));
    }

    @Test
    void qemuIoReadErrorWording() {
        call("{'execute':'blockdev-add','arguments':{'driver':'blkdebug','node-name':'dbg','image':"
                + "{'driver':'null-co','size':65536},'inject-error':[{'event':'none','errno':5}]}}");
        // An inject-error rule on event 'none' is not triggered by reads; reads succeed.
        assertTrue(io("dbg", "read 0 512").startsWith("read 512/512"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Drain test commands

    @Test
    void drainCommandsNestAndReport() {
        chain();
        call("{'execute':'x-blockgraph-drained-begin','arguments':{'node-name':'mid'}}");
        JsonNode d = call("{'execute':'x-blockgraph-query-drain'}");
        int qc = -1;
        for (JsonNode n : d.get("nodes")) {
            if (n.get("node-name").asText().equals("mid")) {
                qc = n.get("quiesce-counter").asInt();
            }
        }
        assertTrue(qc >= 1, d::toString);
        call("{'execute':'x-blockgraph-drained-end','arguments':{'node-name':'mid'}}");
        fails("{\"execute\":\"x-blockgraph-drained-end\",\"arguments\":{\"node-name\":\"mid\"}}",
                "Node 'mid' has no drained section begun over QMP");
        fails("{\"execute\":\"x-blockgraph-drain-all-end\"}", "No drain_all section begun over QMP");
        call("{'execute':'x-blockgraph-drain-all-begin'}");
        assertEquals(1, call("{'execute':'x-blockgraph-query-drain'}").get("drain-all-count").asInt());
        call("{'execute':'x-blockgraph-drain-all-end'}");
        assertEquals(0, call("{'execute':'x-blockgraph-query-drain'}").get("drain-all-count").asInt());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Jobs

    /** A job that never finishes on its own: it idles until cancelled. */
    private static final class IdleDriver implements JobDriver {
        @Override
        public String type() {
            return "stream";
        }

        @Override
        public StepOutcome step(JobContext job) {
            return job.isCancelled() ? StepOutcome.done() : StepOutcome.idle();
        }
    }

    @Test
    void jobVerbsOverQmp() {
        jobs.create(JobOptions.withId("j1").autoDismiss(false), new IdleDriver()).start();
        exec.runUntilQuiet();
        fails("{\"execute\":\"job-pause\",\"arguments\":{\"id\":\"nope\"}}", "Job not found");
        fails("{\"execute\":\"block-job-pause\",\"arguments\":{\"device\":\"nope\"}}", "DeviceNotActive",
                "Block job 'nope' not found");
        fails("{\"execute\":\"block-job-set-speed\",\"arguments\":{\"device\":\"j1\",\"speed\":-1}}",
                "Parameter 'speed' expects a non-negative value");
        call("{'execute':'block-job-set-speed','arguments':{'device':'j1','speed':1048576}}");
        assertEquals(1048576, call("{'execute':'query-block-jobs'}").get(0).get("speed").asLong());
        call("{'execute':'job-pause','arguments':{'id':'j1'}}");
        exec.runUntilQuiet();
        assertEquals("paused", call("{'execute':'query-jobs'}").get(0).get("status").asText());
        fails("{\"execute\":\"block-job-cancel\",\"arguments\":{\"device\":\"j1\"}}",
                "The block job for device 'j1' is currently paused");
        fails("{\"execute\":\"job-dismiss\",\"arguments\":{\"id\":\"j1\"}}",
                "Job 'j1' in state 'paused' cannot accept command verb 'dismiss'");
        call("{'execute':'job-resume','arguments':{'id':'j1'}}");
        call("{'execute':'job-cancel','arguments':{'id':'j1'}}");
        exec.runUntilQuiet();
        List<String> names = new ArrayList<>();
        synchronized (events) {
            for (ObjectNode e : events) {
                names.add(e.get("event").asText());
                assertTrue(e.get("timestamp").get("seconds").asLong() > 0);
                assertTrue(e.get("timestamp").has("microseconds"));
            }
        }
        assertTrue(names.contains("JOB_STATUS_CHANGE"), names::toString);
        assertTrue(names.contains("BLOCK_JOB_CANCELLED"), names::toString);
        assertEquals("concluded", call("{'execute':'query-jobs'}").get(0).get("status").asText());
        call("{'execute':'job-dismiss','arguments':{'id':'j1'}}");
        assertTrue(call("{'execute':'query-jobs'}").isEmpty());
    }
}
