package org.blockgraph.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.blockgraph.lock.AioWait;
import org.blockgraph.lock.ControlLock;
import org.blockgraph.lock.GraphLock;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;

/**
 * The block graph: the library's entry point. It owns the nodes, the control lock, the graph lock and the global
 * wakeup, and offers the graph changes, the drains and a full state snapshot. BlockBackends
 * ({@code org.blockgraph.io.BlockBackend}) and jobs attach to it as parents.
 *
 * <p>Spec/drain actions implemented here: {@code DrainedBegin}, {@code DrainPollDone}, {@code DrainedEnd},
 * {@code DrainAllBegin}, {@code DrainAllPollDone}, {@code DrainAllEnd}, {@code AttachChild}, {@code ReplaceChild},
 * {@code DetachChild}, {@code RemoveNode}, {@code GraphWrlockBegin}, {@code GraphWrlock}, {@code GraphWrunlock}.
 * Adding a node is not traced: the spec has a fixed set of nodes.
 *
 * <p>Every public operation that changes the graph or drains is a control operation: it takes the control lock
 * (any thread may call it; nothing is handed to another thread). A graph change follows upstream's pattern: drain
 * the affected nodes (blocking until quiet), take the write lock, check everything on a proposed copy of the
 * structure (cycles, frozen links, permissions), and only then commit; the write lock is released before the
 * drains end. A refused change throws {@link GraphException} and leaves {@link #state()} exactly as it was.
 *
 * <p>Drain follows reference §1.2: draining a node quiesces it and, on its 0→1, every parent edge (nodes
 * recursively, BlockBackends, jobs), then waits (no nested event loop) until the node has no requests in flight and
 * no parent reports activity. Children are not drained. Callbacks run only on 0↔1 transitions.
 */
public final class BlockGraph {
    private final TraceSink trace;
    private final ControlLock control = new ControlLock();
    private final AioWait wait = new AioWait();
    private final GraphLock graphLock;
    private final CopyOnWriteArrayList<Node> nodes = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Node> byName = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Child> rootEdges = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Parent> devices = new ConcurrentHashMap<>();
    private int drainAllCount;
    private int implicitSeq;
    /** Nodes that lost a parent in the change being committed (control lock). */
    private final List<Node> lostParent = new ArrayList<>();

    /** A graph without tracing. */
    public BlockGraph() {
        this(TraceSink.OFF);
    }

    /**
     * A graph that reports every spec action to {@code trace}.
     *
     * @param trace where spec actions go; {@link TraceSink#OFF} records nothing
     */
    public BlockGraph(TraceSink trace) {
        this.trace = trace;
        this.graphLock = new GraphLock(control, wait);
    }

    /**
     * The trace sink.
     *
     * @return the sink given at construction
     */
    public TraceSink trace() {
        return trace;
    }

    /**
     * The control lock under which graph changes, drains and job completion run.
     *
     * @return the graph's control lock
     */
    public ControlLock controlLock() {
        return control;
    }

    /**
     * The graph reader/writer lock.
     *
     * @return the graph lock
     */
    public GraphLock graphLock() {
        return graphLock;
    }

    /**
     * The global wakeup: call {@link AioWait#kick()} after anything a drain may be waiting for.
     *
     * @return the graph's wakeup
     */
    public AioWait aioWait() {
        return wait;
    }

    /**
     * The node with this name, or null.
     *
     * @param name the node name
     * @return the node, or null
     */
    public Node findNode(String name) {
        return name == null ? null : byName.get(name);
    }

    /**
     * The node with this name; {@code Failed to find node with node-name='x'} if there is none.
     *
     * @param name the node name
     * @return the node
     */
    public Node requireNode(String name) {
        Node n = findNode(name);
        if (n == null) {
            throw new GraphException("Failed to find node with node-name='" + name + "'");
        }
        return n;
    }

    /**
     * All nodes in creation order (a snapshot).
     *
     * @return the nodes, in creation order
     */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Edges of BlockBackend and job parents (a snapshot).
     *
     * @return the root edges, in attachment order
     */
    public List<Child> rootEdges() {
        return List.copyOf(rootEdges);
    }

    /**
     * drain_all sections currently active.
     *
     * @return the number of active drain_all sections
     */
    public int drainAllCount() {
        control.lock();
        try {
            return drainAllCount;
        } finally {
            control.unlock();
        }
    }

    boolean hasBlockBackendNamed(String name) {
        return devices.containsKey(name);
    }

    // ------------------------------------------------------------------------------------------------------
    // Devices (BlockBackend names share a namespace with node names)

    /**
     * Registers a BlockBackend name; upstream's {@code monitor_add_blk} checks and texts.
     *
     * @param name   the device name
     * @param parent the BlockBackend
     */
    public void registerDevice(String name, Parent parent) {
        control.lock();
        try {
            if (!NodeNames.wellFormed(name)) {
                throw new GraphException("Invalid device name");
            }
            if (devices.containsKey(name)) {
                throw new GraphException("Device with id '" + name + "' already exists");
            }
            if (byName.containsKey(name)) {
                throw new GraphException("Device name '" + name + "' conflicts with an existing node name");
            }
            devices.put(name, parent);
        } finally {
            control.unlock();
        }
    }

