package org.blockgraph.checker.trace;

import java.util.List;
import java.util.Map;

/**
 * A recorded trace of one spec family, read from ndjson and ready to be turned into the generated TLA+ module that
 * the family's trace spec ({@code spec/trace/<Family>Trace.tla}) walks with its cursor. {@link TraceValidator}
 * runs TLC over any family through this interface; {@link TraceFamilies} maps a family name to its reader.
 */
public interface TraceData {

    /** The spec family, as {@code trace validate --spec} names it ({@code drain}, {@code chain}). */
    String family();

    /** The number of events. */
    int size();

    /** The event at 0-based index k, as the spec sees it (for messages). */
    Map<String, Object> event(int k);

    /** The ndjson line number of event k. */
    int lineOf(int k);

    /** The spec modules TLC needs, relative to spec/ (the family's modules and its trace spec). */
    List<String> specFiles();

    /** The trace spec's module name, e.g. {@code DrainTrace}. */
    String traceModuleName();

    /** The generated data module's name, e.g. {@code DrainTraceData}. */
    String dataModuleName();

    /** The generated data module holding the first {@code prefix} events. */
    String dataModule(int prefix);

    /** The cfg wiring the trace spec to the generated constants, checking {@code invariants}. */
    String cfg(List<String> invariants);

    /** The family's safety invariants, checked in every state along the trace as well. */
    List<String> invariants();
}
