package org.blockgraph.trace;

import java.util.Map;

/**
 * Receives one event per TLA+ action at the point where the action takes effect in the core.
 *
 * <p>Implementations are called inside the critical section that commits the action, so the order of
 * {@code emit} calls is the order of the actions (the sequence number is taken by the sink in the same section).
 * The default sink, {@link #OFF}, does nothing and lets the JIT remove the call site: callers guard any
 * argument construction with {@link #enabled()}.
 */
public interface TraceSink {

    /** A sink that records nothing. */
    TraceSink OFF = new TraceSink() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
        }
    };

    /** Whether events are recorded; when false, callers skip building arguments and post-states. */
    boolean enabled();

    /**
     * Records one action.
     *
     * @param action the spec action that took effect
     * @param args   the action's arguments, as the spec names them
     * @param post   the projection of the post-state that the trace spec compares with its primed variables
     */
    void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post);
}
