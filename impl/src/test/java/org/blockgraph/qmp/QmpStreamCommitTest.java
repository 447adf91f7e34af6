package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.job.ThreadPoolJobExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** block-stream and block-commit over QMP on a 5-node chain, with their events and the data checked after. */
class QmpStreamCommitTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final BlockGraph graph = new BlockGraph();
    private final ThreadPoolJobExecutor exec = new ThreadPoolJobExecutor(2);
    private final QmpDispatcher qmp = new QmpDispatcher(new BlockJobs(graph, exec));
    private final LinkedBlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    private final QmpDispatcher.Session s = qmp.openSession(true);

    QmpStreamCommitTest() {
        qmp.subscribe(events::add);
    }

    @AfterEach
    void close() {
        qmp.close();
        exec.close();
    }

    private JsonNode call(String json) throws Exception {
        JsonNode r = M.readTree(s.handle(json.replace('\'', '"')));
        assertTrue(r.has("return"), () -> json + " -> " + r);
        return r.get("return");
    }

    private String io(String node, String cmd) throws Exception {
        return call("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"qemu-io " + node
                + " \\\"" + cmd + "\\\"\"}}").asText();
    }

    /** Waits for {@code name} about job {@code id}; returns the event names seen for that job up to it. */
    private List<String> until(String name, String id) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            ObjectNode e = events.poll(30, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no " + name + " for " + id + " after " + seen);
            }
            JsonNode d = e.get("data");
            String about = d.has("id") ? d.get("id").asText() : d.path("device").asText();
            if (!about.equals(id)) {
                continue;
            }
            String n = e.get("event").asText() + (d.has("status") ? ":" + d.get("status").asText() : "");
            seen.add(n);
            if (e.get("event").asText().equals(name)) {
                return seen;
            }
        }
    }

    private void chain() throws Exception {
        call("{'execute':'blockdev-add','arguments':{'driver':'memory','node-name':'base','size':1048576}}");
        String below = "base";
        for (String n : List.of("n1", "n2", "n3", "top")) {
            call("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'" + n + "','file':"
                    + "{'driver':'memory','size':1048576},'backing':'" + below + "'}}");
            below = n;
        }
    }

    @Test
    void streamThenCommit() throws Exception {
        chain();
        io("base", "write -P 0x01 0 64k");
        io("n1", "write -P 0x02 64k 64k");
        io("n2", "write -P 0x03 128k 64k");
        io("n3", "write -P 0x04 192k 64k");
        io("top", "write -P 0x05 256k 64k");

        call("{'execute':'block-stream','arguments':{'job-id':'s','device':'n3','base-node':'n1'}}");
        List<String> seen = until("BLOCK_JOB_COMPLETED", "s");
        assertTrue(seen.contains("JOB_STATUS_CHANGE:running"), seen::toString);
        assertEquals("n1", graph.requireNode("n3").child("backing").node().name());
        assertTrue(io("n3", "map").contains("allocated at offset 128 KiB"), "n2's data was pulled into n3");

        call("{'execute':'block-commit','arguments':{'job-id':'c','device':'top','top-node':'n3',"
                + "'base-node':'n1'}}");
        seen = until("BLOCK_JOB_COMPLETED", "c");
        assertEquals(List.of("JOB_STATUS_CHANGE:created", "JOB_STATUS_CHANGE:running", "JOB_STATUS_CHANGE:waiting",
                "JOB_STATUS_CHANGE:pending", "BLOCK_JOB_COMPLETED"), seen);
        assertEquals("n1", graph.requireNode("top").child("backing").node().name());
        assertTrue(call("{'execute':'query-jobs'}").isEmpty(), "auto-dismiss removed both jobs");

        assertTrue(io("top", "read -P 0x01 0 64k").startsWith("read 65536/65536"));
        assertTrue(io("top", "read -P 0x02 64k 64k").startsWith("read 65536/65536"));
        assertTrue(io("top", "read -P 0x03 128k 64k").startsWith("read 65536/65536"));
        assertTrue(io("top", "read -P 0x04 192k 64k").startsWith("read 65536/65536"));
        assertTrue(io("top", "read -P 0x05 256k 64k").startsWith("read 65536/65536"));
        assertTrue(io("n1", "read -P 0x03 128k 64k").startsWith("read 65536/65536"), "committed into n1");
    }

    @Test
    void badStreamArgumentsChangeNothing() throws Exception {
        chain();
        GraphState before = graph.state();
        JsonNode r = M.readTree(s.handle("{\"execute\":\"block-stream\",\"arguments\":{\"device\":\"top\","
                + "\"on-error\":\"explode\"}}"));
        assertEquals("Parameter 'on-error' does not accept value 'explode'", r.get("error").get("desc").asText());
        r = M.readTree(s.handle("{\"execute\":\"block-commit\",\"arguments\":{\"job-id\":\"c\",\"device\":\"top\","
                + "\"top-node\":\"nope\"}}"));
        assertEquals("GenericError", r.get("error").get("class").asText());
        assertEquals("Cannot find device='' nor node-name='nope'", r.get("error").get("desc").asText());
        assertEquals(before, graph.state());
        assertTrue(call("{'execute':'query-jobs'}").isEmpty());
    }
}
