package org.blockgraph.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.GraphState;
import org.blockgraph.job.ControlLock;
import org.blockgraph.job.JobRegistry;
import org.blockgraph.job.ManualJobExecutor;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** blockdev-add's blkdebug options {@code align}, {@code set-state} and {@code inject-error}'s {@code state}. */
class BlockdevBlkdebugTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final BlockGraph graph = new BlockGraph();
    private final QmpDispatcher qmp = new QmpDispatcher(graph,
            new JobRegistry(new ManualJobExecutor(), ControlLock.reentrant(), TraceSink.OFF));
    private final QmpDispatcher.Session s = qmp.openSession(true);

    @AfterEach
    void close() {
        qmp.close();
    }

    private JsonNode handle(String json) throws Exception {
        return M.readTree(s.handle(json.replace('\'', '"')));
    }

    private String io(String node, String cmd) throws Exception {
        JsonNode r = handle("{'execute':'human-monitor-command','arguments':{'command-line':"
                + "'qemu-io " + node + " \\'" + cmd + "\\''}}");
        assertTrue(r.has("return"), r::toString);
        return r.get("return").asText();
    }

    @Test
    void alignSetsTheRequestAlignmentAndABadOneChangesNothing() throws Exception {
        GraphState before = graph.state();
        JsonNode r = handle("{'execute':'blockdev-add','arguments':{'driver':'blkdebug','node-name':'dbg',"
                + "'align':3,'image':{'driver':'memory','node-name':'m','size':4096}}}");
        assertEquals("Cannot meet constraints with align 3", r.get("error").get("desc").asText(), r::toString);
        assertEquals(before, graph.state(), "the inline image was removed again");
        r = handle("{'execute':'blockdev-add','arguments':{'driver':'blkdebug','node-name':'dbg',"
                + "'align':4096,'image':{'driver':'memory','node-name':'m','size':4096}}}");
        assertTrue(r.has("return"), r::toString);
        assertEquals(4096, graph.findNode("dbg").requestAlignment());
    }

    @Test
    void setStateAndStateLimitedErrorRules() throws Exception {
        JsonNode r = handle("{'execute':'blockdev-add','arguments':{'driver':'cow','node-name':'top','file':"
                + "{'driver':'blkdebug','node-name':'dbg','image':{'driver':'memory','size':0},"
                + "'set-state':[{'event':'write_aio','new_state':2}],"
                + "'inject-error':[{'event':'read_aio','state':2,'errno':5,'once':true}]},'size':65536}}");
        assertTrue(r.has("return"), r::toString);
        BlkdebugDriver d = (BlkdebugDriver) graph.findNode("dbg").driver();
        assertEquals(1, d.state());
        assertTrue(io("top", "write -P 0x11 0 512").startsWith("wrote 512/512"));
        assertEquals(2, d.state());
        String failed = io("top", "read 0 512");
        assertTrue(failed.contains("Input/output error"), failed);
        assertTrue(io("top", "read -P 0x11 0 512").startsWith("read 512/512"));
        r = handle("{'execute':'blockdev-add','arguments':{'driver':'blkdebug','node-name':'x',"
                + "'image':{'driver':'memory','size':0},'set-state':[{'event':'write_aio'}]}}");
        assertTrue(r.has("error"), r::toString);
        assertEquals(null, graph.findNode("x"));
    }
}
