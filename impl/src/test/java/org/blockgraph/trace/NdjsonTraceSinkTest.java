package org.blockgraph.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.junit.jupiter.api.Test;

/** The ndjson writer: header first, one line per action in commit order, seq 1, 2, ... taken in order. */
class NdjsonTraceSinkTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> lines(StringWriter w) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : w.toString().split("\n")) {
            if (!l.isEmpty()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    @Test
    void drainFamilyEventsComeOutInCommitOrderWithConsecutiveSeq() throws Exception {
        StringWriter w = new StringWriter();
        NdjsonTraceSink sink = new NdjsonTraceSink(w);
        BlockGraph g = new BlockGraph(sink);
        Node base = g.addNode("base", new MemoryDriver(1 << 20));
        Node top = g.addNode("top", new MemoryDriver(1 << 20));
        assertFalse(sink.enabled(), "building the initial graph is not recorded");
        sink.start(NdjsonTraceSink.header(g, List.of("io0")));
        g.drainedBegin(top);
        g.drainAllBegin();
        g.drainAllEnd();
        g.drainedEnd(top);
        g.deleteNode(base.name());
        sink.stop();
        List<JsonNode> l = lines(w);
        assertEquals("[\"base\",\"top\"]", l.get(0).get("header").get("nodes").toString());
        List<String> actions = new ArrayList<>();
        for (int k = 1; k < l.size(); k++) {
            assertEquals(k, l.get(k).get("seq").asLong(), "seq is consecutive in file order");
            actions.add(l.get(k).get("action").asText());
        }
        assertEquals(List.of("DrainedBegin", "DrainPollDone", "DrainAllBegin", "DrainAllPollDone", "DrainAllEnd",
                "DrainedEnd", "DrainedBegin", "DrainPollDone", "GraphWrlockBegin", "GraphWrlock", "RemoveNode",
                "GraphWrunlock"), actions);
        // post-states are the counters at the commit: top drained once, then twice under drain_all
        assertEquals(1, l.get(1).get("post").get("qc").get("top").asInt());
        assertEquals(2, l.get(3).get("post").get("qc").get("top").asInt());
        assertEquals(1, l.get(5).get("post").get("qc").get("top").asInt());
        assertFalse(l.get(11).get("post").get("qc").has("base"), "a deleted node leaves the projection");
    }

    @Test
    void concurrentEmittersGetDistinctIncreasingSeqInFileOrder() throws Exception {
        StringWriter w = new StringWriter();
        NdjsonTraceSink sink = new NdjsonTraceSink(w);
        sink.start(Map.of("spec", "drain"));
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int k = 0; k < 500; k++) {
                    sink.emit(SpecAction.BlkSubmit, Map.of("req", k), Map.of());
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        List<JsonNode> l = lines(w);
        assertEquals(2001, l.size());
        for (int k = 1; k < l.size(); k++) {
            assertEquals(k, l.get(k).get("seq").asLong());
        }
        assertEquals(2000, sink.events());
    }

    @Test
    void offSinkAndUnstartedSinkRecordNothing() throws Exception {
        assertFalse(TraceSink.OFF.enabled());
        StringWriter w = new StringWriter();
        NdjsonTraceSink sink = new NdjsonTraceSink(w);
        sink.emit(SpecAction.DrainedBegin, Map.of(), Map.of());
        assertTrue(w.toString().isEmpty());
    }

    @Test
    void parentDescriptionsSplitIntoKindAndName() {
        assertEquals(List.of("node", "a'b"), List.of(NdjsonTraceSink.parentName("node 'a'b'")));
        assertEquals(List.of("blk", "blk0"), List.of(NdjsonTraceSink.parentName("block device 'blk0'")));
    }
}
