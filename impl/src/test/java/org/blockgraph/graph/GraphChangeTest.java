package org.blockgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.CommitTopDriver;
import org.blockgraph.driver.CowDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.driver.ThrottleDriver;
import org.blockgraph.io.BlockBackend;
import org.blockgraph.testing.TestJob;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.Test;

/** Node names, roles, permissions, cycles, frozen links, and the all-or-nothing rule of graph changes. */
class GraphChangeTest {
    static final int CR = Permission.CONSISTENT_READ.bit();
    static final int W = Permission.WRITE.bit();
    static final int WU = Permission.WRITE_UNCHANGED.bit();
    static final int RS = Permission.RESIZE.bit();
    static final long MIB = 1 << 20;

    final BlockGraph g = new BlockGraph();

    Node mem(String name) {
        return g.addNode(name, new MemoryDriver(MIB));
    }

    Node cow(String name, Node file, Node backing) {
        Map<String, Node> ch = new LinkedHashMap<>();
        ch.put("file", file);
        if (backing != null) {
            ch.put("backing", backing);
        }
        return g.addNode(name, new CowDriver(MIB), ch);
    }

    /** A refused change throws exactly {@code message} and leaves the whole state as it was. */
    void refused(String message, Runnable change) {
        GraphState before = g.state();
        GraphException e = assertThrows(GraphException.class, change::run);
        assertEquals(message, e.getMessage());
        assertEquals(before, g.state());
    }

    @Test
    void nodeNamesAreValidatedAsUpstream() {
        mem("disk0");
        refused("Invalid node-name: '0disk'", () -> mem("0disk"));
        refused("Invalid node-name: ''", () -> mem(""));
        refused("Invalid node-name: 'a b'", () -> mem("a b"));
        refused("Invalid node-name: '#block1'", () -> mem("#block1"));
        refused("Duplicate nodes with node-name='disk0'", () -> mem("disk0"));
        refused("Node name too long", () -> mem("a".repeat(32)));
        assertNotNull(mem("a".repeat(31)));
        assertNotNull(mem("a-b.c_d9"));
        new BlockBackend(g, "dev0", 0, Permission.ALL, 4);
        refused("node-name=dev0 is conflicting with a device id", () -> mem("dev0"));
        GraphException e = assertThrows(GraphException.class, () -> new BlockBackend(g, "disk0", 0, 0, 4));
        assertEquals("Device name 'disk0' conflicts with an existing node name", e.getMessage());
        e = assertThrows(GraphException.class, () -> new BlockBackend(g, "dev0", 0, 0, 4));
        assertEquals("Device with id 'dev0' already exists", e.getMessage());
    }

    @Test
    void implicitNodesGetGeneratedNamesAndGoWithTheirLastParent() {
        Node f = g.addNode(null, new MemoryDriver(MIB));
        assertTrue(f.name().startsWith("#block"));
        assertTrue(f.isImplicit());
        Node top = cow("top", f, null);
        refused("Node " + f.name() + " is not owned by the monitor", () -> g.deleteNode(f.name()));
        g.deleteNode("top");
        assertTrue(top.isRemoved());
        assertTrue(f.isRemoved(), "the implicit file node goes with its last parent");
        assertTrue(g.nodes().isEmpty());
    }

    @Test
    void rolesAndDefaultPermissionsFollowUpstream() {
        Node base = mem("base-file");
        Node baseCow = g.addNode("base", new CowDriver(MIB), Map.of("file", base), true);
        Node file = mem("top-file");
        Node top = cow("top", file, baseCow);
        assertEquals(Role.IMAGE, top.child("file").role());
        assertEquals(Role.BACKING, top.child("backing").role());
        // A writable format node needs consistent read, write and resize on its file and shares neither W nor RS.
        assertEquals(CR | W | RS, top.child("file").perm());
        assertEquals(CR | WU, top.child("file").shared());
        // Backing: consistent read only if the parent needs it (nobody reads top yet).
        assertEquals(0, top.child("backing").perm());
        assertEquals(Permission.ALL, top.child("backing").shared());
        BlockBackend blk = BlockBackend.create(g, "vda", top, CR | W, CR | WU);
        assertEquals(CR, top.child("backing").perm());
        assertEquals(CR | WU, top.child("backing").shared(), "no write shared above, so none below");
        assertEquals(CR | W, top.cumulativePerm());
        // A read-only format node takes no write on its file.
        assertEquals(CR, baseCow.child("file").perm());
        blk.close();
        assertEquals(0, top.child("backing").perm());
    }

