package org.blockgraph.checker.trace;

import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blockgraph.trace.TraceRecorder;

/**
 * The recorders of the spec families whose traces {@code blockgraph check} records and validates after the models:
 * family name (as {@link TraceFamilies} reads it) to a function that runs a seeded, generated command sequence on
 * the real core and writes its ndjson trace. A family registers with one line in the static block.
 */
public final class TraceRecorders {

    /**
     * What a recording did.
     *
     * @param steps      commands run
     * @param events     events written
     * @param violations the invariant oracle's findings (empty when it held after every step)
     */
    public record Recorded(int steps, long events, List<String> violations) {
    }

    /** Runs {@code steps} generated commands drawn from {@code seed} with {@code threads} I/O threads. */
    @FunctionalInterface
    public interface Recorder {
        /**
         * Records one run into {@code out}.
         *
         * @param seed    the generator's seed
         * @param steps   commands to run
         * @param threads guest I/O threads
         * @param out     where the ndjson trace goes
         * @return what the run did
         * @throws Exception when the run cannot be completed
         */
        Recorded record(long seed, int steps, int threads, Writer out) throws Exception;
    }

    private static final Map<String, Recorder> RECORDERS = new LinkedHashMap<>();

    static {
        RECORDERS.put("drain", (seed, steps, threads, out) -> {
            TraceRecorder.Result r = TraceRecorder.record(seed, steps, threads, out);
            return new Recorded(r.steps(), r.events(), r.violations());
        });
        // Without active commit until divergence 13 (docs/divergences.md) is resolved.
        RECORDERS.put("chain", (seed, steps, threads, out) -> {
            ChainTraceRecorder.Result r = ChainTraceRecorder.record(seed, steps, out, false);
            return new Recorded(r.steps(), r.events(), r.violations());
        });
    }

    private TraceRecorders() {
    }

    /**
     * The families with a recorder, in registration order.
     *
     * @return the names {@link #get} accepts
     */
    public static Set<String> names() {
        return RECORDERS.keySet();
    }

    /**
     * The recorder of {@code family}; IllegalArgumentException for a family without one.
     *
     * @param family the family name, one of {@link #names()}
     * @return its recorder
     * @throws IllegalArgumentException if {@code family} has no recorder
     */
    public static Recorder get(String family) {
        Recorder r = RECORDERS.get(family);
        if (r == null) {
            throw new IllegalArgumentException("no trace recorder for spec family '" + family + "' (known: "
                    + String.join(", ", RECORDERS.keySet()) + ")");
        }
        return r;
    }
}
