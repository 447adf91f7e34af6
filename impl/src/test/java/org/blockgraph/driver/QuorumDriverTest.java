package org.blockgraph.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.junit.jupiter.api.Test;

/** The quorum driver: option checks with upstream's texts, voting reads, writes to all, errors by vote. */
class QuorumDriverTest {
    private static final int SIZE = 64 * 1024;
    private final BlockGraph g = new BlockGraph();
    private final BlkdebugDriver[] debug = new BlkdebugDriver[3];
    private final Node[] files = new Node[3];

    /** children.i = cow over blkdebug over memory (the cow fires read_aio / write_aio for blkdebug's rules). */
    private Node quorum(int threshold, QuorumDriver.ReadPattern pattern) {
        Map<String, Node> children = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            files[i] = g.addNode("file" + i, new MemoryDriver(SIZE));
            debug[i] = new BlkdebugDriver();
            Node dbg = g.addNode("dbg" + i, debug[i], Map.of("image", files[i]));
            children.put("children." + i, g.addNode("img" + i, new CowDriver(SIZE, 4096), Map.of("file", dbg)));
        }
        return g.addNode("q", new QuorumDriver(3, threshold, pattern), children);
    }

    /** Changes a replica's medium behind the graph's back (as a bit flip on disk would). */
    private void corrupt(int child, int value) {
        byte[] b = new byte[512];
        Arrays.fill(b, (byte) value);
        files[child].driver().write(files[child], 0, b, 0, b.length, 0);
    }

    private byte[] medium(int child) {
        byte[] b = new byte[512];
        files[child].driver().read(files[child], 0, b, 0, b.length, 0);
        return b;
    }

    private void failReads(int child) {
        debug[child].addRule(new BlkdebugDriver.InjectError("read_aio", BlockIoException.EIO, -1, false, false,
                Set.of(BlkdebugDriver.IoType.READ)));
    }

    private void failWrites(int child, int errno) {
        debug[child].addRule(new BlkdebugDriver.InjectError("write_aio", errno, -1, false, false,
                Set.of(BlkdebugDriver.IoType.WRITE)));
    }

    @Test
    void optionsAreCheckedWithUpstreamTexts() {
        assertEquals("Number of provided children must be 1 or more",
                assertThrows(GraphException.class, () -> new QuorumDriver(0, 1)).getMessage());
        assertEquals("Parameter 'vote-threshold' expects a value >= 1",
                assertThrows(GraphException.class, () -> new QuorumDriver(3, 0)).getMessage());
        assertEquals("threshold may not exceed children count",
                assertThrows(GraphException.class, () -> new QuorumDriver(3, 4)).getMessage());
        var before = g.state();
        Node f = g.addNode("only", new MemoryDriver(SIZE));
        before = g.state();
        assertThrows(GraphException.class, () -> g.addNode("q", new QuorumDriver(2, 1), Map.of("children.0", f)));
        assertEquals(before, g.state(), "a quorum missing a child is not added");
    }

    @Test
    void writesGoToEveryChildAndReadsVote() {
        Node q = quorum(2, QuorumDriver.ReadPattern.QUORUM);
        BlockBackend blk = BlockBackend.create(g, "drive0", q, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 7);
        blk.write(0, data);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(data, medium(i), "child " + i);
        }
        corrupt(2, 9);
        assertArrayEquals(data, blk.read(0, 512), "two of three agree: the majority wins");
        failReads(0);
        BlockIoException e = assertThrows(BlockIoException.class, () -> blk.read(0, 512));
        assertEquals(BlockIoException.EIO, e.errno(), "one vote each for two versions: below the threshold");
        blk.close();
    }

    @Test
    void tooFewSuccessesFailWithTheMostCommonError() {
        Node q = quorum(2, QuorumDriver.ReadPattern.QUORUM);
        BlockBackend blk = BlockBackend.create(g, "drive0", q, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        failWrites(1, BlockIoException.ENOSPC);
        blk.write(0, new byte[512]); // two successes reach the threshold
        failWrites(2, BlockIoException.ENOSPC);
        BlockIoException e = assertThrows(BlockIoException.class, () -> blk.write(0, new byte[512]));
        assertEquals(BlockIoException.ENOSPC, e.errno());
        // children 0 and 2 hold cluster 0 (child 1's failed writes left it unallocated): fail their reads
        failReads(0);
        failReads(2);
        assertEquals(BlockIoException.EIO, assertThrows(BlockIoException.class, () -> blk.read(0, 512)).errno());
        blk.close();
    }

    @Test
    void fifoReadsTheFirstChildThatAnswers() {
        Node q = quorum(1, QuorumDriver.ReadPattern.FIFO);
        BlockBackend blk = BlockBackend.create(g, "drive0", q, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        blk.write(0, new byte[512]); // allocates cluster 0 in every replica
        corrupt(1, 5);
        corrupt(2, 6);
        assertEquals(0, blk.read(0, 1)[0]);
        failReads(0);
        assertEquals(5, blk.read(0, 1)[0], "child 0 failed: child 1 answers");
        blk.close();
    }

    @Test
    void childrenShareNeitherWriteNorResize() {
        Node q = quorum(2, QuorumDriver.ReadPattern.QUORUM);
        BlockBackend blk = BlockBackend.create(g, "drive0", q, Permission.CONSISTENT_READ.bit()
                | Permission.WRITE.bit(), Permission.ALL);
        Node child = q.child("children.0").node();
        assertTrue((child.cumulativeShared() & Permission.WRITE.bit()) == 0);
        assertTrue((child.cumulativeShared() & Permission.RESIZE.bit()) == 0);
        assertThrows(GraphException.class, () -> BlockBackend.create(g, null, child, Permission.WRITE.bit(),
                Permission.ALL));
        blk.close();
    }
}