    /**
     * Forgets a BlockBackend name.
     *
     * @param name the device name
     * @param parent the BlockBackend that registered it; nothing happens if another one holds the name now
     */
    public void unregisterDevice(String name, Parent parent) {
        control.lock();
        try {
            devices.remove(name, parent);
        } finally {
            control.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Node lifecycle

    /**
     * Adds a node without children.
     *
     * @param name the node name (well-formed, unused), or null for an implicit node with a generated name
     * @param driver a driver instance not bound to any node yet
     * @return the new node
     */
    public Node addNode(String name, BlockDriver driver) {
        return addNode(name, driver, Map.of(), false);
    }

    /**
     * Adds a node with children.
     *
     * @param name the node name (well-formed, unused), or null for an implicit node with a generated name
     * @param driver a driver instance not bound to any node yet
     * @param children the child nodes by edge name, as the driver names them
     * @return the new node
     */
    public Node addNode(String name, BlockDriver driver, Map<String, Node> children) {
        return addNode(name, driver, children, false);
    }

    /**
     * Adds a node ({@code blockdev-add}): validates the name, attaches the children with the roles the driver
     * gives them, and refreshes permissions, all or nothing.
     *
     * @param name     the node name, or null for an implicit node with a generated name
     * @param driver   a driver instance not serving any other node
     * @param children child name to node, attached in iteration order
     * @param readOnly whether the node refuses writers
     * @return the new node
     */
    public Node addNode(String name, BlockDriver driver, Map<String, Node> children, boolean readOnly) {
        control.lock();
        try {
            Node n = prepareNode(name, driver, readOnly);
            Change ch = new Change();
            ch.addNode(n);
            attachInitialChildren(ch, n, children);
            Node backing = "backing".equals(driver.filterOrCowChildName()) && !driver.isFilter()
                    ? children.get("backing") : null;
            if (backing != null) {
                // as qemu-img create -b: the header names the backing image's file
                n.setBackingFile(imageFilename(backing), backing.driver().name());
            }
            return withWriteLock(() -> {
                ch.checkAndCommit();
                return n;
            });
        } finally {
            control.unlock();
        }
    }

    private Node prepareNode(String name, BlockDriver driver, boolean readOnly) {
        if (driver == null) {
            throw new IllegalArgumentException("driver is required");
        }
        boolean implicit = name == null;
        if (implicit) {
            do {
                name = "#block" + String.format("%03d", implicitSeq++);
            } while (byName.containsKey(name));
        } else {
            NodeNames.validate(name, this);
        }
        if (driver.node() != null) {
            throw new GraphException("Driver instance already serves node '" + driver.node().name() + "'");
        }
        return new Node(this, name, implicit, driver, readOnly);
    }

    private void attachInitialChildren(Change ch, Node n, Map<String, Node> children) {
        BlockDriver d = n.driver();
        for (Map.Entry<String, Node> e : new LinkedHashMap<>(children).entrySet()) {
            Role role = roleFor(n, e.getKey());
            requireLive(e.getValue());
            ch.addEdge(new Child(n, e.getKey(), role, null), e.getValue());
        }
        for (String required : d.requiredChildren()) {
            if (!children.containsKey(required)) {
                throw new GraphException("A block device must be specified for \"" + required + "\"");
            }
        }
    }

    private Role roleFor(Node parent, String childName) {
        Role role = parent.driver().childRole(childName);
        if (role == null) {
            if ("backing".equals(childName)) {
                throw new GraphException("Driver '" + parent.driver().name() + "' of node '" + parent.name()
                        + "' does not support backing files");
            }
            throw new GraphException("Driver '" + parent.driver().name() + "' of node '" + parent.name()
                    + "' does not support a '" + childName + "' child");
        }
        return role;
    }

    private void requireLive(Node n) {
        if (n == null) {
            throw new IllegalArgumentException("node is required");
        }
        if (n.graph() != this || n.isRemoved() || byName.get(n.name()) != n) {
            throw new GraphException("Failed to find node with node-name='" + n.name() + "'");
        }
    }

    /**
     * Deletes a node ({@code blockdev-del}). Refused while anything uses it; its children lose this parent, and
     * implicit children left without parents go too.
     *
     * @param name the node name
     */
    public void deleteNode(String name) {
        control.lock();
        try {
            Node n = requireNode(name);
            for (Child p : n.parents) {
                if (p.parent().kind() == ParentKind.BLOCK_BACKEND) {
                    throw new GraphException("Node " + name + " is in use");
                }
            }
            if (n.isImplicit()) {
                throw new GraphException("Node " + name + " is not owned by the monitor");
            }
            if (!n.parents.isEmpty() || n.directDrains > 0) {
                throw new GraphException("Block device " + name + " is in use");
            }
            withDrained(List.of(n), () -> {
                Change ch = new Change();
                for (Child c : n.children) {
                    ch.removeEdge(c);
                }
                ch.removeNode(n);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Edge changes

    /**
     * Attaches a new child edge to a node; the role is the one the parent's driver gives the name.
     *
     * @param parent the node that gets the edge
     * @param childName the edge's name, one the parent's driver accepts
     * @param child the node the edge points at
     * @return the new edge
     */
    public Child attachChild(Node parent, String childName, Node child) {
        control.lock();
        try {
            requireLive(parent);
            requireLive(child);
            Role role = roleFor(parent, childName);
            if (parent.child(childName) != null) {
                throw new GraphException("Node '" + parent.name() + "' already has a '" + childName + "' child");
            }
            Change ch = new Change();
            Child edge = new Child(parent, childName, role, null);
            ch.addEdge(edge, child);
            return withWriteLock(() -> {
                ch.checkAndCommit();
                return edge;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Detaches a child edge of a node (draining the child first).
     *
     * @param parent the node holding the edge
     * @param childName the edge's name
     */
    public void detachChild(Node parent, String childName) {
        control.lock();
        try {
            requireLive(parent);
            Child edge = requireChild(parent, childName);
            requireNotFrozen(edge);
            if (parent.driver().requiredChildren().contains(childName)) {
                throw new GraphException("Cannot remove the required '" + childName + "' child of node '"
                        + parent.name() + "'");
            }
            withDrained(List.of(edge.node()), () -> {
                Change ch = new Change();
                ch.removeEdge(edge);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    private Child requireChild(Node parent, String childName) {
        Child edge = parent.child(childName);
        if (edge == null) {
            throw new GraphException("Node '" + parent.name() + "' does not have child '" + childName + "'");
        }
        return edge;
    }

    private static void requireNotFrozen(Child edge) {
        if (edge.frozen) {
            throw new GraphException("Cannot change frozen '" + edge.name() + "' link from '"
                    + edge.parentNode().name() + "' to '" + edge.node().name() + "'");
        }
    }

    /**
     * Points one child edge at another node ({@code bdrv_replace_child_tran}); old and new child are drained for
     * the duration, as upstream's callers do.
     *
     * @param parent the node holding the edge
     * @param childName the edge's name
     * @param newChild the node the edge points at afterwards
     */
    public void replaceChild(Node parent, String childName, Node newChild) {
        control.lock();
        try {
            requireLive(parent);
            requireLive(newChild);
            Child edge = requireChild(parent, childName);
            requireNotFrozen(edge);
            if (edge.node() == newChild) {
                return;
            }
            withDrained(List.of(edge.node(), newChild), () -> {
                Change ch = new Change();
                ch.retarget(edge, newChild);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Moves every parent of {@code from} to {@code to} ({@code bdrv_replace_node}), skipping edges whose parent
     * {@code to} reaches (updating them would make a loop).
     *
     * @param from the node whose parents move
     * @param to the node they move to
     */
    public void replaceNode(Node from, Node to) {
        control.lock();
        try {
            requireLive(from);
            requireLive(to);
            if (from == to) {
                return;
            }
            withDrained(List.of(from, to), () -> {
                Change ch = new Change();
                retargetParents(ch, from, to, null);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    private void retargetParents(Change ch, Node from, Node to, Child skip) {
        for (Child c : ch.view().parentsOf(from)) {
            if (c == skip) {
                continue;
            }
            Node pn = c.parentNode();
            if (pn != null && (pn == to || ch.view().reaches(to, pn))) {
                continue;
            }
            if (c.frozen) {
                throw new GraphException("Cannot change '" + c.name() + "' link to '" + from.name() + "'");
            }
            ch.retarget(c, to);
        }
    }

    /**
     * Sets or removes a node's backing child ({@code bdrv_set_backing_hd}): drains the old backing (or the node if
     * it has none), removes the old edge and attaches a new one.
     *
     * @param bs      the overlay
     * @param backing the new backing node, or null to remove it
     */
    public void setBacking(Node bs, Node backing) {
        control.lock();
        try {
            setBackingLocked(bs, backing, true);
        } finally {
            control.unlock();
        }
    }

    /**
     * {@code blockdev-reopen} of {@code bs} with a new {@code backing}: {@link #setBacking}, traced as the chain
     * spec's {@code ReopenBacking} (spec/chain/Management.tla) inside the control lock that commits it. Refused
     * with the upstream error if the link is frozen (unless the test-only bug
     * {@link TestOnlyBugs#reopenIgnoresFrozen} is switched on).
     *
     * @param bs      the format node whose link changes
     * @param backing the new backing node, or null to remove it
     */
    public void reopenBacking(Node bs, Node backing) {
        control.lock();
        try {
            setBackingLocked(bs, backing, !bugs.reopenIgnoresFrozen);
            if (trace.enabled()) {
                trace.emit(SpecAction.ReopenBacking, Map.of("node", bs.name(),
                        "newBacking", backing == null ? "" : backing.name()), Map.of());
            }
        } finally {
            control.unlock();
        }
    }

    /**
     * Deliberately broken variants of the core, for tests that assert the invariant oracle or trace validation
     * catches them. All off by default; nothing outside tests switches them on.
     */
    public static final class TestOnlyBugs {
        /** {@link #reopenBacking} ignores the frozen flag of the link it changes. */
        public volatile boolean reopenIgnoresFrozen;
        /** A stream job links its top to the base it found at start, not to what is below above_base at the end. */
        public volatile boolean streamPicksBaseAtStart;

        TestOnlyBugs() {
        }
    }

    private final TestOnlyBugs bugs = new TestOnlyBugs();

    /**
     * The test-only bug switches of this graph (all off unless a test turns one on).
     *
     * @return this graph's switches (one mutable instance per graph)
     */
    public TestOnlyBugs testOnlyBugs() {
        return bugs;
    }

    private void setBackingLocked(Node bs, Node backing, boolean checkFrozen) {
        {
            requireLive(bs);
            if (backing != null) {
                requireLive(backing);
            }
            Role role = roleFor(bs, "backing");
            Child old = bs.child("backing");
            if (old != null && checkFrozen) {
                requireNotFrozen(old);
            }
            withDrained(List.of(old != null ? old.node() : bs), () -> {
                Change ch = new Change();
                if (old != null) {
                    ch.removeEdge(old);
                }
                if (backing != null) {
                    ch.addEdge(new Child(bs, "backing", role, null), backing);
                }
                ch.checkAndCommit();
                return null;
            });
        }
    }

    /**
     * Inserts a new filter node above {@code below} ({@code bdrv_insert_node}): the filter gets {@code below} as
     * its filtered child and takes over all of {@code below}'s parents.
     *
     * @param name   the filter's node name, or null for an implicit node
     * @param filter the filter driver instance
     * @param below  the node to filter
     * @return the filter node
     */
    public Node insertFilter(String name, BlockDriver filter, Node below) {
        control.lock();
        try {
            requireLive(below);
            if (!filter.isFilter() || filter.filterOrCowChildName() == null) {
                throw new GraphException("Driver '" + filter.name() + "' is not a filter");
            }
            Node f = prepareNode(name, filter, below.isReadOnly());
            return withDrained(List.of(below), () -> {
                Change ch = new Change();
                ch.addNode(f);
                Child edge = new Child(f, filter.filterOrCowChildName(), roleFor(f, filter.filterOrCowChildName()),
                        null);
                ch.addEdge(edge, below);
                retargetParents(ch, below, f, edge);
                ch.checkAndCommit();
                return f;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Removes a filter node ({@code bdrv_drop_filter}): its parents take its filtered child, then it goes.
     *
     * @param filter the filter node to drop
     */
    public void removeFilter(Node filter) {
        control.lock();
        try {
            requireLive(filter);
            if (!filter.driver().isFilter()) {
                throw new GraphException("Node '" + filter.name() + "' is not a filter");
            }
            Child down = requireChild(filter, filter.driver().filterOrCowChildName());
            requireNotFrozen(down);
            for (Child p : filter.parents) {
                if (p.frozen) {
                    throw new GraphException("Cannot change '" + p.name() + "' link to '" + filter.name() + "'");
                }
            }
            Node child = down.node();
            withDrained(List.of(filter, child), () -> {
                Change ch = new Change();
                for (Child p : List.copyOf(filter.parents)) {
                    ch.retarget(p, child);
                }
                for (Child c : filter.children) {
                    ch.removeEdge(c);
                }
                ch.removeNode(filter);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Puts {@code overlay} on top of {@code base} ({@code blockdev-snapshot}, {@code bdrv_append}): base becomes
     * the overlay's backing and every parent of base moves to the overlay.
     *
     * @param overlay the new top, without a backing child yet
     * @param base the node that becomes its backing
     */
    public void appendOverlay(Node overlay, Node base) {
        control.lock();
        try {
            requireLive(overlay);
            requireLive(base);
            for (Child p : overlay.parents) {
                if (p.parent().kind() == ParentKind.BLOCK_BACKEND) {
                    throw new GraphException("The overlay is already in use");
                }
            }
            if (overlay.driver().childRole("backing") == null) {
                throw new GraphException("The overlay does not support backing images");
            }
            if (overlay.child("backing") != null) {
                throw new GraphException("The overlay already has a backing image");
            }
            Role role = roleFor(overlay, "backing");
            withDrained(List.of(base, overlay), () -> {
                Change ch = new Change();
                Child edge = new Child(overlay, "backing", role, null);
                ch.addEdge(edge, base);
                retargetParents(ch, base, overlay, edge);
                ch.checkAndCommit();
                return null;
            });
            if (trace.enabled()) {
                trace.emit(SpecAction.Snapshot, Map.of("overlay", overlay.name(), "node", base.name()), Map.of());
            }
        } finally {
            control.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Parents that are not nodes (BlockBackends, jobs)

    /**
     * Attaches a BlockBackend or job edge ({@code bdrv_root_attach_child}); permissions are the parent's own.
     *
     * @param parent    the parent (kind BLOCK_BACKEND or JOB)
     * @param childName the edge name ({@code root}, {@code main node}, ...)
     * @param role      the edge's role
     * @param node      the child node
     * @param perm      required permissions
     * @param shared    shared permissions
     * @return the edge
     */
    public Child attachParent(Parent parent, String childName, Role role, Node node, int perm, int shared) {
        if (parent.kind() == ParentKind.NODE) {
            throw new IllegalArgumentException("node parents attach with attachChild");
        }
        Permission.check(perm);
        Permission.check(shared);
        control.lock();
        try {
            requireLive(node);
            Change ch = new Change();
            Child edge = new Child(parent, childName, role, null);
            edge.setFixed(perm, shared);
            ch.addEdge(edge, node);
            return withWriteLock(() -> {
                ch.checkAndCommit();
                return edge;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Detaches a BlockBackend or job edge (draining its node first).
     *
     * @param edge a root edge of this graph
     */
    public void detachParent(Child edge) {
        control.lock();
        try {
            if (edge.node() == null || !rootEdges.contains(edge)) {
                throw new IllegalArgumentException("edge is not attached: " + edge);
            }
            withDrained(List.of(edge.node()), () -> {
                Change ch = new Change();
                ch.removeEdge(edge);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Changes the permissions of a BlockBackend or job edge ({@code blk_set_perm}); all or nothing.
     *
     * @param edge a root edge of this graph
     * @param perm the new required permissions ({@link Permission} bits)
     * @param shared the new shared permissions
     */
    public void setParentPermissions(Child edge, int perm, int shared) {
        Permission.check(perm);
        Permission.check(shared);
        control.lock();
        try {
            if (edge.node() == null || !rootEdges.contains(edge)) {
                throw new IllegalArgumentException("edge is not attached: " + edge);
            }
            withWriteLock(() -> {
                Change ch = new Change();
                ch.setFixed(edge, perm, shared);
                ch.checkAndCommit();
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Frozen backing chains (reference §2)

    private static Child filterOrCowChild(Node n) {
        String name = n.driver().filterOrCowChildName();
        return name == null ? null : n.child(name);
    }

    private List<Child> chainLinks(Node bs, Node base) {
        List<Child> links = new ArrayList<>();
        Node i = bs;
        while (i != base) {
            Child c = i == null ? null : filterOrCowChild(i);
            if (c == null) {
                if (base == null) {
                    break;
                }
                throw new GraphException("'" + base.name() + "' is not in the backing chain of '" + bs.name() + "'");
            }
            links.add(c);
            i = c.node();
        }
        return links;
    }

    /**
     * Reopens a node read-only or read-write ({@code bdrv_reopen_set_read_only}, the {@code read-only} option of
     * {@code blockdev-reopen}); permissions are refreshed, and a read-only node with writers is refused with
     * upstream's {@code Read-only block node 'x' cannot support read-write users}.
     *
     * @param n the node to reopen
     * @param readOnly true for read-only, false for read-write
     */
    public void reopenReadOnly(Node n, boolean readOnly) {
        control.lock();
        try {
            requireLive(n);
            if (n.isReadOnly() == readOnly) {
                return;
            }
            withWriteLock(() -> {
                Change ch = new Change();
                if (readOnly) {
                    ch.reopening.add(n);
                }
                // Tentative: only control code reads the flag (permission computation), and it is under the write
                // lock here; a refused change puts it back before anyone else can look.
                n.setReadOnly(readOnly);
                try {
                    ch.checkAndCommit();
                } catch (RuntimeException e) {
                    n.setReadOnly(!readOnly);
                    throw e;
                }
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * One entry of {@link #reopen(List)}: the node, its new read-only flag, and (when {@code changeBacking}) its new
     * backing node, null to detach it.
     *
     * @param node          the node to reopen
     * @param readOnly      the read-only flag it gets
     * @param changeBacking whether the backing link is set to {@code backing}
     * @param backing       the new backing node (null: none); ignored unless {@code changeBacking}
     */
    public record ReopenEntry(Node node, boolean readOnly, boolean changeBacking, Node backing) {
    }

    /**
     * Reopens several nodes as one transaction ({@code bdrv_reopen_multiple}, {@code blockdev-reopen} with a list):
     * every entry's read-only flag and backing link are checked together on the proposed graph and then applied
     * all at once, or, if any entry is refused, none is and nothing changes (counters included). As upstream's
     * {@code qmp_blockdev_reopen}, every entry's node (and each old backing node being replaced) is drained first
     * and the checks (frozen links, roles, cycles, permissions) run inside the drained section.
     *
     * @param entries the nodes to reopen, each with its new options
     * @throws GraphException if any entry is refused; nothing changes then
     */
    public void reopen(List<ReopenEntry> entries) {
        control.lock();
        try {
            // As qmp_blockdev_reopen: every entry's node is drained (so its parents, jobs included, quiesce), and
            // the old backing nodes with them; the checks run inside the drained section.
            List<Node> toDrain = new ArrayList<>();
            Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (ReopenEntry e : entries) {
                requireLive(e.node());
                if (!seen.add(e.node())) {
                    throw new GraphException("Node '" + e.node().name() + "' is reopened twice");
                }
                if (e.changeBacking() && e.backing() != null) {
                    requireLive(e.backing());
                }
                toDrain.add(e.node());
                Child old = e.node().child("backing");
                if (e.changeBacking() && old != null && old.node() != e.backing()) {
                    toDrain.add(old.node());
                }
            }
            withDrained(toDrain, () -> {
                Change ch = new Change();
                List<Node> flipped = new ArrayList<>();
                try {
                    for (ReopenEntry e : entries) {
                        Node n = e.node();
                        if (n.isReadOnly() != e.readOnly()) {
                            if (e.readOnly()) {
                                ch.reopening.add(n);
                            }
                            // Tentative, as in reopenReadOnly: only control code under the write lock reads it.
                            n.setReadOnly(e.readOnly());
                            flipped.add(n);
                        }
                        if (e.changeBacking()) {
                            Child old = n.child("backing");
                            if ((old == null ? null : old.node()) == e.backing()) {
                                continue;
                            }
                            Role role = roleFor(n, "backing");
                            if (old != null) {
                                if (!bugs.reopenIgnoresFrozen) {
                                    requireNotFrozen(old);
                                }
                                ch.removeEdge(old);
                            }
                            if (e.backing() != null) {
                                ch.addEdge(new Child(n, "backing", role, null), e.backing());
                            }
                        }
                    }
                    ch.check();
                } catch (RuntimeException ex) {
                    for (Node n : flipped) {
                        n.setReadOnly(!n.isReadOnly());
                    }
                    throw ex;
                }
                ch.commit();
                ch.collectImplicitOrphans();
                if (trace.enabled()) {
                    for (ReopenEntry e : entries) {
                        if (e.changeBacking()) {
                            trace.emit(SpecAction.ReopenBacking, Map.of("node", e.node().name(),
                                    "newBacking", e.backing() == null ? "" : e.backing().name()), Map.of());
                        }
                    }
                }
                return null;
            });
        } finally {
            control.unlock();
        }
    }

    /**
     * Whether any link from {@code bs} down to (excluding) {@code base} is frozen; the error names the first.
     *
     * @param bs the top of the range
     * @param base the node below the range (excluded), or null for the whole chain
     */
    public void checkBackingChainNotFrozen(Node bs, Node base) {
        control.lock();
        try {
            for (Child c : chainLinks(bs, base)) {
                if (c.frozen) {
                    throw new GraphException("Cannot change '" + c.name() + "' link from '" + c.parentNode().name()
                            + "' to '" + c.node().name() + "'");
                }
            }
        } finally {
            control.unlock();
        }
    }

    /**
     * Freezes every link from {@code bs} down to (excluding) {@code base}; exclusive, all or nothing.
     *
     * @param bs the top of the range
     * @param base the node below the range (excluded), or null for the whole chain
     */
    public void freezeBackingChain(Node bs, Node base) {
        control.lock();
        try {
            requireLive(bs);
            checkBackingChainNotFrozen(bs, base);
            List<Child> links = chainLinks(bs, base);
            for (Child c : links) {
                if (c.node().driver().neverFreeze()) {
                    throw new GraphException("Cannot freeze '" + c.name() + "' link to '" + c.node().name() + "'");
                }
            }
            for (Child c : links) {
                c.frozen = true;
            }
        } finally {
            control.unlock();
        }
    }

    /**
     * Unfreezes every link from {@code bs} down to (excluding) {@code base}; each must be frozen.
     *
     * @param bs the top of the range
     * @param base the node below the range (excluded), or null for the whole chain
     */
    public void unfreezeBackingChain(Node bs, Node base) {
        control.lock();
        try {
            List<Child> links = chainLinks(bs, base);
            for (Child c : links) {
                if (!c.frozen) {
                    throw new IllegalStateException("link is not frozen: " + c);
                }
            }
            for (Child c : links) {
                c.frozen = false;
            }
        } finally {
            control.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Drain

    /**
     * Begins a drained section on {@code bs} ({@code bdrv_drained_begin}) and blocks until the node has no
     * request in flight and none of its (transitive) parents reports activity.
     *
     * @param bs the node to drain
     */
    public void drainedBegin(Node bs) {
        control.lock();
        try {
            requireLive(bs);
            noPollUnderWriteLock();
            beginDirect(bs);
        } finally {
            control.unlock();
        }
    }

    private void beginDirect(Node bs) {
        boolean tr = trace.enabled();
        if (tr) {
            trace.order().lock(); // the quiesce and its event: one step for the I/O threads' checks (diary 3)
        }
        try {
            bs.directDrains++;
            drainedBeginQuiesce(bs, null);
            if (tr) {
                trace.emit(SpecAction.DrainedBegin, Map.of("node", bs.name()), qcProjection());
            }
        } finally {
            if (tr) {
                trace.order().unlock();
            }
        }
        pollUntilQuiet(() -> drainPoll(bs, null, false), tr, SpecAction.DrainPollDone, Map.of("node", bs.name()));
    }

    /**
     * Waits while {@code busy}; traced, the last check and the {@code done} event are one step under the trace's
     * order lock, so no I/O event (a {@code BlkSubmit}, say) can fall between the check that found everything
     * quiet and the event that says so.
     */
    private void pollUntilQuiet(BooleanSupplier busy, boolean tr, SpecAction done, Map<String, Object> args) {
        if (!tr) {
            wait.waitWhile(busy, null);
            return;
        }
        Lock order = trace.order();
        while (true) {
            wait.waitWhile(busy, null);
            order.lock();
            try {
                if (!busy.getAsBoolean()) {
                    trace.emit(done, args, qcProjection());
                    return;
                }
            } finally {
                order.unlock();
            }
        }
    }

    /**
     * Ends a drained section begun with {@link #drainedBegin}; never polls.
     *
     * @param bs the node whose section ends
     */
    public void drainedEnd(Node bs) {
        control.lock();
        try {
            if (bs.directDrains == 0) {
                throw new IllegalStateException("node '" + bs.name() + "' has no drained section to end");
            }
            endDirect(bs);
        } finally {
            control.unlock();
        }
    }

    private void endDirect(Node bs) {
        boolean tr = trace.enabled();
        if (tr) {
            trace.order().lock();
        }
        try {
            bs.directDrains--;
            drainedEndInternal(bs, null);
            if (tr) {
                trace.emit(SpecAction.DrainedEnd, Map.of("node", bs.name()), qcProjection());
            }
        } finally {
            if (tr) {
                trace.order().unlock();
            }
        }
    }

    /** Begins drain_all: quiesces every node, then waits until none has requests or busy non-node parents. */
    public void drainAllBegin() {
        control.lock();
        try {
            noPollUnderWriteLock();
            boolean tr = trace.enabled();
            if (tr) {
                trace.order().lock();
            }
            try {
                drainAllCount++;
                for (Node n : nodes) {
                    drainedBeginQuiesce(n, null);
                }
                if (tr) {
                    trace.emit(SpecAction.DrainAllBegin, Map.of(), qcProjection());
                }
            } finally {
                if (tr) {
                    trace.order().unlock();
                }
            }
            pollUntilQuiet(() -> {
                for (Node n : nodes) {
                    if (drainPoll(n, null, true)) {
                        return true;
                    }
                }
                return false;
            }, tr, SpecAction.DrainAllPollDone, Map.of());
        } finally {
            control.unlock();
        }
    }

    /** Ends drain_all. */
    public void drainAllEnd() {
        control.lock();
        try {
            if (drainAllCount == 0) {
                throw new IllegalStateException("no drain_all section to end");
            }
            boolean tr = trace.enabled();
            if (tr) {
                trace.order().lock();
            }
            try {
                for (Node n : nodes) {
                    drainedEndInternal(n, null);
                }
                drainAllCount--;
                if (tr) {
                    trace.emit(SpecAction.DrainAllEnd, Map.of(), qcProjection());
                }
            } finally {
                if (tr) {
                    trace.order().unlock();
                }
            }
        } finally {
            control.unlock();
        }
    }

    private void noPollUnderWriteLock() {
        if (graphLock.isWriteLockedByCurrentThread()) {
            throw new IllegalStateException("draining under the graph write lock would poll under it");
        }
    }

    /** {@code bdrv_do_drained_begin_quiesce}: counts, and on 0→1 quiesces the parents and tells the driver. */
    void drainedBeginQuiesce(Node bs, Child ignore) {
        control.assertHeld();
        if (bs.quiesceCounter.getAndIncrement() == 0) {
            for (Child c : bs.parents) {
                if (c != ignore) {
                    parentDrainedBeginSingle(c);
                }
            }
            bs.driver().drainBegin(bs);
        }
    }

    /** {@code bdrv_do_drained_end}: on 1→0 tells the driver first, then un-quiesces the parents. */
    void drainedEndInternal(Node bs, Child ignore) {
        control.assertHeld();
        int left = bs.quiesceCounter.decrementAndGet();
        if (left < 0) {
            bs.quiesceCounter.incrementAndGet();
            throw new IllegalStateException("quiesce counter of '" + bs.name() + "' would go negative");
        }
        if (left == 0) {
            bs.driver().drainEnd(bs);
            for (Child c : bs.parents) {
                if (c != ignore) {
                    parentDrainedEndSingle(c);
                }
            }
        }
    }

    /** {@code bdrv_drain_poll}: a parent other than {@code ignore} is busy, or the node has requests. */
    boolean drainPoll(Node bs, Child ignore, boolean ignoreNodeParents) {
        for (Child c : bs.parents) {
            if (c == ignore || (ignoreNodeParents && c.parent().kind() == ParentKind.NODE)) {
                continue;
            }
            if (c.parent().drainedPoll(c)) {
                return true;
            }
        }
        return bs.inFlight.get() > 0;
    }

    private void parentDrainedBeginSingle(Child c) {
        if (c.quiescedParent) {
            throw new IllegalStateException("parent already quiesced through " + c);
        }
        c.quiescedParent = true;
        c.parent().drainedBegin(c);
    }

    private void parentDrainedEndSingle(Child c) {
        if (!c.quiescedParent) {
            throw new IllegalStateException("parent not quiesced through " + c);
        }
        c.quiescedParent = false;
        c.parent().drainedEnd(c);
    }

    private Map<String, Object> qcProjection() {
        Map<String, Object> qc = new TreeMap<>();
        for (Node n : nodes) {
            qc.put(n.name(), n.quiesceCounter());
        }
        return Map.of("qc", qc);
    }

    // ------------------------------------------------------------------------------------------------------
    // Change machinery

    /**
     * Runs {@code body} under the graph write lock, as upstream's {@code bdrv_graph_wrlock}: the writer first
     * quiesces every node without polling ({@code bdrv_drain_all_begin_nopoll}, spec {@code GraphWrlockBegin}) so
     * that new requests park in their BlockBackends instead of starving it, then waits for the readers
     * ({@code GraphWrlock}); unlocking ends that quiesce ({@code GraphWrunlock}).
     */
    private <T> T withWriteLock(Supplier<T> body) {
        noPollUnderWriteLock();
        // Traced, the trace's order lock is held over each of the writer's quiesce changes and its event, and
        // from GraphWrlock to GraphWrunlock (the body's graph changes, the unlock and the un-quiesce), never over
        // the wait for readers: an I/O thread's drain check then sees either all of a step or none of it.
        boolean tr = trace.enabled();
        Lock order = trace.order();
        if (tr) {
            order.lock();
        }
        try {
            drainAllCount++;
            for (Node n : nodes) {
                drainedBeginQuiesce(n, null);
            }
            if (tr) {
                trace.emit(SpecAction.GraphWrlockBegin, Map.of(), qcProjection());
            }
        } finally {
            if (tr) {
                order.unlock();
            }
        }
        boolean ordered = false;
        try {
            graphLock.wrlock();
            if (tr) {
                order.lock();
                ordered = true;
                trace.emit(SpecAction.GraphWrlock, Map.of(), qcProjection());
            }
            try {
                return body.get();
            } finally {
                graphLock.wrunlock();
            }
        } finally {
            if (tr && !ordered) {
                order.lock();
                ordered = true;
            }
            try {
                for (Node n : nodes) {
                    drainedEndInternal(n, null);
                }
                drainAllCount--;
                if (tr) {
                    trace.emit(SpecAction.GraphWrunlock, Map.of(), qcProjection());
                }
            } finally {
                if (ordered) {
                    order.unlock();
                }
            }
        }
    }

    /** Drains the nodes (blocking), runs {@code body} under the write lock, then ends the drains. */
    private <T> T withDrained(List<Node> toDrain, Supplier<T> body) {
        noPollUnderWriteLock();
        List<Node> drained = new ArrayList<>();
        try {
            for (Node n : toDrain) {
                if (n != null && !drained.contains(n)) {
                    beginDirect(n);
                    drained.add(n);
                }
            }
            return withWriteLock(body);
        } finally {
            for (int i = drained.size() - 1; i >= 0; i--) {
                Node n = drained.get(i);
                if (!n.isRemoved()) {
                    endDirect(n);
                }
            }
        }
    }

    /** The proposed structure of a change: parents and children lists after the change's operations. */
    private final class View {
        final Map<Node, List<Child>> parentsOf = new IdentityHashMap<>();
        final Map<Node, List<Child>> childrenOf = new IdentityHashMap<>();
        final Map<Child, Node> target = new IdentityHashMap<>();
        final List<Node> nodeOrder = new ArrayList<>();
        final Set<Node> removed = Collections.newSetFromMap(new IdentityHashMap<>());
        final List<Child> roots = new ArrayList<>();
        final Map<Child, PermPair> fixed = new IdentityHashMap<>();

        View() {
            for (Node n : nodes) {
                nodeOrder.add(n);
                parentsOf.put(n, new ArrayList<>(n.parents));
                childrenOf.put(n, new ArrayList<>(n.children));
                for (Child c : n.children) {
                    target.put(c, c.node());
                }
            }
            for (Child c : rootEdges) {
                roots.add(c);
                target.put(c, c.node());
                fixed.put(c, new PermPair(c.fixedPerm(), c.fixedShared()));
            }
        }

        List<Child> parentsOf(Node n) {
            return List.copyOf(parentsOf.getOrDefault(n, List.of()));
        }

        /** Whether {@code to} is reachable from {@code from} along child edges (or equal). */
        boolean reaches(Node from, Node to) {
            ArrayDeque<Node> work = new ArrayDeque<>();
            Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            work.add(from);
            while (!work.isEmpty()) {
                Node n = work.poll();
                if (n == to) {
                    return true;
                }
                if (seen.add(n)) {
                    for (Child c : childrenOf.getOrDefault(n, List.of())) {
                        work.add(target.get(c));
                    }
                }
            }
            return false;
        }
    }

    private enum OpKind { ADD_NODE, REMOVE_NODE, ADD_EDGE, REMOVE_EDGE, RETARGET, SET_FIXED }

    private record Op(OpKind kind, Node node, Child edge, Node target) {
    }

    /** One transactional graph change: operations recorded on a {@link View}, checked, then committed. */
    private final class Change {
        private final View view = new View();
        private final List<Op> ops = new ArrayList<>();
        private Map<Child, PermPair> perms;
        private Map<Node, PermPair> cumulative;
        /** Nodes this change makes read-only (for upstream's reopen error text). */
        private final Set<Node> reopening = Collections.newSetFromMap(new IdentityHashMap<>());

        View view() {
            return view;
        }

        void addNode(Node n) {
            ops.add(new Op(OpKind.ADD_NODE, n, null, null));
            view.nodeOrder.add(n);
            view.parentsOf.put(n, new ArrayList<>());
            view.childrenOf.put(n, new ArrayList<>());
        }

        void removeNode(Node n) {
            if (!view.parentsOf.get(n).isEmpty() || !view.childrenOf.get(n).isEmpty()) {
                throw new IllegalStateException("node still linked: " + n);
            }
            ops.add(new Op(OpKind.REMOVE_NODE, n, null, null));
            view.removed.add(n);
            view.nodeOrder.remove(n);
        }

        void addEdge(Child edge, Node target) {
            ops.add(new Op(OpKind.ADD_EDGE, null, edge, target));
            view.target.put(edge, target);
            view.parentsOf.get(target).add(0, edge);
            if (edge.parentNode() != null) {
                view.childrenOf.get(edge.parentNode()).add(edge);
            } else {
                view.roots.add(edge);
                view.fixed.put(edge, new PermPair(edge.fixedPerm(), edge.fixedShared()));
            }
        }

        void removeEdge(Child edge) {
            ops.add(new Op(OpKind.REMOVE_EDGE, null, edge, null));
            Node old = view.target.remove(edge);
            view.parentsOf.get(old).remove(edge);
            if (edge.parentNode() != null) {
                view.childrenOf.get(edge.parentNode()).remove(edge);
            } else {
                view.roots.remove(edge);
                view.fixed.remove(edge);
            }
        }

        void retarget(Child edge, Node target) {
            ops.add(new Op(OpKind.RETARGET, null, edge, target));
            Node old = view.target.put(edge, target);
            view.parentsOf.get(old).remove(edge);
            view.parentsOf.get(target).add(0, edge);
        }

        void setFixed(Child edge, int perm, int shared) {
            ops.add(new Op(OpKind.SET_FIXED, null, edge, null));
            view.fixed.put(edge, new PermPair(perm, shared));
        }

        void checkAndCommit() {
            check();
            commit();
            collectImplicitOrphans();
        }

        /** All checks on the proposed structure; throws before anything is changed. */
        void check() {
            for (Op op : ops) {
                if ((op.kind == OpKind.ADD_EDGE || op.kind == OpKind.RETARGET) && op.edge.parentNode() != null) {
                    Node parent = op.edge.parentNode();
                    if (view.reaches(op.target, parent)) {
                        throw new GraphException("Making '" + op.target.name() + "' a " + op.edge.name()
                                + " child of '" + parent.name() + "' would create a cycle");
                    }
                }
            }
            computePermissions();
        }

        /** {@code bdrv_refresh_perms} over the whole proposed graph, parents before children. */
        private void computePermissions() {
            perms = new IdentityHashMap<>();
            cumulative = new IdentityHashMap<>();
            for (Node n : topologicalOrder()) {
                List<Child> ps = view.parentsOf.get(n);
                List<PermPair> pp = new ArrayList<>(ps.size());
                for (Child c : ps) {
                    PermPair p;
                    if (c.parentNode() != null) {
                        PermPair cum = cumulative.get(c.parentNode());
                        p = c.parentNode().driver().childPerm(c.parentNode(), c.role(), cum.perm(), cum.shared());
                    } else {
                        p = view.fixed.get(c);
                    }
                    perms.put(c, p);
                    pp.add(p);
                }
                for (int a = 0; a < ps.size(); a++) {
                    for (int b = 0; b < ps.size(); b++) {
                        if (a == b) {
                            continue;
                        }
                        int bPerm = pp.get(b).perm();
                        int aShared = pp.get(a).shared();
                        if ((bPerm & aShared) != bPerm) {
                            Child ca = ps.get(a);
                            Child cb = ps.get(b);
                            throw new GraphException("Permission conflict on node '" + n.name() + "': permissions '"
                                    + Permission.describe(bPerm & ~aShared) + "' are both required by "
                                    + cb.parent().describe() + " (uses node '" + n.name() + "' as '" + cb.name()
                                    + "' child) and unshared by " + ca.parent().describe() + " (uses node '"
                                    + n.name() + "' as '" + ca.name() + "' child).");
                        }
                    }
                }
                int perm = 0;
                int shared = Permission.ALL;
                for (PermPair p : pp) {
                    perm |= p.perm();
                    shared &= p.shared();
                }
                if ((perm & (Permission.WRITE.bit() | Permission.WRITE_UNCHANGED.bit())) != 0 && n.isReadOnly()) {
                    if (reopening.contains(n)) {
                        throw new GraphException("Read-only block node '" + n.name()
                                + "' cannot support read-write users");
                    }
                    throw new GraphException("Block node is read-only");
                }
                // Unaligned requests are widened to the request alignment; without resize they could not reach
                // past the end of an image whose size is not a multiple of it.
                if ((perm & (Permission.WRITE.bit() | Permission.WRITE_UNCHANGED.bit())) != 0
                        && (perm & Permission.RESIZE.bit()) == 0) {
                    long align = viewAlignment(n);
                    if (align > 1 && viewLength(n) % align != 0) {
                        throw new GraphException("Cannot get 'write' permission without 'resize': "
                                + "Image size is not a multiple of request alignment");
                    }
                }
                cumulative.put(n, new PermPair(perm, shared));
            }
        }

        /** The filtered child of a filter node in the proposed graph, or null. */
        private Node viewFiltered(Node n) {
            String name = n.driver().filterOrCowChildName();
            if (!n.driver().isFilter() || name == null) {
                return null;
            }
            for (Child c : view.childrenOf.get(n)) {
                if (c.name().equals(name)) {
                    return view.target.get(c);
                }
            }
            return null;
        }

        /**
         * A node's request alignment in the proposed graph: a filter's own (what its driver reports, e.g.
         * blkdebug's {@code align}) or its proposed child's, whichever is larger; so a filter added or rewired by
         * this change is judged by the child it will have.
         */
        private long viewAlignment(Node n) {
            long own = n.requestAlignment();
            Node below = viewFiltered(n);
            return below == null ? own : Math.max(own, viewAlignment(below));
        }

        /** A node's length in the proposed graph (a filter has its proposed child's). */
        private long viewLength(Node n) {
            if (n.driver().isFilter()) {
                Node below = viewFiltered(n);
                return below == null ? 0 : viewLength(below);
            }
            return n.length();
        }

        private List<Node> topologicalOrder() {
            Map<Node, Integer> pending = new IdentityHashMap<>();
            ArrayDeque<Node> ready = new ArrayDeque<>();
            for (Node n : view.nodeOrder) {
                int k = 0;
                for (Child c : view.parentsOf.get(n)) {
                    if (c.parentNode() != null) {
                        k++;
                    }
                }
                pending.put(n, k);
                if (k == 0) {
                    ready.add(n);
                }
            }
            List<Node> order = new ArrayList<>();
            while (!ready.isEmpty()) {
                Node n = ready.poll();
                order.add(n);
                for (Child c : view.childrenOf.get(n)) {
                    Node t = view.target.get(c);
                    if (pending.merge(t, -1, Integer::sum) == 0) {
                        ready.add(t);
                    }
                }
            }
            if (order.size() != view.nodeOrder.size()) {
                throw new IllegalStateException("graph has a cycle that the cycle check missed");
            }
            return order;
        }

        /** Applies the operations in order with upstream's drain bookkeeping, then the new permissions. */
        void commit() {
            if (!graphLock.isWriteLockedByCurrentThread()) {
                throw new IllegalStateException("graph changes need the write lock");
            }
            for (Op op : ops) {
                switch (op.kind) {
                    case ADD_NODE -> commitAddNode(op.node);
                    case REMOVE_NODE -> commitRemoveNode(op.node);
                    case ADD_EDGE -> commitAddEdge(op.edge, op.target);
                    case REMOVE_EDGE -> commitRemoveEdge(op.edge);
                    case RETARGET -> commitRetarget(op.edge, op.target);
                    case SET_FIXED -> {
                        PermPair p = view.fixed.get(op.edge);
                        op.edge.setFixed(p.perm(), p.shared());
                    }
                    default -> throw new IllegalStateException(op.kind.toString());
                }
            }
            for (Map.Entry<Child, PermPair> e : perms.entrySet()) {
                e.getKey().setPerms(e.getValue().perm(), e.getValue().shared());
            }
            for (Map.Entry<Node, PermPair> e : cumulative.entrySet()) {
                e.getKey().cumulativePerm = e.getValue().perm();
                e.getKey().cumulativeShared = e.getValue().shared();
            }
        }

        /** Nodes created without a name go away when they lose their last parent ({@code bdrv_unref}). */
        private void collectImplicitOrphans() {
            while (!lostParent.isEmpty()) {
                Node orphan = lostParent.remove(0);
                if (!orphan.isImplicit() || orphan.isRemoved() || !orphan.parents.isEmpty()) {
                    continue;
                }
                Change ch = new Change();
                for (Child c : orphan.children) {
                    ch.removeEdge(c);
                }
                ch.removeNode(orphan);
                ch.check();
                ch.commit();
            }
        }
    }

    private void commitAddNode(Node n) {
        n.driver().bind(n);
        n.quiesceCounter.set(drainAllCount);
        nodes.add(n);
        byName.put(n.name(), n);
        if (drainAllCount > 0) {
            // bdrv_open_driver replays the driver's drain_begin for a node opened inside drained sections.
            n.driver().drainBegin(n);
        }
    }

    private void commitRemoveNode(Node n) {
        // bdrv_close + bdrv_drain_all_end_quiesce: leave every section still counted on the node.
        n.directDrains = 0;
        while (n.quiesceCounter.get() > 0) {
            drainedEndInternal(n, null);
        }
        nodes.remove(n);
        byName.remove(n.name(), n);
        n.removed = true;
        if (trace.enabled()) {
            trace.emit(SpecAction.RemoveNode, Map.of("node", n.name()), qcProjection());
        }
    }

    /** {@code bdrv_attach_child_common}: the new edge starts with its parent quiesced; links; un-quiesces it
     * unless the child is drained. */
    private void commitAddEdge(Child edge, Node target) {
        parentDrainedBeginSingle(edge);
        edge.setNode(target);
        target.parents.add(0, edge);
        if (edge.parentNode() != null) {
            edge.parentNode().children.add(edge);
        } else {
            rootEdges.add(edge);
        }
        if (target.quiesceCounter.get() == 0) {
            parentDrainedEndSingle(edge);
        }
        if (trace.enabled()) {
            trace.emit(SpecAction.AttachChild, Map.of("parent", edge.parent().describe(), "child", target.name(),
                    "role", edge.name()), qcProjection());
        }
    }

    /** {@code bdrv_replace_child_noperm(child, NULL)} and freeing the edge. */
    private void commitRemoveEdge(Child edge) {
        Node old = edge.node();
        old.parents.remove(edge);
        lostParent.add(old);
        if (edge.parentNode() != null) {
            edge.parentNode().children.remove(edge);
        } else {
            rootEdges.remove(edge);
        }
        edge.setNode(null);
        if (edge.quiescedParent) {
            parentDrainedEndSingle(edge);
        }
        if (trace.enabled()) {
            trace.emit(SpecAction.DetachChild, Map.of("parent", edge.parent().describe(), "role", edge.name(),
                    "child", old.name()), qcProjection());
        }
    }

    /** {@code bdrv_replace_child_noperm(child, new)}: the parent must be quiesced through the edge. */
    private void commitRetarget(Child edge, Node target) {
        if (!edge.quiescedParent) {
            // Upstream asserts this: the writer quiesced every node, so the old child is drained and the parent is
            // quiesced through the edge (spec GraphChangeLockedProp). Checked before anything of the edge changes.
            throw new IllegalStateException("replacing the child of an edge whose parent is not quiesced: " + edge);
        }
        Node old = edge.node();
        old.parents.remove(edge);
        lostParent.add(old);
        edge.setNode(target);
        target.parents.add(0, edge);
        if (target.quiesceCounter.get() == 0 && edge.quiescedParent) {
            parentDrainedEndSingle(edge);
        }
        if (trace.enabled()) {
            trace.emit(SpecAction.ReplaceChild, Map.of("parent", edge.parent().describe(), "role", edge.name(),
                    "newChild", target.name(), "oldChild", old.name()), qcProjection());
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Backing-file strings

    /**
     * The file name images are known by (upstream's {@code bs->filename}): a format node is named by its
     * {@code file} child's (filters skipped), a protocol or filter node by its own node name.
     *
     * @param n the node
     * @return its file name
     */
    public static String imageFilename(Node n) {
        Child file = n.child("file");
        if (file != null && file.node() != null && !n.driver().isFilter()) {
            Node proto = file.node();
            while (proto.driver().isFilter() && proto.driver().filterOrCowChildName() != null
                    && proto.child(proto.driver().filterOrCowChildName()) != null) {
                proto = proto.child(proto.driver().filterOrCowChildName()).node();
            }
            return proto.name();
        }
        return n.name();
    }

    /**
     * {@code bdrv_change_backing_file}: rewrites the backing-file string (and format) in {@code n}'s image
     * header; {@code file == null} clears it. Only format nodes with a backing link have a header to rewrite.
     *
     * @param n      the format node whose header is rewritten
     * @param file   the new backing-file string, or null to clear it
     * @param format the new backing format, or null
     * @throws GraphException {@code Driver '<name>' does not support backing files} for other drivers (nothing
     *                        changes)
     */
    public void changeBackingFile(Node n, String file, String format) {
        control.lock();
        try {
            requireLive(n);
            if (!"backing".equals(n.driver().filterOrCowChildName()) || n.driver().isFilter()) {
                throw new GraphException("Driver '" + n.driver().name() + "' does not support backing files");
            }
            n.setBackingFile(file, format);
        } finally {
            control.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // State snapshot

    /**
     * A full snapshot of structure, permissions and counters; equal before and after any refused change.
     *
     * @return the snapshot
     */
    public GraphState state() {
        control.lock();
        try {
            List<GraphState.NodeState> ns = new ArrayList<>();
            for (Node n : nodes) {
                List<GraphState.EdgeState> cs = new ArrayList<>();
                for (Child c : n.children) {
                    cs.add(edgeState(c));
                }
                List<String> ps = new ArrayList<>();
                for (Child p : n.parents) {
                    ps.add(p.parent().describe() + "/" + p.name());
                }
                ns.add(new GraphState.NodeState(n.name(), n.driver().name(), n.driver().describeOptions(),
                        n.isReadOnly(), n.isImplicit(), n.quiesceCounter(), n.inFlight(), n.directDrains,
                        n.cumulativePerm, n.cumulativeShared, List.copyOf(cs), List.copyOf(ps), n.backingFile()));
            }
            List<GraphState.EdgeState> rs = new ArrayList<>();
            for (Child c : rootEdges) {
                rs.add(edgeState(c));
            }
            List<String> devs = new ArrayList<>(devices.keySet());
            Collections.sort(devs);
            return new GraphState(drainAllCount, List.copyOf(ns), List.copyOf(rs), List.copyOf(devs));
        } finally {
            control.unlock();
        }
    }

    private static GraphState.EdgeState edgeState(Child c) {
        Node n = c.node();
        return new GraphState.EdgeState(c.parent().describe(), c.parent().drainState(), c.name(), c.role().bits(),
                n == null ? null : n.name(), c.perm(), c.shared(), c.quiescedParent, c.frozen);
    }

    /**
     * A human-readable listing of the graph (names, edges, counters), for diagnostics.
     *
     * @return the listing, one line per node and edge
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        GraphState s = state();
        for (GraphState.NodeState n : s.nodes()) {
            b.append(n.name()).append(" [").append(n.driver()).append("] qc=").append(n.quiesceCounter())
                    .append(" inFlight=").append(n.inFlight()).append('\n');
            for (GraphState.EdgeState e : n.children()) {
                b.append("  -").append(e.name()).append("-> ").append(e.child()).append(" perm=")
                        .append(Permission.describe(e.perm())).append(" shared=")
                        .append(Permission.describe(e.shared())).append('\n');
            }
        }
        for (GraphState.EdgeState e : s.rootEdges()) {
            b.append(e.parent()).append(" -").append(e.name()).append("-> ").append(e.child()).append(' ')
                    .append(e.parentState()).append('\n');
        }
        return b.toString();
    }
}
