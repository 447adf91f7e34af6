package org.blockgraph.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * blkdebug's rule model: a state that starts at 1, {@code inject-error} and {@code set-state} rules that apply only
 * in their state (0: every state), events fired by the format driver on its file child ({@code read_aio},
 * {@code write_aio}), and upstream's errors for bad rules.
 */
class BlkdebugStateTest {
    static final int CLUSTER = 4096;
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();

    BlockGraph g;
    BlkdebugDriver dbg;
    BlockBackend b;

    /** cow over blkdebug over memory, with data in the first two clusters (reads of them fire read_aio). */
    @BeforeEach
    void setUp() {
        g = new BlockGraph();
        dbg = new BlkdebugDriver();
        Node file = g.addNode("file", dbg, Map.of("image", g.addNode("fm", new MemoryDriver(0))));
        Node top = g.addNode("top", new CowDriver(4 * CLUSTER, CLUSTER), Map.of("file", file));
        b = BlockBackend.create(g, "vda", top, CR | W, CR | W | WU);
        b.write(0, fill(2 * CLUSTER, 1));
    }

    static byte[] fill(int len, int value) {
        byte[] x = new byte[len];
        java.util.Arrays.fill(x, (byte) value);
        return x;
    }

    private static void assertEio(Executable e) {
        BlockIoException x = assertThrows(BlockIoException.class, e);
        assertEquals(BlockIoException.EIO, x.errno());
    }

    private static BlkdebugDriver.InjectError eio(String event, int state, boolean once) {
        return BlkdebugDriver.InjectError.of(event, BlockIoException.EIO, once).inState(state);
    }

    @Test
    void stateStartsAtOneAndASetStateRuleMovesIt() {
        assertEquals(1, dbg.state());
        dbg.addSetState(new BlkdebugDriver.SetState("write_aio", 1, 2));
        dbg.addRule(eio("read_aio", 2, true));
        assertEquals(1, b.read(0, 1)[0], "the error rule is for state 2; we are in state 1");
        assertEquals(1, dbg.state(), "a read fires read_aio, which no set-state rule names");
        b.write(CLUSTER, new byte[] {3});
        assertEquals(2, dbg.state(), "write_aio in state 1 moved the state to 2");
        assertEio(() -> b.read(0, 1));
        assertEquals(1, b.read(0, 1)[0], "a once rule fires once");
        b.write(CLUSTER, new byte[] {4});
        assertEquals(2, dbg.state(), "the set-state rule is for state 1 only");
    }

    @Test
    void allRulesOfAnEventSeeTheStateBeforeTheEvent() {
        dbg.addSetState(new BlkdebugDriver.SetState("read_aio", 1, 2));
        dbg.addSetState(new BlkdebugDriver.SetState("read_aio", 2, 3));
        dbg.addRule(eio("read_aio", 2, true));
        b.read(0, 1);
        assertEquals(2, dbg.state(), "one event moves one step, even though a rule for state 2 exists");
        assertEio(() -> b.read(0, 1));
        assertEquals(3, dbg.state(), "the error rule for state 2 and the move to 3 fired on the same event");
        assertEquals(1, b.read(0, 1)[0]);
        assertEquals(3, dbg.state());
    }

    @Test
    void ofTwoMatchingSetStateRulesTheFirstAddedWins() {
        dbg.addSetState(new BlkdebugDriver.SetState("read_aio", 0, 7));
        dbg.addSetState(new BlkdebugDriver.SetState("read_aio", 1, 5));
        b.read(0, 1);
        assertEquals(7, dbg.state(), "rules run newest first, so the oldest sets the state last");
    }

    @Test
    void aRuleWithoutStateAppliesInEveryState() {
        dbg.addSetState(new BlkdebugDriver.SetState("write_aio", 0, 9));
        dbg.addRule(new BlkdebugDriver.InjectError("read_aio", 0, BlockIoException.ENOSPC, CLUSTER, false, false,
                Set.of(BlkdebugDriver.IoType.READ)));
        b.write(0, new byte[] {2});
        assertEquals(9, dbg.state());
        BlockIoException e = assertThrows(BlockIoException.class, () -> b.read(CLUSTER, 1));
        assertEquals(BlockIoException.ENOSPC, e.errno());
        assertEquals(2, b.read(0, 1)[0], "an offset rule spares requests that do not contain its offset");
        b.flush(); // a flush has no range: an offset rule never fails it
    }

    @Test
    void anErrorRuleInAnotherStateIsNotActivated() {
        dbg.addRule(eio("read_aio", 3, false));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new byte[] {1}, b.read(i * 10, 1));
        }
        dbg.addSetState(new BlkdebugDriver.SetState("write_aio", 1, 3));
        b.write(CLUSTER, new byte[] {1});
        assertEio(() -> b.read(0, 1));
        assertEio(() -> b.read(0, 1));
    }

    /**
     * Upstream keeps rules newest first and pushes each activated rule on the head of the active set, so the
     * active set is oldest first: the oldest matching rule decides, and one with errno 0 injects nothing.
     */
    @Test
    void theOldestMatchingRuleDecidesAndErrnoZeroInjectsNothing() {
        BlkdebugDriver.InjectError none = new BlkdebugDriver.InjectError("read_aio", 0, 0, -1, false, false,
                Set.of(BlkdebugDriver.IoType.READ));
        dbg.addRule(none);
        dbg.addRule(eio("read_aio", 0, false));
        assertArrayEquals(new byte[] {1}, b.read(0, 1), "the older rule (errno 0) is found first");
        assertArrayEquals(new byte[] {1}, b.read(0, 1));

        setUp();
        dbg.addRule(eio("read_aio", 0, false));
        dbg.addRule(none);
        assertEio(() -> b.read(0, 1));
    }

    @Test
    void badRulesAreRefusedWithUpstreamsTextAndChangeNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dbg.addRule(eio(null, 0, false)));
        assertEquals("Missing event name for rule", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> dbg.addRule(eio("read_aoi", 0, false)));
        assertEquals("Invalid parameter 'read_aoi'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> dbg.addSetState(new BlkdebugDriver.SetState("bogus", 1, 2)));
        assertEquals("Invalid parameter 'bogus'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> dbg.addSetState(new BlkdebugDriver.SetState(null, 1, 2)));
        assertEquals("Missing event name for rule", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> dbg.addSetState(new BlkdebugDriver.SetState("read_aio", -1, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> dbg.addSetState(new BlkdebugDriver.SetState("read_aio", 1, -2)));
        assertThrows(IllegalArgumentException.class, () -> dbg.addRule(eio("read_aio", -1, false)));
        b.read(0, 1);
        b.write(0, new byte[] {1});
        assertEquals(1, dbg.state(), "no refused rule was added");
    }
}
