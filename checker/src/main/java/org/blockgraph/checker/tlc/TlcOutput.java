package org.blockgraph.checker.tlc;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@link TlcOutputParser} read from one TLC run's output.
 *
 * @param statesGenerated      final "N states generated" (exhaustive), or simulation's states checked
 * @param distinctStates       final "M distinct states found" (exhaustive only)
 * @param depth                "The depth of the complete state graph search is D"
 * @param violatedInvariant    the name in "Invariant NAME is violated", or {@code null}
 * @param violatedProperty     the name in "(Action) property NAME is violated", or {@code null}
 * @param temporalViolation    "Temporal properties were violated" (TLC names no property)
 * @param deadlock             "Deadlock reached"
 * @param assertionMessage     the second argument of a failed {@code Assert}, or {@code null}
 * @param trace                the error trace, empty if none
 * @param specErrors           parse, semantic and cfg errors with their locations
 * @param errorMessages        every other "Error: ..." message (with its continuation lines)
 * @param simulation           TLC ran in simulation mode
 */
public record TlcOutput(
        OptionalLong statesGenerated,
        OptionalLong distinctStates,
        OptionalInt depth,
        String violatedInvariant,
        String violatedProperty,
        boolean temporalViolation,
        boolean deadlock,
        String assertionMessage,
        List<TraceState> trace,
        List<SpecError> specErrors,
        List<String> errorMessages,
        boolean simulation) {

    /**
     * Copies the lists, so the value is immutable.
     *
     * @param statesGenerated final "N states generated" (exhaustive), or simulation's states checked
     * @param distinctStates final "M distinct states found" (exhaustive only)
     * @param depth "The depth of the complete state graph search is D"
     * @param violatedInvariant the name in "Invariant NAME is violated", or {@code null}
     * @param violatedProperty the name in "(Action) property NAME is violated", or {@code null}
     * @param temporalViolation "Temporal properties were violated" (TLC names no property)
     * @param deadlock "Deadlock reached"
     * @param assertionMessage the second argument of a failed {@code Assert}, or {@code null}
     * @param trace the error trace, empty if none
     * @param specErrors parse, semantic and cfg errors with their locations
     * @param errorMessages every other "Error: ..." message (with its continuation lines)
     * @param simulation TLC ran in simulation mode
     */
    public TlcOutput {
        trace = List.copyOf(trace);
        specErrors = List.copyOf(specErrors);
        errorMessages = List.copyOf(errorMessages);
    }

    /**
     * The number of real states in the error trace (stuttering and loop-back markers excluded).
     *
     * @return the trace length
     */
    public int traceLength() {
        return (int) trace.stream().filter(TraceState::isState).count();
    }
}