    @Test
    void permissionConflictUsesTheUpstreamText() {
        Node file = mem("file0");
        cow("a", file, null);
        refused("Permission conflict on node 'file0': permissions 'write, resize' are both required by node 'a' "
                + "(uses node 'file0' as 'file' child) and unshared by node 'b' (uses node 'file0' as 'file' child).",
                () -> cow("b", file, null));
        Node disk = mem("disk");
        BlockBackend.create(g, "vda", disk, CR | W, CR);
        refused("Permission conflict on node 'disk': permissions 'write' are both required by block device 'vda' "
                + "(uses node 'disk' as 'root' child) and unshared by block device 'vdb' (uses node 'disk' as 'root' "
                + "child).", () -> BlockBackend.create(g, "vdb", disk, CR, CR));
        refused("Permission conflict on node 'disk': permissions 'write' are both required by an unnamed block "
                + "device (uses node 'disk' as 'root' child) and unshared by block device 'vda' (uses node "
                + "'disk' as 'root' child).", () -> BlockBackend.create(g, null, disk, W, Permission.ALL));
        TestJob job = new TestJob(g, "job0");
        BlockBackend reader = BlockBackend.create(g, "vdd", mem("disk2"), CR, CR);
        refused("Permission conflict on node 'disk2': permissions 'consistent read' are both required by block "
                + "device 'vdd' (uses node 'disk2' as 'root' child) and unshared by test job 'job0' (uses node "
                + "'disk2' as 'main node' child).",
                () -> g.attachParent(job, "main node", Role.NONE, reader.node(), 0, 0));
    }

    @Test
    void readOnlyNodesRefuseWriters() {
        Node ro = g.addNode("ro", new MemoryDriver(MIB), Map.of(), true);
        refused("Block node is read-only", () -> BlockBackend.create(g, "vda", ro, CR | W, Permission.ALL));
        refused("Block node is read-only", () -> g.addNode("top", new CowDriver(MIB), Map.of("file", ro)));
    }

    @Test
    void reopeningReadOnlyWithWritersIsRefused() {
        Node base = g.addNode("base", new MemoryDriver(MIB), Map.of(), true);
        Node top = g.addNode("top", new CowDriver(MIB), Map.of("file", mem("tf"), "backing", base), true);
        BlockBackend reader = BlockBackend.create(g, "vda", top, CR, Permission.ALL);
        refused("Block node is read-only", () -> reader.setPermissions(CR | W, Permission.ALL));
        g.reopenReadOnly(top, false); // as stream does before it writes into its node
        reader.setPermissions(CR | W, CR | WU);
        assertFalse(top.isReadOnly());
        assertEquals(CR | W | RS, top.child("file").perm(), "a writable format node writes its file");
        refused("Read-only block node 'top' cannot support read-write users", () -> g.reopenReadOnly(top, true));
        reader.setPermissions(CR, Permission.ALL);
        g.reopenReadOnly(top, true);
        assertTrue(top.isReadOnly());
        assertEquals(CR, top.child("file").perm());
    }

    @Test
    void cyclesAreRefused() {
        Node a = cow("a", mem("fa"), null);
        Node b = cow("b", mem("fb"), a);
        refused("Making 'b' a backing child of 'a' would create a cycle", () -> g.setBacking(a, b));
        refused("Making 'b' a backing child of 'b' would create a cycle", () -> g.replaceChild(b, "backing", b));
        Node c = cow("c", mem("fc"), b);
        refused("Making 'c' a backing child of 'a' would create a cycle", () -> g.setBacking(a, c));
    }

