package org.blockgraph.qmpdiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One QMP client over a unix socket, the same for blockgraph's daemon and qemu-storage-daemon: reads the greeting,
 * negotiates capabilities, sends requests with ids and keeps every event it reads on the way (in order). Single
 * threaded: a request is written, then lines are read until its reply arrives. Every read has a generous hang
 * guard (a peer that stops answering fails the scenario instead of hanging the build).
 */
final class QmpClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long HANG_GUARD_SECONDS = 120;

    private final SocketChannel ch;
    private final BufferedReader in;
    private final OutputStream out;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qmp-client-read");
        t.setDaemon(true);
        return t;
    });
    private final List<ObjectNode> events = new ArrayList<>();
    private final JsonNode greeting;
    private int nextId;

    QmpClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        out = Channels.newOutputStream(ch);
        String g = readLine();
        if (g == null) {
            throw new IOException("no QMP greeting from " + socket);
        }
        greeting = JSON.readTree(g);
    }

    JsonNode greeting() {
        return greeting;
    }

    /** Events read so far, in arrival order. */
    List<ObjectNode> events() {
        return events;
    }

    private String readLine() throws IOException {
        Future<String> f = reader.submit(in::readLine);
        try {
            return f.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new IOException("QMP peer sent nothing for " + HANG_GUARD_SECONDS + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Sends {@code text} as it is (one line) and returns the next non-event message; null if the peer closed. */
    ObjectNode raw(String text) throws IOException {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return nextReply();
    }

    private ObjectNode nextReply() throws IOException {
        while (true) {
            String line = readLine();
            if (line == null) {
                return null;
            }
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            if (n.has("event")) {
                events.add(n);
            } else {
                return n;
            }
        }
    }

    /** Executes a command with a fresh numeric id; the reply's id is checked and removed. */
    ObjectNode execute(String name, JsonNode args) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        req.put("execute", name);
        if (args != null) {
            req.set("arguments", args);
        }
        int id = nextId++;
        req.put("id", id);
        ObjectNode r = raw(JSON.writeValueAsString(req));
        if (r == null) {
            throw new IOException("peer closed the connection on " + name);
        }
        if (!r.has("id") || r.get("id").asInt() != id) {
            throw new IOException("reply without id " + id + ": " + r);
        }
        r.remove("id");
        return r;
    }

    /** Reads until an event named {@code name} (optionally about {@code about}) has arrived; returns it. */
    ObjectNode awaitEvent(String name, String about) throws IOException {
        for (ObjectNode e : events) {
            if (matches(e, name, about)) {
                return e;
            }
        }
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("peer closed while waiting for " + name);
            }
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            if (!n.has("event")) {
                throw new IOException("unexpected reply while waiting for " + name + ": " + n);
            }
            events.add(n);
            if (matches(n, name, about)) {
                return n;
            }
        }
    }

    /** {@code about} is a job id or device, optionally followed by {@code /status} for JOB_STATUS_CHANGE. */
    private static boolean matches(ObjectNode e, String name, String about) {
        if (!e.get("event").asText().equals(name) || e.has("consumed")) {
            return false;
        }
        JsonNode d = e.path("data");
        String subject = d.has("id") ? d.get("id").asText() : d.path("device").asText();
        if (d.has("status")) {
            subject += "/" + d.get("status").asText();
        }
        if (about != null && !about.equals(subject) && !(subject.startsWith(about + "/"))) {
            return false;
        }
        e.put("consumed", true);
        return true;
    }

    @Override
    public void close() throws IOException {
        reader.shutdownNow();
        ch.close();
    }
}
