package org.blockgraph.job;

import java.util.Map;

/**
 * The service-provider interface a job type implements (QEMU's JobDriver / BlockJobDriver): stream, commit, mirror.
 *
 * <p>Threads and locks:
 * <ul>
 *   <li>{@link #step} runs on the job executor, never concurrently with another step of the same job, with no
 *       framework lock held. It must not call commands that take the control lock (cancel, complete, finalize,
 *       dismiss, change, start), because a transaction abort may wait for the step under that lock.</li>
 *   <li>{@link #prepare}, {@link #commit}, {@link #abort}, {@link #clean}, {@link #complete} and {@link #change}
 *       run under the control lock with the job mutex released. The completion hooks run after the last step;
 *       {@code complete} and {@code change} may run while a step runs, so state they share with steps needs the
 *       driver's own synchronisation (a volatile or atomic field).</li>
 *   <li>{@link #cancel} runs with the job mutex held: it must only decide, quickly.</li>
 * </ul>
 */
public interface JobDriver {

    /**
     * The job type as QAPI spells it: {@code stream}, {@code commit}, {@code mirror}, {@code backup}, ...
     *
     * @return the QAPI job type
     */
    String type();

    /**
     * Does one unit of work (e.g. copies one cluster) and says what happened.
     *
     * @param job the job's view of itself
     * @return what the step did
     */
    StepOutcome step(JobContext job);

    /**
     * Whether the job accepts {@code complete} (mirror-style jobs: READY, then complete pivots).
     *
     * @return true if {@code complete} is accepted; false by default
     */
    default boolean supportsComplete() {
        return false;
    }

    /**
     * Accepts a {@code complete} command (QEMU's .complete). Throw {@link JobException} to refuse; otherwise the
     * framework records the request ({@link JobContext#completeRequested()}) and kicks the job.
     *
     * @param job the job's view of itself
     * @throws JobException to refuse the command
     * @throws UnsupportedOperationException by default, for a driver that does not support complete
     */
    default void complete(JobContext job) {
        throw new UnsupportedOperationException("complete is not supported by " + type());
    }

    /**
     * Decides how a cancel request is honoured (QEMU's .cancel): return true to force-cancel. The default forces
     * (jobs without .cancel always behave as force-cancelled). A mirror-style job returns
     * {@code force || !job.status().isReady()}: a soft cancel of a READY job completes it without pivoting.
     * A force request stays forced whatever this returns.
     *
     * @param job the job's view of itself
     * @param force whether the request is a force cancel
     * @return true to force-cancel; false to let the driver end the run itself (soft cancel)
     */
    default boolean cancel(JobContext job, boolean force) {
        return true;
    }

    /**
     * Whether the job accepts {@code job-change}.
     *
     * @return true if {@code job-change} is accepted; false by default
     */
    default boolean supportsChange() {
        return false;
    }

    /**
     * Applies {@code job-change} options; throw {@link JobException} to refuse them.
     *
     * @param job the job's view of itself
     * @param options the type-specific options, keyed by QMP name
     * @throws JobException to refuse the options
     * @throws UnsupportedOperationException by default, for a driver that does not support change
     */
    default void change(JobContext job, Map<String, Object> options) {
        throw new UnsupportedOperationException("change is not supported by " + type());
    }

    /**
     * Runs once the whole transaction succeeded, before commit; throw {@link JobException} to abort it.
     *
     * @param job the job's view of itself
     * @throws JobException to abort the transaction
     */
    default void prepare(JobContext job) {
    }

    /**
     * Makes the job's result permanent (the job and its transaction succeeded).
     *
     * @param job the job's view of itself
     */
    default void commit(JobContext job) {
    }

    /**
     * Undoes what the job did (it failed, was force-cancelled, or its transaction aborted).
     *
     * @param job the job's view of itself
     */
    default void abort(JobContext job) {
    }

    /**
     * Releases what the job holds, after commit or abort.
     *
     * @param job the job's view of itself
     */
    default void clean(JobContext job) {
    }
}
