package org.blockgraph.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;

/**
 * The NBD server and its exports, in upstream's terms: {@code nbd-server-start}/{@code nbd-server-stop} start and
 * stop the listener, {@code block-export-add}/{@code block-export-del} add and remove exports, and an export that
 * is asked to go leaves once its last client has, reporting its id to the deletion listener
 * ({@code BLOCK_EXPORT_DELETED}). Refused calls throw {@link IllegalArgumentException} or
 * {@link IllegalStateException} with upstream's text and change nothing.
 *
 * <p>Each connection has its own thread, which runs the handshake and then the client's requests through the
 * export's BlockBackend. So requests take the core's I/O path, and a drained section parks them like any
 * BlockBackend's.
 */
public final class NbdService implements AutoCloseable {
    /** Upstream's default for {@code max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    private final BlockGraph graph;
    private final Consumer<String> onDeleted;
    private final Object lock = new Object();
    /** Exports by id, newest first as upstream lists them; includes exports shutting down. */
    private final LinkedHashMap<String, NbdExport> byId = new LinkedHashMap<>();
    /** Exports clients can reach, by name. */
    private final Map<String, NbdExport> byName = new LinkedHashMap<>();
    private Listener listener;

    /**
     * A service with no server running.
     *
     * @param graph     the graph whose nodes are exported
     * @param onDeleted told the id of each export once it is gone (upstream's BLOCK_EXPORT_DELETED)
     */
    public NbdService(BlockGraph graph, Consumer<String> onDeleted) {
        this.graph = graph;
        this.onDeleted = onDeleted;
    }

    /** The listening socket, its accept thread and its live connections. */
    private final class Listener {
        final ServerSocketChannel server;
        final Path unixPath;
        final int maxConnections;
        final Set<NbdConnection> conns = ConcurrentHashMap.newKeySet();
        final Thread acceptor;
        volatile boolean closing;

        Listener(ServerSocketChannel server, Path unixPath, int maxConnections) {
            this.server = server;
            this.unixPath = unixPath;
            this.maxConnections = maxConnections;
            this.acceptor = new Thread(this::acceptLoop, "nbd-accept");
            this.acceptor.setDaemon(true);
        }