    @Test
    void unsupportedChildrenAndMissingRequiredChildren() {
        Node m = mem("m");
        Node x = mem("x");
        refused("Driver 'memory' of node 'm' does not support backing files", () -> g.setBacking(m, x));
        refused("A block device must be specified for \"file\"", () -> g.addNode("c", new CowDriver(MIB)));
        refused("Driver 'cow' of node 'c' does not support a 'data' child",
                () -> g.addNode("c", new CowDriver(MIB), Map.of("file", m, "data", m)));
        Node c = cow("c", mem("cf"), null);
        refused("Node 'c' already has a 'file' child", () -> g.attachChild(c, "file", m));
        refused("Node 'c' does not have child 'backing'", () -> g.detachChild(c, "backing"));
        refused("Cannot remove the required 'file' child of node 'c'", () -> g.detachChild(c, "file"));
    }

    @Test
    void deletingANodeInUseFailsWithTheUpstreamErrors() {
        Node base = mem("base");
        Node top = cow("top", mem("topf"), base);
        BlockBackend blk = BlockBackend.create(g, "vda", top, CR, Permission.ALL);
        refused("Failed to find node with node-name='nope'", () -> g.deleteNode("nope"));
        refused("Node top is in use", () -> g.deleteNode("top"));
        refused("Block device base is in use", () -> g.deleteNode("base"));
        blk.close();
        g.drainedBegin(top);
        refused("Block device top is in use", () -> g.deleteNode("top"));
        g.drainedEnd(top);
        g.deleteNode("top");
        assertNull(g.findNode("top"));
        assertNotNull(g.findNode("topf"), "explicit children stay");
        assertTrue(base.parents().isEmpty());
        g.deleteNode("base");
    }

    @Test
    void frozenLinksRefuseChangesWithUpstreamTexts() {
        Node base = mem("base");
        Node mid = cow("mid", mem("midf"), base);
        Node top = cow("top", mem("topf"), mid);
        Node other = mem("other");
        g.freezeBackingChain(top, base);
        assertTrue(top.child("backing").isFrozen());
        assertTrue(mid.child("backing").isFrozen());
        refused("Cannot change frozen 'backing' link from 'top' to 'mid'", () -> g.setBacking(top, other));
        refused("Cannot change frozen 'backing' link from 'mid' to 'base'", () -> g.replaceChild(mid, "backing", other));
        refused("Cannot change 'backing' link to 'mid'", () -> g.replaceNode(mid, other));
        refused("Cannot change 'backing' link from 'top' to 'mid'", () -> g.freezeBackingChain(top, null));
        g.unfreezeBackingChain(top, base);
        g.setBacking(mid, other);
        Node filter = g.insertFilter("commit-filter", new CommitTopDriver(), mid);
        assertSame(filter, top.child("backing").node());
        refused("Cannot freeze 'backing' link to 'commit-filter'", () -> g.freezeBackingChain(top, null));
        assertFalse(top.child("backing").isFrozen(), "freezing is all or nothing");
    }

