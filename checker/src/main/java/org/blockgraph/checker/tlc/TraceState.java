package org.blockgraph.checker.tlc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One state of a TLC error trace ("State k: &lt;Action ...&gt;" followed by {@code /\ var = value} lines).
 *
 * @param index      the state's number in the trace, from 1
 * @param action     the action that led to it ({@code Initial predicate} for state 1), or {@code null} for a
 *                   stuttering or loop-back marker
 * @param location   TLC's source location of the action ({@code line 14, col 9 to ... of module Counter}), or
 *                   {@code null}
 * @param variables  the variables in TLC's order, values exactly as TLC printed them (multi-line values keep
 *                   their line breaks)
 * @param stuttering TLC's "Stuttering" marker: the behaviour stays in the previous state forever
 * @param backTo     for a lasso ("Back to state j"), the state the behaviour loops back to, else 0
 */
public record TraceState(int index, String action, String location, Map<String, String> variables,
                         boolean stuttering, int backTo) {

    /**
     * Copies the variables in their order, unmodifiable.
     *
     * @param index the state's number in the trace, from 1
     * @param action the action that led to it ({@code Initial predicate} for state 1), or {@code null} for a stuttering or loop-back marker
     * @param location TLC's source location of the action ({@code line 14, col 9 to ... of module Counter}), or {@code null}
     * @param variables the variables in TLC's order, values exactly as TLC printed them (multi-line values keep their line breaks)
     * @param stuttering TLC's "Stuttering" marker: the behaviour stays in the previous state forever
     * @param backTo for a lasso ("Back to state j"), the state the behaviour loops back to, else 0
     */
    public TraceState {
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /**
     * Whether this entry is a real state (not a stuttering or loop-back marker).
     *
     * @return true for a real state
     */
    public boolean isState() {
        return !stuttering && backTo == 0;
    }
}
