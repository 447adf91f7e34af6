package org.blockgraph.qmpdiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A named list of steps run through {@link QmpClient} against each {@link Peer}. Running it gives a transcript: one
 * normalised line per step, then the final graph and the events of the whole scenario.
 */
final class Scenario {
    /** One step; returns its normalised outcome on a peer. */
    interface Step {
        String run(Peer p) throws IOException;

        String describe();
    }

    final String name;
    final List<Step> steps = new ArrayList<>();
    /** Runs only with {@code -Dblockgraph.deep=true} (too slow for CI). */
    boolean deepOnly;

    Scenario(String name) {
        this.name = name;
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return QmpClient.JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    /** Marks the scenario as deep-only. */
    Scenario deepOnly() {
        deepOnly = true;
        return this;
    }

    /** Executes {@code command} with {@code args} (JSON with single quotes, or null). */
    Scenario cmd(String command, String args) {
        JsonNode a = args == null ? null : json(args);
        steps.add(new Step() {
            @Override
            public String run(Peer p) throws IOException {
                return Normalise.reply(command, p.client.execute(command, Normalise.request(a, p)), p);
            }

            @Override
            public String describe() {
                return command + (args == null ? "" : " " + args.replace('\'', '"'));
            }
        });
        return this;
    }

    /** Executes {@code command} without arguments. */
    Scenario cmd(String command) {
        return cmd(command, null);
    }

    /** Sends {@code text} as it is (bad input). */
    Scenario raw(String text) {
        steps.add(new Step() {
            @Override
            public String run(Peer p) throws IOException {
                return Normalise.reply(null, p.client.raw(text), p);
            }

            @Override
            public String describe() {
                return "raw " + text;
            }
        });
        return this;
    }

    /**
     * Adds an image node {@code node} of {@code size} bytes (qcow2 on a file for qsd, cow on memory for blockgraph,
     * the file node named {@code node-file}) with {@code backing} (a node name, or null for none).
     */
    Scenario image(String node, long size, String backing) {
        steps.add(new Step() {
            @Override
            public String run(Peer p) throws IOException {
                ObjectNode o = p.imageOptions(node, size);
                if (backing == null) {
                    o.putNull("backing");
                } else {
                    o.put("backing", backing);
                }
                return Normalise.reply("blockdev-add", p.client.execute("blockdev-add", o), p);
            }

            @Override
            public String describe() {
                return "image " + node + " backing " + backing;
            }
        });
        return this;
    }

    /** Runs a qemu-io command on {@code node}. */
    Scenario io(String node, String command) {
        steps.add(new Step() {
            @Override
            public String run(Peer p) throws IOException {
                return Normalise.qemuIo(p.qemuIo(node, command), p);
            }

            @Override
            public String describe() {
                return "qemu-io " + node + " " + command;
            }
        });
        return this;
    }

    /** Waits for event {@code event} about job or device {@code about}. */
    Scenario await(String event, String about) {
        steps.add(new Step() {
            @Override
            public String run(Peer p) throws IOException {
                p.client.awaitEvent(event, about);
                return "event " + event;
            }

            @Override
            public String describe() {
                return "await " + event + " " + about;
            }
        });
        return this;
    }

    /** Compares the graph at this point. */
    Scenario graph() {
        steps.add(new Step() {
            @Override
            public String run(Peer p) throws IOException {
                return graphOf(p);
            }

            @Override
            public String describe() {
                return "graph";
            }
        });
        return this;
    }

    static String graphOf(Peer p) throws IOException {
        ObjectNode named = p.client.execute("query-named-block-nodes", null);
        ObjectNode bg = p.client.execute("x-debug-query-block-graph", null);
        return Normalise.graph(named.get("return"), bg.get("return"), p);
    }

    /** The transcript on {@code p}: one entry per step, then {@code graph} and {@code events}. */
    List<String> run(Peer p) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            try {
                out.add(steps.get(i).run(p));
            } catch (IOException e) {
                throw new IOException(name + " on " + p.name() + ", step " + (i + 1) + " ("
                        + steps.get(i).describe() + "): " + e.getMessage(), e);
            }
        }
        out.add(graphOf(p));
        out.add(Normalise.events(p.client.events(), p));
        return out;
    }

    /** Where entry {@code i} of a transcript comes from. */
    String where(int i) {
        if (i < steps.size()) {
            return "step " + (i + 1);
        }
        return i == steps.size() ? "graph" : "events";
    }
}
