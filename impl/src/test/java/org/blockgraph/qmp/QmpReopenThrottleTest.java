package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.job.JobRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code blockdev-reopen} as one transaction, and {@code throttle-group} objects shared by throttle nodes. */
class QmpReopenThrottleTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final BlockGraph graph = new BlockGraph();
    private final JobRegistry jobs = new JobRegistry();
    private final QmpDispatcher qmp = new QmpDispatcher(graph, jobs);
    private final QmpDispatcher.Session s = qmp.openSession(true);

    @AfterEach
    void close() {
        qmp.close();
        jobs.close();
    }

    private JsonNode call(String json) {
        try {
            JsonNode r = M.readTree(s.handle(json.replace('\'', '"')));
            assertTrue(r.has("return"), () -> "expected success for " + json + " but got " + r);
            return r.get("return");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Fails with GenericError and exactly {@code desc}; the whole graph state (counters included) is unchanged. */
    private void fails(String json, String desc) {
        GraphState before = graph.state();
        try {
            JsonNode r = M.readTree(s.handle(json.replace('\'', '"')));
            assertTrue(r.has("error"), () -> "expected an error for " + json + " but got " + r);
            assertEquals("GenericError", r.get("error").get("class").asText(), json);
            assertEquals(desc, r.get("error").get("desc").asText(), json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(before, graph.state(), "a failed command changed the graph: " + json);
    }

    private void add(String json) {
        call("{'execute':'blockdev-add','arguments':" + json + "}");
    }

    private static String cow(String node, String file, String backing) {
        return "{'driver':'cow','node-name':'" + node + "','file':'" + file + "','backing':"
                + (backing == null ? "null" : "'" + backing + "'") + "}";
    }

    private static String reopen(String... entries) {
        return "{'execute':'blockdev-reopen','arguments':{'options':[" + String.join(",", entries) + "]}}";
    }

    /** a and b are overlays with their own files; b's backing is a. */
    private void twoOverlays() {
        add("{'driver':'memory','node-name':'af','size':1048576}");
        add("{'driver':'memory','node-name':'bf','size':1048576}");
        add("{'driver':'memory','node-name':'cf','size':1048576}");
        add("{'driver':'cow','node-name':'a','file':'af'}");
        add("{'driver':'cow','node-name':'b','file':'bf','backing':'a'}");
        add("{'driver':'cow','node-name':'c','file':'cf'}");
    }

    private String backingOf(String node) {
        var c = graph.requireNode(node).child("backing");
        return c == null ? null : c.node().name();
    }

    @Test
    void entriesAreCheckedTogetherOnTheProposedGraph() {
        twoOverlays();
        // Alone, a -> b would close a cycle; together with b's backing dropped it is fine (as upstream).
        fails(reopen(cow("a", "af", "b")), "Making 'b' a backing child of 'a' would create a cycle");
        call(reopen(cow("b", "bf", null), cow("a", "af", "b")));
        assertEquals("b", backingOf("a"));
        assertNull(backingOf("b"));
    }

    @Test
    void aFailingLaterEntryLeavesEveryEntryUnapplied() {
        twoOverlays();
        // Entry 1 alone would succeed; entry 2 makes a cycle: nothing at all changes.
        fails(reopen(cow("c", "cf", "b"), cow("a", "af", "b")),
                "Making 'b' a backing child of 'a' would create a cycle");
        assertNull(backingOf("c"));
        // A read-only toggle in the first entry is rolled back too (c stays writable).
        fails(reopen("{'driver':'cow','node-name':'c','file':'cf','backing':null,'read-only':true}",
                cow("b", "bf", "nope")), "Cannot find device='' nor node-name='nope'");
        assertTrue(!graph.requireNode("c").isReadOnly());
        // A frozen link in the second entry.
        graph.freezeBackingChain(graph.requireNode("b"), null);
        fails(reopen(cow("c", "cf", "a"), cow("b", "bf", null)), "Cannot change frozen 'backing' link from 'b' to 'a'");
        graph.unfreezeBackingChain(graph.requireNode("b"), null);
        // A permission refusal found only on the whole proposed graph: a's file made read-only under a writer.
        fails(reopen(cow("c", "cf", "a"), "{'driver':'memory','node-name':'af','size':1048576,'read-only':true}"),
                "Read-only block node 'af' cannot support read-write users");
        assertNull(backingOf("c"));
    }

    @Test
    void readOnlyTogglesAndBackingChangesApplyTogether() {
        twoOverlays();
        call(reopen("{'driver':'cow','node-name':'c','file':'cf','backing':'a','read-only':true}",
                "{'driver':'memory','node-name':'cf','size':1048576,'read-only':true}"));
        assertTrue(graph.requireNode("c").isReadOnly());
        assertTrue(graph.requireNode("cf").isReadOnly());
        assertEquals("a", backingOf("c"));
        // Omitted read-only means read-write again (options are reset to their defaults, as upstream).
        call(reopen("{'driver':'memory','node-name':'cf','size':1048576}", cow("c", "cf", "a")));
        assertTrue(!graph.requireNode("c").isReadOnly());
        // A node listed twice takes its last entry.
        call(reopen(cow("c", "cf", "a"), cow("c", "cf", null)));
        assertNull(backingOf("c"));
    }

    @Test
    void optionChecksFollowUpstreamOrderAndTexts() {
        twoOverlays();
        add("{'driver':'null-co','node-name':'n','size':1048576}");
        fails(reopen("{'driver':'null-co','node-name':'zz'}"), "Failed to find node with node-name='zz'");
        fails(reopen("{'driver':'null-co'}"), "node-name not specified");
        fails(reopen("{'driver':'null-co','node-name':'n'}"), "Option 'size' cannot be reset to its default value");
        fails(reopen("{'driver':'null-co','node-name':'n','size':2048}"), "Cannot change the option 'size'");
        fails(reopen("{'driver':'cow','node-name':'b','file':'bf'}"), "backing is missing for 'b'");
        fails(reopen(cow("b", "af", "a")), "Cannot change the option 'file'");
        fails(reopen("{'driver':'cow','node-name':'b','file':'bf','backing':'a','cluster-size':512}"),
                "Cannot change the option 'cluster-size'");
        call(reopen("{'driver':'null-co','node-name':'n','size':1048576,'read-only':true}"));
        assertTrue(graph.requireNode("n").isReadOnly());
        call(reopen("{'driver':'cow','node-name':'b','file':'bf','backing':'a','cluster-size':65536}"));
    }

    @Test
    void throttleGroupObjects() {
        add("{'driver':'null-co','node-name':'n0','size':1048576}");
        fails("{'execute':'blockdev-add','arguments':{'driver':'throttle','node-name':'t','file':'n0'}}",
                "Parameter 'throttle-group' is missing");
        fails("{'execute':'blockdev-add','arguments':{'driver':'throttle','node-name':'t','file':'n0',"
                + "'throttle-group':'g'}}", "Throttle group 'g' does not exist");
        fails("{'execute':'object-add','arguments':{'qom-type':'throttle-group'}}", "Parameter 'id' is missing");
        fails("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'1g'}}",
                "Parameter 'id' expects an identifier");
        fails("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g','limits':{'iops-total':-1}}}",
                "bps/iops/max values must be within [0, 1000000000000000]");
        fails("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g','limits':{'iops-total':'x'}}}",
                "Invalid parameter type for 'limits.iops-total', expected: integer");
        fails("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g','limits':{'bogus':1}}}",
                "Parameter 'limits.bogus' is unexpected");
        call("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g','limits':{'iops-total':100}}}");
        fails("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g'}}",
                "attempt to add duplicate property 'g' to object (type 'container')");
        add("{'driver':'throttle','node-name':'t','file':'n0','throttle-group':'g'}");
        fails("{'execute':'object-del','arguments':{'id':'g'}}", "object 'g' is in use, can not be deleted");
        fails("{'execute':'object-del','arguments':{'id':'h'}}", "object 'h' not found");
        call("{'execute':'blockdev-del','arguments':{'node-name':'t'}}");
        call("{'execute':'object-del','arguments':{'id':'g'}}");
        fails("{'execute':'blockdev-add','arguments':{'driver':'throttle','node-name':'t','file':'n0',"
                + "'throttle-group':'g'}}", "Throttle group 'g' does not exist");
    }

    private static String io(String node, String cmd) {
        return "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"qemu-io " + node + " \\\""
                + cmd + "\\\"\"}}";
    }

    @Test
    void nodesOfOneGroupShareItsBudget() throws Exception {
        // 1 byte per second: after one 4 KiB read the budget is gone for about 4096 s, for every node of the group.
        call("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'g','limits':{'bps-total':1}}}");
        call("{'execute':'object-add','arguments':{'qom-type':'throttle-group','id':'h','limits':{'bps-total':1}}}");
        for (String n : new String[] {"n1", "n2", "n3"}) {
            add("{'driver':'null-co','node-name':'" + n + "','size':1048576}");
        }
        add("{'driver':'throttle','node-name':'t1','file':'n1','throttle-group':'g'}");
        add("{'driver':'throttle','node-name':'t2','file':'n2','throttle-group':'g'}");
        add("{'driver':'throttle','node-name':'t3','file':'n3','throttle-group':'h'}");
        assertSame(((ThrottleDriver) graph.requireNode("t1").driver()).group(),
                ((ThrottleDriver) graph.requireNode("t2").driver()).group());
        assertNotSame(((ThrottleDriver) graph.requireNode("t1").driver()).group(),
                ((ThrottleDriver) graph.requireNode("t3").driver()).group());
        assertTrue(call(io("t1", "read 0 4k")).asText().startsWith("read 4096/4096 bytes at offset 0"));
        QmpDispatcher.Session other = qmp.openSession(true);
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> other.handle(io("t2", "read 0 4k")));
        assertThrows(TimeoutException.class, () -> held.get(300, TimeUnit.MILLISECONDS),
                "t2 shares t1's exhausted budget and must wait");
        // Another group's node with the same limits is not affected.
        assertTrue(call(io("t3", "read 0 4k")).asText().startsWith("read 4096/4096 bytes at offset 0"));
        // Draining t2 switches its limits off, so the held read finishes (a hang guard only, no timing).
        call("{'execute':'x-blockgraph-drained-begin','arguments':{'node-name':'t2'}}");
        assertTrue(held.get(60, TimeUnit.SECONDS).contains("read 4096/4096 bytes at offset 0"));
        call("{'execute':'x-blockgraph-drained-end','arguments':{'node-name':'t2'}}");
    }
}
