package org.blockgraph.trace;

import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

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

    /**
     * Whether events are recorded; when false, callers skip building arguments and post-states.
     * @return true while the sink records events
     */
    boolean enabled();

    /**
     * The order lock: a check of state that another thread changes, and the emit of the event that check decides,
     * form one atomic step of the spec only if the thread that changes the state holds the same lock from the
     * change to its own emit. The core takes it only when {@link #enabled()}: the control thread around a quiesce
     * (or un-quiesce) and its {@code DrainedBegin}/{@code DrainedEnd}/... emit and around a drain poll's last
     * check and its {@code DrainPollDone}; an I/O thread around {@code BlkSubmit}, the park check and
     * {@code BlkPark}, the restart check and {@code BlkUnpark}, the drain check and {@code GraphRdlock}
     * (docs/trace-validation.md, diary 1-3).
     *
     * <p>Lock order: the order lock before a BlockBackend's queue lock and a job's mutex; {@link #emit} itself must
     * not wait for it (job threads emit under their mutex). Never held while waiting for another thread.
     * The default is one lock shared by every sink that does not override it.
     * @return the lock that orders state checks and their events across threads
     */
    default Lock order() {
        return Shared.ORDER;
    }

    /**
     * Records one action.
     *
     * @param action the spec action that took effect
     * @param args   the action's arguments, as the spec names them
     * @param post   the projection of the post-state that the trace spec compares with its primed variables
     */
    void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post);

    /** Holder of the default order lock. */
    final class Shared {
        static final Lock ORDER = new ReentrantLock();

        private Shared() {
        }
    }
}
