package org.blockgraph.job;

/**
 * What a {@link JobDriver} sees of its job. Every method is thread-safe (it takes the job mutex) and may be
 * called from steps and from hooks.
 */
public interface JobContext {

    /**
     * The job's id, or null for an internal job.
     *
     * @return the job id, or null
     */
    String jobId();

    /**
     * The job's current status.
     *
     * @return the current status
     */
    JobStatus status();

    /**
     * QEMU's job_is_cancelled: a force cancel was requested; the run ends at the next step boundary.
     *
     * @return true if a force cancel was requested
     */
    boolean isCancelled();

    /**
     * QEMU's job_cancel_requested: any cancel was requested. A mirror-style driver that accepted a soft cancel
     * (returned false from {@link JobDriver#cancel}) sees this and ends its run successfully without pivoting.
     *
     * @return true if any cancel was requested
     */
    boolean cancelRequested();

    /**
     * Whether a {@code complete} command was accepted for this job.
     *
     * @return true once {@code complete} was accepted
     */
    boolean completeRequested();

    /**
     * Current progress ({@code offset}).
     *
     * @return the progress so far
     */
    long progressCurrent();

    /**
     * Expected total ({@code len}).
     *
     * @return the expected total
     */
    long progressTotal();

    /**
     * QEMU's job_progress_set_remaining: total becomes current + {@code remaining}.
     *
     * @param remaining the work still to do, in the same unit as the progress
     */
    void setRemaining(long remaining);

    /**
     * QEMU's job_progress_increase_remaining (e.g. a guest write dirtied more data): adds to the expected total.
     *
     * @param delta the amount of work added
     */
    void increaseRemaining(long delta);

    /**
     * Moves RUNNING to READY and sends BLOCK_JOB_READY (QEMU's job_transition_to_ready). Called by a mirror-style
     * driver from a step once source and target are in sync.
     */
    void transitionToReady();

    /**
     * Applies the job's on-error policy to an error met in this step (QEMU's block_job_error_action): sends
     * BLOCK_JOB_ERROR and returns the action. The driver must then:
     * <ul>
     *   <li>{@link ErrorAction#STOP}: not advance, and return {@link StepOutcome#retry()} (the job pauses with an
     *       io-status; resume retries the unit);</li>
     *   <li>{@link ErrorAction#IGNORE}: advance past the unit as if it had succeeded;</li>
     *   <li>{@link ErrorAction#REPORT}: return {@link StepOutcome#done()} (the framework ends the run with the first
     *       error noted, whatever the step returns).</li>
     * </ul>
     *
     * @param error the I/O error the step met
     * @return the action the job's on-error policy chose for it
     */
    ErrorAction reportError(IoError error);
}
