package org.blockgraph.graph;

import java.util.List;

/**
 * The driver SPI: what a node does with requests. One driver instance belongs to exactly one node (it holds that
 * node's state: its bytes, its allocation map, its rules), bound when the node is created.
 *
 * <p>Request methods run on I/O threads, concurrently, with the graph read lock held and the node's in-flight
 * counter raised; a driver reaches its children only through {@link Node#child(String)} and the {@link Child} I/O
 * methods. Offsets and lengths are bytes; ranges were checked against the BlockBackend's length.
 */
public abstract class BlockDriver {
    private volatile Node node;

    /**
     * The driver's name as QMP spells it ({@code memory}, {@code cow}, {@code throttle}, ...).
     *
     * @return the driver name
     */
    public abstract String name();

    /**
     * The node this driver serves; null before it is bound.
     *
     * @return the bound node, or null
     */
    public final Node node() {
        return node;
    }

    final void bind(Node n) {
        if (node != null) {
            throw new IllegalArgumentException("driver instance already serves node '" + node.name() + "'");
        }
        node = n;
    }

    /**
     * Whether this driver is a filter (its one filtered child holds the data it shows).
     *
     * @return true for filter drivers
     */
    public boolean isFilter() {
        return false;
    }

    /**
     * The child names this driver accepts and the role each gets; empty for protocol drivers.
     *
     * @return the accepted child names
     */
    public abstract List<String> childNames();

    /**
     * The role of a child, or null if the driver has no child by that name.
     *
     * @param childName the name of the child edge
     * @return the role it gets, or null if the name is not accepted
     */
    public abstract Role childRole(String childName);

    /**
     * The children that must be present when the node is created.
     *
     * @return the names of the required children; empty by default
     */
    public List<String> requiredChildren() {
        return List.of();
    }

    /**
     * The link followed by backing-chain walks: a format node's {@code backing}, or a filter's filtered child.
     *
     * @return the name of that child, or null if chains end at this driver
     */
    public String filterOrCowChildName() {
        return null;
    }

    /**
     * Whether upstream would refuse to freeze a link pointing at a node with this driver ({@code never_freeze}).
     *
     * @return true if links to this driver's nodes can never be frozen
     */
    public boolean neverFreeze() {
        return false;
    }

    /**
     * The node's size in bytes.
     *
     * @param bs the node this driver serves
     * @return the size in bytes
     */
    public abstract long length(Node bs);

    /**
     * Reads {@code len} bytes at {@code offset} into {@code buf[off..]}.
     *
     * @param bs the node this driver serves
     * @param offset the first byte to read
     * @param buf the destination
     * @param off where in {@code buf} the data goes
     * @param len the number of bytes
     * @param flags request flags ({@link IoFlags})
     */
    public abstract void read(Node bs, long offset, byte[] buf, int off, int len, int flags);

    /**
     * Writes {@code len} bytes at {@code offset} from {@code buf[off..]}.
     *
     * @param bs the node this driver serves
     * @param offset the first byte to write
     * @param buf the source
     * @param off where in {@code buf} the data starts
     * @param len the number of bytes
     * @param flags request flags ({@link IoFlags})
     */
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        throw new BlockIoException(BlockIoException.ENOTSUP, "Driver '" + name() + "' does not support writes");
    }

    /**
     * Makes a range read as zeroes; the default writes zero buffers.
     *
     * @param bs the node this driver serves
     * @param offset the first byte of the range
     * @param len the length of the range in bytes
     * @param flags request flags ({@link IoFlags})
     */
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        byte[] zeroes = new byte[(int) Math.min(len, 1 << 16)];
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(zeroes.length, len - done);
            write(bs, offset + done, zeroes, 0, n, flags);
            done += n;
        }
    }

    /**
     * Drops a range; advisory, so the default does nothing.
     *
     * @param bs the node this driver serves
     * @param offset the first byte of the range
     * @param len the length of the range in bytes
     */
    public void discard(Node bs, long offset, long len) {
    }

    /**
     * Resizes the node to {@code length} bytes ({@code bdrv_co_truncate}). The default passes the request to the
     * filtered child of a filter, and otherwise refuses as upstream does for drivers without
     * {@code bdrv_co_truncate}.
     *
     * @param bs     the node
     * @param length the new size in bytes
     * @throws BlockIoException {@code ENOTSUP "Image format driver does not support resize"}
     */
    public void truncate(Node bs, long length) {
        String filtered = filterOrCowChildName();
        if (isFilter() && filtered != null && bs.child(filtered) != null) {
            bs.child(filtered).truncate(length);
            return;
        }
        throw new BlockIoException(BlockIoException.ENOTSUP, "Image format driver does not support resize");
    }

    /**
     * Makes completed writes stable; the default flushes every child.
     *
     * @param bs the node this driver serves
     */
    public void flush(Node bs) {
        for (Child c : bs.children()) {
            c.flush();
        }
    }

    /**
     * The node's request alignment ({@code bs->bl.request_alignment}), a power of two: requests on the node are
     * widened to it (unaligned writes by read-modify-write under a serialising request), and a parent may take
     * {@code write} without {@code resize} only if the node's size is a multiple of it. The default is 1, or for a
     * filter the alignment of its filtered child (upstream merges a filter's limits from its child).
     *
     * @param bs the node this driver serves
     * @return the request alignment in bytes
     */
    public long requestAlignment(Node bs) {
        String filtered = filterOrCowChildName();
        if (isFilter() && filtered != null) {
            Child c = bs.child(filtered);
            Node n = c == null ? null : c.node();
            return n == null ? 1 : n.requestAlignment();
        }
        return 1;
    }

    /**
     * The alignment copy-on-read widens its serialising requests to; 1 if the driver has none.
     *
     * @param bs the node this driver serves
     * @return the cluster size in bytes, or 1
     */
    public long clusterSize(Node bs) {
        return 1;
    }

    /**
     * Whether the cluster at {@code offset} is allocated in this node's own layer (not in its backing).
     *
     * @param bs the node this driver serves
     * @param offset any byte of the cluster
     * @return true if this layer holds the cluster; true by default (a driver without layers holds everything)
     */
    public boolean isAllocated(Node bs, long offset) {
        return true;
    }

    /**
     * A debug event fired on this node by its parent format driver (blkdebug reacts; others ignore it).
     *
     * @param bs the node this driver serves
     * @param event the event's name (e.g. {@code read_aio}, {@code write_aio})
     */
    public void debugEvent(Node bs, String event) {
    }

    /**
     * Called on the node's quiesce counter 0→1 (under the control lock; must not block or change the graph).
     *
     * @param bs the node this driver serves
     */
    public void drainBegin(Node bs) {
    }

    /**
     * Called on the node's quiesce counter 1→0, before its parents are told.
     *
     * @param bs the node this driver serves
     */
    public void drainEnd(Node bs) {
    }

    /**
     * The permissions this node needs on a child and shares with the child's other parents, given its own
     * cumulative needs. The default is upstream's {@code bdrv_default_perms} by role (reference §7).
     *
     * @param bs      this node (the parent of the child)
     * @param role    the child's role
     * @param perm    the node's cumulative required permissions
     * @param shared  the node's cumulative shared permissions
     * @return required and shared permissions on the child
     */
    public PermPair childPerm(Node bs, Role role, int perm, int shared) {
        return PermPair.defaults(bs, role, perm, shared);
    }

    /**
     * The node's driver-specific options, for snapshots and display.
     *
     * @return the options as {@code key=value} text; empty when the driver has none
     */
    public String describeOptions() {
        return "";
    }
}
