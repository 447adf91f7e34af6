package org.blockgraph.job;

/**
 * Where job tasks run; supplied by the embedder. {@link ThreadPoolJobExecutor} is the default;
 * {@link ManualJobExecutor} runs nothing until a test (or a Lincheck operation) steps it, so job steps become
 * operations that interleave deterministically with guest I/O, drains and graph changes.
 *
 * <p>Contract: {@link #submit} and {@link #schedule} may be called from any thread, also with the job mutex held,
 * and must not run the task in the caller's thread before returning. Submitting happens-before running.
 */
public interface JobExecutor {

    /**
     * The clock that {@link #schedule} deadlines and rate limits use.
     *
     * @return this executor's clock
     */
    JobClock clock();

    /**
     * Runs {@code task} soon, never in the calling thread before this returns.
     *
     * @param task the task to run
     */
    void submit(JobTask task);

    /**
     * Runs {@code task} once {@link #clock()} reaches {@code deadlineNanos}; the handle cancels it.
     *
     * @param task the task to run
     * @param deadlineNanos the {@link #clock()} time, in nanoseconds, at which to run it
     * @return a handle whose {@link Timer#cancel()} stops the task if it has not started
     */
    Timer schedule(JobTask task, long deadlineNanos);

    /** A scheduled task. */
    interface Timer {
        /** Stops the task from running if it has not started; a task that already started is not affected. */
        void cancel();
    }
}
