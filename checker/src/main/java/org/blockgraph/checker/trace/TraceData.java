package org.blockgraph.checker.trace;

import java.util.List;
import java.util.Map;

/**
 * A recorded trace of one spec family, read from ndjson and ready to be turned into the generated TLA+ module that
 * the family's trace spec ({@code spec/trace/<Family>Trace.tla}) walks with its cursor. {@link TraceValidator}
 * runs TLC over any family through this interface; {@link TraceFamilies} maps a family name to its reader.
 */
public interface TraceData {

    /**
     * The spec family, as {@code trace validate --spec} names it ({@code drain}, {@code chain}).
     *
     * @return the family name
     */
    String family();

    /**
     * The number of events.
     *
     * @return how many events the trace holds
     */
    int size();

    /**
     * The event at 0-based index k, as the spec sees it (for messages).
     *
     * @param k the 0-based event index, below {@link #size()}
     * @return the event's fields by name
     */
    Map<String, Object> event(int k);

    /**
     * The ndjson line number of event k.
     *
     * @param k the 0-based event index, below {@link #size()}
     * @return the 1-based line the event was read from
     */
    int lineOf(int k);

    /**
     * The spec modules TLC needs, relative to spec/ (the family's modules and its trace spec).
     *
     * @return the {@code .tla} paths, relative to the spec directory
     */
    List<String> specFiles();

    /**
     * The trace spec's module name, e.g. {@code DrainTrace}.
     *
     * @return the module TLC checks
     */
    String traceModuleName();

    /**
     * The generated data module's name, e.g. {@code DrainTraceData}.
     *
     * @return the name the trace spec extends and {@link #dataModule} writes
     */
    String dataModuleName();

    /**
     * The generated data module holding the first {@code prefix} events.
     *
     * @param prefix how many events, from the first, to include (at most {@link #size()})
     * @return the module's TLA+ source
     */
    String dataModule(int prefix);

    /**
     * The cfg wiring the trace spec to the generated constants, checking {@code invariants}.
     *
     * @param invariants the invariant names the cfg lists
     * @return the cfg file's text
     */
    String cfg(List<String> invariants);

    /**
     * The family's safety invariants, checked in every state along the trace as well.
     *
     * @return the invariant names, as the family's spec defines them
     */
    List<String> invariants();
}