        void acceptLoop() {
            int seq = 0;
            while (!closing) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return;
                }
                if (closing || (maxConnections > 0 && conns.size() >= maxConnections)) {
                    closeQuietly(ch);
                    continue;
                }
                NbdConnection c = new NbdConnection(NbdService.this, ch);
                conns.add(c);
                if (closing) {
                    c.abort(); // close() ran between accept and add: it did not see this connection
                }
                Thread t = new Thread(() -> {
                    try {
                        c.run();
                    } finally {
                        conns.remove(c);
                    }
                }, "nbd-conn-" + (++seq));
                t.setDaemon(true);
                t.start();
            }
        }

        void close() {
            closing = true;
            closeQuietly(server);
            for (NbdConnection c : conns) {
                c.abort();
            }
            if (unixPath != null) {
                try {
                    Files.deleteIfExists(unixPath);
                } catch (IOException e) {
                    // the socket file is gone or was replaced; nothing else to undo
                }
            }
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a socket that is already broken
        }
    }

    /**
     * Whether a server is listening.
     *
     * @return true between {@link #start} and the server's stop
     */
    public boolean running() {
        synchronized (lock) {
            return listener != null;
        }
    }

    /**
     * Starts listening ({@code nbd-server-start}).
     *
     * @param addr           where
     * @param maxConnections at most this many clients at once; 0 for no limit
     * @return the bound address (with the chosen port for an inet port 0)
     * @throws IOException              if the socket cannot be bound (a Unix path that exists or whose folder does
     *                                  not, an inet address in use)
     * @throws IllegalArgumentException if {@code maxConnections} is negative, or the host or port is invalid
     * @throws IllegalStateException    if a server is already running
     */
    public SocketAddress start(NbdAddress addr, int maxConnections) throws IOException {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must not be negative");
        }
        synchronized (lock) {
            if (listener != null) {
                throw new IllegalStateException("NBD server already running");
            }
            ServerSocketChannel ch;
            Path unixPath = null;
            if (addr instanceof NbdAddress.Unix u) {
                unixPath = u.path().toAbsolutePath();
                ch = bindUnix(unixPath);
            } else {
                NbdAddress.Inet in = (NbdAddress.Inet) addr;
                InetAddress host = InetAddress.getByName(in.host());
                if (!host.isLoopbackAddress()) {
                    throw new IllegalArgumentException("NBD server address '" + in.host()
                            + "' is not a loopback address; blockgraph serves NBD without TLS on loopback only");
                }
                if (in.port() < 0 || in.port() > 65535) {
                    throw new IllegalArgumentException("Invalid port '" + in.port() + "'");
                }
                ch = ServerSocketChannel.open();
                try {
                    ch.bind(new InetSocketAddress(host, in.port()));
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("Failed to bind socket: " + e.getMessage(), e);
                }
            }
            listener = new Listener(ch, unixPath, maxConnections);
            listener.acceptor.start();
            // a unix socket was bound at a temporary path and moved: report where clients find it
            return unixPath != null ? UnixDomainSocketAddress.of(unixPath) : ch.getLocalAddress();
        }
    }

    /** Binds inside a fresh 0700 directory, sets 0600, then moves the socket into place. */
    private static ServerSocketChannel bindUnix(Path abs) throws IOException {
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("Failed to bind socket to " + abs + ": Address already in use");
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("Failed to bind socket to " + abs + ": No such file or directory");
        }
        Path dir = Files.createTempDirectory(parent, ".nbd",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = dir.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            Files.deleteIfExists(dir);
        }
        return ch;
    }

    /**
     * Stops the server ({@code nbd-server-stop}): stops listening, disconnects every client and asks every export to
     * go. Exports whose clients are still inside a request (parked by a drain, say) leave when that request ends.
     */
    public void stop() {
        Listener l;
        List<NbdExport> all;
        synchronized (lock) {
            if (listener == null) {
                throw new IllegalStateException("NBD server not running");
            }
            l = listener;
            listener = null;
            all = new ArrayList<>(byId.values());
        }
        l.close();
        for (NbdExport e : all) {
            requestShutdown(e, true);
        }
    }

    /** Stops the server if one runs. */
    @Override
    public void close() {
        if (running()) {
            stop();
        }
    }

    /**
     * Adds an export ({@code block-export-add} type nbd). Checks in upstream's order: the id, the node, writable on a
     * read-only node, the server, the name and description, then the permissions (the core's error text).
     *
     * @param id           block export id
     * @param nodeName     node to export
     * @param name         export name, or null for the node name
     * @param description  description, or null
     * @param writable     whether clients may write
     * @param writethrough whether each write is flushed
     * @return the export
     */
    public NbdExport addExport(String id, String nodeName, String name, String description, boolean writable,
            boolean writethrough) {
        synchronized (lock) {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Invalid block export id");
            }
            if (byId.containsKey(id)) {
                throw new IllegalArgumentException("Block export id '" + id + "' is already in use");
            }
            Node node = graph.findNode(nodeName);
            if (node == null) {
                throw new IllegalArgumentException("Cannot find device='' nor node-name='" + nodeName + "'");
            }
            if (writable && node.isReadOnly()) {
                throw new IllegalArgumentException("Cannot export read-only node as writable");
            }
            if (listener == null) {
                throw new IllegalStateException("NBD server not running");
            }
            String n = name == null ? nodeName : name;
            if (n.length() > NbdProtocol.MAX_STRING) {
                throw new IllegalArgumentException("export name '" + n + "' too long");
            }
            if (description != null && description.length() > NbdProtocol.MAX_STRING) {
                throw new IllegalArgumentException("description '" + description + "' too long");
            }
            if (byName.containsKey(n)) {
                throw new IllegalArgumentException("NBD server already has export named '" + n + "'");
            }
            int perm = Permission.CONSISTENT_READ.bit() | (writable ? Permission.WRITE.bit() : 0);
            int shared = Permission.ALL & ~Permission.RESIZE.bit();
            BlockBackend blk = BlockBackend.create(graph, null, node, perm, shared);
            NbdExport e = new NbdExport(id, n, description, nodeName, writable, writethrough, blk);
            LinkedHashMap<String, NbdExport> old = new LinkedHashMap<>(byId);
            byId.clear();
            byId.put(id, e);
            byId.putAll(old);
            byName.put(n, e);
            return e;
        }
    }

    /**
     * Asks an export to go ({@code block-export-del}). With {@code hard} false a connected client refuses it;
     * with {@code hard} true its clients are disconnected.
     *
     * @param id   the block export id
     * @param hard whether to disconnect connected clients rather than refuse
     * @throws IllegalArgumentException if no export has that id
     * @throws IllegalStateException    if it is already shutting down, or {@code hard} is false and a client is
     *                                  connected
     */
    public void deleteExport(String id, boolean hard) {
        NbdExport e;
        synchronized (lock) {
            e = byId.get(id);
            if (e == null) {
                throw new IllegalArgumentException("Export '" + id + "' is not found");
            }
            if (e.shuttingDown) {
                throw new IllegalStateException("Export '" + id + "' is already shutting down");
            }
            if (!hard && !e.connections.isEmpty()) {
                throw new IllegalStateException("export '" + id + "' still in use");
            }
        }
        requestShutdown(e, hard);
    }

    /**
     * Exports, newest first, including those shutting down.
     *
     * @return an unmodifiable snapshot of the exports
     */
    public List<NbdExport> exports() {
        synchronized (lock) {
            return List.copyOf(byId.values());
        }
    }

    private void requestShutdown(NbdExport e, boolean hard) {
        boolean gone;
        synchronized (lock) {
            if (!e.shuttingDown) {
                e.shuttingDown = true;
                byName.remove(e.name(), e);
            }
            if (hard) {
                for (NbdConnection c : e.connections) {
                    c.abort();
                }
            }
            gone = e.connections.isEmpty() && byId.get(e.id()) == e;
            if (gone) {
                byId.remove(e.id());
            }
        }
        if (gone) {
            finish(e);
        }
    }

    private void finish(NbdExport e) {
        e.blockBackend().close();
        onDeleted.accept(e.id());
    }

    // ---- used by connections ----

    /** Names and descriptions of the exports clients can reach (NBD_OPT_LIST). */
    List<NbdExport> visibleExports() {
        synchronized (lock) {
            return List.copyOf(byName.values());
        }
    }

    /** The reachable export named {@code name}, or null. */
    NbdExport find(String name) {
        synchronized (lock) {
            return byName.get(name);
        }
    }

    /** Attaches {@code c} to the reachable export {@code name}; null if there is none. */
    NbdExport attach(String name, NbdConnection c) {
        synchronized (lock) {
            NbdExport e = byName.get(name);
            if (e != null) {
                e.connections.add(c);
            }
            return e;
        }
    }

    /** Detaches {@code c}; the export goes if it was asked to and this was its last client. */
    void detach(NbdExport e, NbdConnection c) {
        boolean gone;
        synchronized (lock) {
            e.connections.remove(c);
            gone = e.shuttingDown && e.connections.isEmpty() && byId.get(e.id()) == e;
            if (gone) {
                byId.remove(e.id());
            }
        }
        if (gone) {
            finish(e);
        }
    }
}
