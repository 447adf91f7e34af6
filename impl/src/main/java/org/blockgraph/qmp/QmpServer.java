package org.blockgraph.qmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The QMP daemon: a unix socket (mode 0600) speaking QMP to any number of clients, one thread each, over one
 * {@link QmpDispatcher}. Framing is one JSON value per line (what QMP clients send); a line over
 * {@link #MAX_INPUT} bytes, malformed JSON and every bad request get a QMP error on that client only. A client that
 * vanishes mid-command is dropped when its reply cannot be written; the command itself completes or fails as it
 * would have, so the graph is never left half-changed.
 */
public final class QmpServer implements AutoCloseable {
    /** Longest accepted request line, in bytes. */
    public static final int MAX_INPUT = 1 << 20;

    private final QmpDispatcher dispatcher;
    private final Path path;
    private final ServerSocketChannel server;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread acceptor;
    private volatile boolean closing;
    /** Set by {@code quit}; the client that sent it stops the daemon once its reply is written. */
    private volatile boolean quitRequested;

    private QmpServer(QmpDispatcher dispatcher, Path path, ServerSocketChannel server) {
        this.dispatcher = dispatcher;
        this.path = path;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "qmp-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code path}. The socket is bound inside a fresh 0700 directory, set to 0600 and only then moved
     * to {@code path}, so it is never reachable with wider permissions. An existing file at {@code path} is
     * refused, and nothing is created. Accepts clients on a daemon thread; {@code quit} ends
     * {@link #awaitTermination}.
     *
     * @param dispatcher the dispatcher each client's session is opened on
     * @param path       where the Unix socket appears; must not exist
     * @return the running server
     * @throws IOException if a file exists at {@code path} ({@code Address already in use}), or binding, setting the
     *                     permissions or moving the socket fails
     */
    public static QmpServer start(QmpDispatcher dispatcher, Path path) throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("Failed to bind socket to " + path + ": Address already in use");
        }
        Path abs = path.toAbsolutePath();
        Path dir = Files.createTempDirectory(abs.getParent(), ".qmp",
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
        QmpServer s = new QmpServer(dispatcher, abs, ch);
        dispatcher.setOnQuit(() -> s.quitRequested = true);
        s.acceptor.start();
        return s;
    }

    /**
     * The socket path.
     *
     * @return the absolute path the socket listens on
     */
    public Path path() {
        return path;
    }

    /**
     * Blocks until {@code quit} or {@link #close()}.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (closing) {
            stopped.countDown();
            return;
        }
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            // Already closed: nothing to release.
        }
        for (Client c : clients) {
            c.close();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // The socket file is gone already or its directory went away.
        }
        stopped.countDown();
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel sc;
            try {
                sc = server.accept();
            } catch (IOException e) {
                break;
            }
            Client c = new Client(sc);
            clients.add(c);
            Thread t = new Thread(c::run, "qmp-client");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Streams over the channel's own read and write. {@code Channels.newInputStream/newOutputStream} share one
     * blocking lock, so a reader waiting for input would keep events and replies from being written.
     */
    static InputStream inputOf(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n;
                do {
                    n = ch.read(java.nio.ByteBuffer.wrap(b, off, len));
                } while (n == 0);
                return n;
            }
        };
    }

    static OutputStream outputOf(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        };
    }

    /** One connection: its session, its reader thread, and a lock serialising replies and events. */
    private final class Client {
        private final SocketChannel channel;
        private final OutputStream out;
        private final QmpDispatcher.Session session = dispatcher.openSession(false);
        private AutoCloseable events;

        Client(SocketChannel channel) {
            this.channel = channel;
            this.out = outputOf(channel);
        }

        void run() {
            try (InputStream in = new java.io.BufferedInputStream(inputOf(channel))) {
                send("{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":1,\"major\":0},"
                        + "\"package\":\"blockgraph\"},\"capabilities\":[]}}");
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                boolean overlong = false;
                int b;
                while ((b = in.read()) >= 0) {
                    if (b != '\n') {
                        if (line.size() < MAX_INPUT) {
                            line.write(b);
                        } else {
                            overlong = true;
                        }
                        continue;
                    }
                    if (overlong) {
                        send(QmpDispatcher.reply(QmpDispatcher.errorReply(QmpError.generic(
                                "JSON parse error, input exceeds " + MAX_INPUT + " bytes"), null)));
                        overlong = false;
                    } else {
                        String text = line.toString(StandardCharsets.UTF_8).strip();
                        if (!text.isEmpty()) {
                            handle(text);
                        }
                    }
                    line.reset();
                }
            } catch (IOException e) {
                // The client went away; only this client is dropped.
            } finally {
                close();
            }
        }

        private void handle(String text) throws IOException {
            boolean before = session.commandMode();
            String reply = session.handle(text);
            if (!before && session.commandMode()) {
                // Subscribe before the reply goes out: a client may expect events as soon as it reads it.
                events = dispatcher.subscribe(this::event);
            }
            send(reply);
            if (quitRequested) {
                QmpServer.this.close();
            }
        }

        private void event(ObjectNode ev) {
            try {
                send(QmpDispatcher.reply(ev));
            } catch (IOException e) {
                close();
            }
        }

        private void send(String text) throws IOException {
            byte[] bytes = (text + "\r\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        }

        void close() {
            clients.remove(this);
            AutoCloseable e = events;
            if (e != null) {
                try {
                    e.close();
                } catch (Exception ex) {
                    // Removing a subscriber cannot fail.
                }
            }
            try {
                channel.close();
            } catch (IOException ex) {
                // Closing a dead channel: nothing to release.
            }
        }
    }
}
