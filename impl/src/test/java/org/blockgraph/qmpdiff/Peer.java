package org.blockgraph.qmpdiff;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.job.ThreadPoolJobExecutor;
import org.blockgraph.qmp.QmpDispatcher;
import org.blockgraph.qmp.QmpServer;

/**
 * One side of the differential suite: a QMP daemon on a unix socket in its own temporary directory, plus how that
 * side makes an image node and runs a qemu-io command (the only steps whose wire form differs between the sides).
 */
abstract class Peer implements AutoCloseable {
    final Path dir;
    final Path socket;
    QmpClient client;

    Peer(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("qmp.sock");
    }

    /** "blockgraph" or "qsd". */
    abstract String name();

    /** {@code blockdev-add} arguments for an image node {@code node} of {@code size} bytes over a file node. */
    abstract ObjectNode imageOptions(String node, long size) throws IOException;

    /** Runs one qemu-io command on {@code node}; returns qemu-io's output. */
    abstract String qemuIo(String node, String command) throws IOException;

    /** Connects the client and negotiates capabilities. */
    void connect() throws IOException {
        client = new QmpClient(socket);
        ObjectNode r = client.raw("{\"execute\":\"qmp_capabilities\"}");
        if (r == null || !r.has("return")) {
            throw new IOException(name() + ": capabilities negotiation failed: " + r);
        }
    }

    /** blockgraph's own daemon, in process: {@link QmpServer} over a {@link QmpDispatcher} with block jobs. */
    static final class Blockgraph extends Peer {
        private final ThreadPoolJobExecutor exec = new ThreadPoolJobExecutor(2);
        private final QmpDispatcher qmp = new QmpDispatcher(new BlockJobs(new BlockGraph(), exec));
        private final QmpServer server;

        Blockgraph(Path dir) throws IOException {
            super(dir);
            server = QmpServer.start(qmp, socket);
            connect();
        }

        @Override
        String name() {
            return "blockgraph";
        }

        @Override
        ObjectNode imageOptions(String node, long size) {
            ObjectNode o = QmpClient.JSON.createObjectNode();
            o.put("driver", "cow");
            o.put("node-name", node);
            ObjectNode f = o.putObject("file");
            f.put("driver", "memory");
            f.put("node-name", node + "-file");
            f.put("size", size);
            return o;
        }

        @Override
        String qemuIo(String node, String command) throws IOException {
            ObjectNode a = QmpClient.JSON.createObjectNode();
            a.put("command-line", "qemu-io " + node + " \"" + command + "\"");
            ObjectNode r = client.execute("human-monitor-command", a);
            return r.has("return") ? r.get("return").asText() : "QMP error: " + r.get("error").get("desc").asText();
        }

        @Override
        public void close() throws IOException {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                server.close();
                qmp.close();
                exec.close();
            }
        }
    }

    /**
     * QEMU 7.2's {@code qemu-storage-daemon}, started for one scenario and killed after it. Images are qcow2 files
     * made with {@code qemu-img}; qemu-io commands go through a writable NBD export of the node (the daemon has no
     * human monitor), made for the one command and deleted after it.
     */
    static final class Qsd extends Peer {
        static final String BINARY = "/usr/bin/qemu-storage-daemon";
        private final Process process;
        private final Path nbd;
        private int exports;

        Qsd(Path dir) throws IOException, InterruptedException {
            super(dir);
            nbd = dir.resolve("nbd.sock");
            process = new ProcessBuilder(BINARY, "--chardev", "socket,path=" + socket + ",server=on,wait=off,id=c",
                    "--monitor", "chardev=c").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qsd.log").toFile()).start();
            // The socket file appears at bind, just before the daemon listens: poll until a connection is accepted
            // (bounded, a hang guard; not a timing assertion).
            for (int i = 0; ; i++) {
                if (!process.isAlive()) {
                    throw new IOException("qemu-storage-daemon exited: " + Files.readString(dir.resolve("qsd.log")));
                }
                if (Files.exists(socket)) {
                    try {
                        connect();
                        break;
                    } catch (java.net.ConnectException e) {
                        if (i >= 3000) {
                            throw e;
                        }
                    }
                } else if (i >= 3000) {
                    throw new IOException("qemu-storage-daemon did not create " + socket);
                }
                Thread.sleep(10);
            }
            ObjectNode a = (ObjectNode) QmpClient.JSON.readTree("{\"addr\":{\"type\":\"unix\",\"data\":{\"path\":\""
                    + nbd + "\"}}}");
            ObjectNode r = client.execute("nbd-server-start", a);
            if (!r.has("return")) {
                throw new IOException("nbd-server-start: " + r);
            }
        }

        @Override
        String name() {
            return "qsd";
        }

        @Override
        ObjectNode imageOptions(String node, long size) throws IOException {
            Path img = dir.resolve(node + ".qcow2");
            run(List.of("qemu-img", "create", "-q", "-f", "qcow2", img.toString(), Long.toString(size)));
            ObjectNode o = QmpClient.JSON.createObjectNode();
            o.put("driver", "qcow2");
            o.put("node-name", node);
            ObjectNode f = o.putObject("file");
            f.put("driver", "file");
            f.put("node-name", node + "-file");
            f.put("filename", img.toString());
            return o;
        }

        @Override
        String qemuIo(String node, String command) throws IOException {
            String id = "diffexp" + exports++;
            ObjectNode a = QmpClient.JSON.createObjectNode();
            a.put("type", "nbd");
            a.put("id", id);
            a.put("node-name", node);
            a.put("writable", true);
            ObjectNode r = client.execute("block-export-add", a);
            if (!r.has("return")) {
                return "QMP error: " + r.get("error").get("desc").asText();
            }
            try {
                return run(List.of("qemu-io", "-f", "raw", "-c", command, "nbd+unix:///" + node + "?socket=" + nbd));
            } finally {
                ObjectNode d = QmpClient.JSON.createObjectNode();
                d.put("id", id);
                client.execute("block-export-del", d);
                client.awaitEvent("BLOCK_EXPORT_DELETED", id);
            }
        }

        private String run(List<String> cmd) throws IOException {
            List<String> full = new ArrayList<>(cmd);
            Path log = Files.createTempFile(dir, "cmd", ".out");
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // A hang guard only: a command that never ends fails the scenario instead of the build.
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("hung for 120 s: " + cmd);
                }
                return Files.readString(log);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                process.destroyForcibly();
                try {
                    process.waitFor(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
