package org.blockgraph.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.testing.Watchdog;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.Test;

/** The I/O actions are traced in the order the spec's steps take effect, including a park and unpark. */
class IoTraceTest {
    record Event(SpecAction action, Map<String, Object> args) {
    }

    final List<Event> events = new ArrayList<>();
    final BlockGraph g = new BlockGraph(new TraceSink() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public synchronized void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
            events.add(new Event(action, args));
        }
    });

    List<SpecAction> actions() {
        synchronized (g.trace()) {
            List<SpecAction> out = new ArrayList<>();
            for (Event e : events) {
                out.add(e.action());
            }
            return out;
        }
    }

    @Test
    void aRequestIsSubmittedLockedDescendsAndCompletes() {
        Node mem = g.addNode("mem", new MemoryDriver(4096));
        Node dbg = g.addNode("dbg", new BlkdebugDriver(), Map.of("image", mem));
        BlockBackend b = BlockBackend.create(g, "vda", dbg, Permission.CONSISTENT_READ.bit(), Permission.ALL);
        synchronized (g.trace()) {
            events.clear();
        }
        b.read(0, 1);
        assertEquals(List.of(SpecAction.BlkSubmit, SpecAction.GraphRdlock, SpecAction.ReqDescend,
                SpecAction.ReqComplete), actions());
        assertEquals("block device 'vda'", events.get(1).args().get("blk"));
        assertEquals("node 'dbg'", events.get(2).args().get("from"));
        assertEquals("mem", events.get(2).args().get("to"));
    }

    @Test
    void aParkedRequestIsTracedAroundTheDrain() throws Exception {
        Watchdog.run(30, () -> {
            Node mem = g.addNode("mem", new MemoryDriver(4096));
            BlockBackend b = BlockBackend.create(g, "vda", mem, Permission.CONSISTENT_READ.bit(), Permission.ALL);
            g.drainedBegin(mem);
            synchronized (g.trace()) {
                events.clear();
            }
            CompletableFuture<byte[]> r = CompletableFuture.supplyAsync(() -> b.read(0, 1));
            while (b.parkedRequests() == 0) {
                Thread.sleep(1);
            }
            g.drainedEnd(mem);
            r.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(SpecAction.BlkSubmit, SpecAction.BlkPark, SpecAction.DrainedEnd, SpecAction.BlkUnpark,
                    SpecAction.GraphRdlock, SpecAction.ReqComplete), actions());
        });
    }
}