    @Test
    void filtersAndSnapshotsRewireParents() {
        Node base = cow("base", mem("basef"), null);
        BlockBackend blk = BlockBackend.create(g, "vda", base, CR | W, CR | WU);
        blk.write(0, new byte[] {1, 2, 3});
        Node thr = g.insertFilter("thr", new ThrottleDriver(0, 0), base);
        assertSame(thr, blk.node());
        assertEquals(CR | W, thr.child("file").perm(), "a filter passes its parents' permissions through");
        assertEquals(3, blk.read(0, 3)[2]);
        g.removeFilter(thr);
        assertSame(base, blk.node());
        assertTrue(thr.isRemoved());
        Node overlay = g.addNode("overlay", new CowDriver(MIB), Map.of("file", mem("ovf")));
        g.appendOverlay(overlay, base);
        assertSame(overlay, blk.node());
        assertSame(base, overlay.child("backing").node());
        assertEquals(2, blk.read(0, 3)[1], "the overlay reads through to its backing");
        refused("The overlay is already in use", () -> g.appendOverlay(overlay, base));
        Node o2 = g.addNode("o2", new CowDriver(MIB), Map.of("file", mem("o2f"), "backing", base));
        refused("The overlay already has a backing image", () -> g.appendOverlay(o2, overlay));
        Node raw = mem("raw");
        refused("The overlay does not support backing images", () -> g.appendOverlay(raw, overlay));
        g.replaceNode(base, o2); // o2 itself is skipped: updating its own backing edge would make a loop
        assertSame(o2, overlay.child("backing").node());
        assertSame(base, o2.child("backing").node());
        assertEquals(3, blk.read(0, 3)[2]);
    }

    @Test
    void everyRefusedChangeLeavesNoTraceWithDrainsAndJobsAround() throws Exception {
        Node base = cow("base", mem("basef"), null);
        Node mid = cow("mid", mem("midf"), base);
        Node top = cow("top", mem("topf"), mid);
        BlockBackend blk = BlockBackend.create(g, "vda", top, CR | W, CR | WU);
        BlockBackend other = BlockBackend.create(g, "vdb", mem("odisk"), CR | W, CR);
        TestJob job = new TestJob(g, "j");
        Child jobEdge = job.addNode("main node", mid);
        job.start();
        g.drainedBegin(base); // an outer drained section stays active across the refused changes
        try {
            List<Runnable> changes = new ArrayList<>();
            changes.add(() -> g.setBacking(base, top));
            changes.add(() -> g.replaceChild(mid, "backing", top));
            changes.add(() -> g.replaceChild(top, "backing", top));
            changes.add(() -> g.attachChild(base, "backing", top));
            changes.add(() -> g.deleteNode("mid"));
            changes.add(() -> g.deleteNode("vda"));
            changes.add(() -> BlockBackend.create(g, "vdc", other.node(), CR, CR));
            changes.add(() -> g.addNode("x", new CowDriver(MIB), Map.of("file", g.requireNode("midf"))));
            changes.add(() -> g.appendOverlay(mid, top));
            changes.add(() -> g.setParentPermissions(jobEdge, CR, 0));
            for (Runnable c : changes) {
                GraphState before = g.state();
                assertThrows(GraphException.class, c::run);
                assertEquals(before, g.state());
            }
            assertEquals(1, job.pauseCount(), "the job stays paused by the outer section");
        } finally {
            g.drainedEnd(base);
        }
        assertEquals(0, job.pauseCount());
        job.finish();
        blk.close();
    }

    @Test
    void graphChangesAreTracedAtCommit() {
        List<SpecAction> seen = new ArrayList<>();
        BlockGraph tg = new BlockGraph(new TraceSink() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
                seen.add(action);
            }
        });
        Node a = tg.addNode("a", new MemoryDriver(MIB));
        Node b = tg.addNode("b", new MemoryDriver(MIB));
        Node t = tg.addNode("t", new BlkdebugDriver(), Map.of("image", a));
        seen.clear();
        tg.replaceChild(t, "image", b);
        assertEquals(List.of(SpecAction.DrainedBegin, SpecAction.DrainPollDone, SpecAction.DrainedBegin,
                SpecAction.DrainPollDone, SpecAction.GraphWrlockBegin, SpecAction.GraphWrlock,
                SpecAction.ReplaceChild, SpecAction.GraphWrunlock, SpecAction.DrainedEnd, SpecAction.DrainedEnd),
                seen);
        seen.clear();
        assertThrows(GraphException.class, () -> tg.replaceChild(t, "image", t));
        assertFalse(seen.contains(SpecAction.ReplaceChild), "a refused change commits nothing");
    }
}
