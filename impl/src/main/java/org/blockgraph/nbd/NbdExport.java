package org.blockgraph.nbd;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.blockgraph.io.BlockBackend;

/**
 * One NBD export: a {@link BlockBackend} on a node, visible to clients under {@link #name()}. It needs consistent
 * read (and write when writable) and shares everything but resize, as upstream's NBD export does.
 */
public final class NbdExport {
    private final String id;
    private final String name;
    private final String description;
    private final String nodeName;
    private final boolean writable;
    private final boolean writethrough;
    private final BlockBackend blk;
    /** Connections in transmission with this export; guarded by the service. */
    final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    /** Set by block-export-del; guarded by the service. */
    volatile boolean shuttingDown;

    NbdExport(String id, String name, String description, String nodeName, boolean writable, boolean writethrough,
            BlockBackend blk) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.nodeName = nodeName;
        this.writable = writable;
        this.writethrough = writethrough;
        this.blk = blk;
    }

    /**
     * The block export id.
     *
     * @return the {@code id} given to {@code block-export-add}
     */
    public String id() {
        return id;
    }

    /**
     * The NBD export name clients ask for.
     *
     * @return the export name
     */
    public String name() {
        return name;
    }

    /**
     * The description sent with NBD_OPT_LIST and NBD_INFO_DESCRIPTION, or null.
     *
     * @return the description, or null if none was given
     */
    public String description() {
        return description;
    }

    /**
     * The exported node's name.
     *
     * @return the node name
     */
    public String nodeName() {
        return nodeName;
    }

    /**
     * Whether clients may write.
     *
     * @return true if the export is writable
     */
    public boolean writable() {
        return writable;
    }

    /**
     * Whether every write is followed by a flush, as with FUA.
     *
     * @return true if writes are written through
     */
    public boolean writethrough() {
        return writethrough;
    }

    /**
     * The export's BlockBackend (its requests park while the node is drained).
     *
     * @return the BlockBackend the export's requests go through
     */
    public BlockBackend blockBackend() {
        return blk;
    }

    /**
     * Whether block-export-del (or nbd-server-stop) asked it to go; it goes when its last client has.
     *
     * @return true once its shutdown is requested
     */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Clients currently in transmission with it.
     *
     * @return the number of connected clients in the transmission phase
     */
    public int clients() {
        return connections.size();
    }

    /** Transmission flags advertised to clients. */
    int transmissionFlags() {
        int f = NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH | NbdProtocol.FLAG_SEND_FUA;
        if (writable) {
            f |= NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES | NbdProtocol.FLAG_SEND_FAST_ZERO;
        } else {
            f |= NbdProtocol.FLAG_READ_ONLY | NbdProtocol.FLAG_CAN_MULTI_CONN;
        }
        return f;
    }
}
