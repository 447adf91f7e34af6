package org.blockgraph.job;

/**
 * What one step of a job's work did. Returned by {@link JobDriver#step}; the framework then decides whether the
 * job continues at once, sleeps for the rate limit, waits for a kick, or ends its run.
 */
public sealed interface StepOutcome {

    /**
     * The step processed {@code done} bytes of the job's range (progress {@code offset} advances by it), of which
     * {@code copied} bytes were really copied and count against the rate limit.
     *
     * @param done bytes of the range processed, not negative
     * @param copied bytes of those really copied, not negative
     * @return a {@link Progress} outcome
     * @throws IllegalArgumentException if either count is negative
     */
    static StepOutcome progress(long done, long copied) {
        return new Progress(done, copied);
    }

    /**
     * Nothing done; run the next step. After {@link ErrorAction#STOP} this retries the failed unit on resume.
     *
     * @return the {@link Retry} outcome
     */
    static StepOutcome retry() {
        return Retry.INSTANCE;
    }

    /**
     * Nothing to do until something kicks the job ({@link Job#kick()}, complete, cancel, a pause or resume):
     * QEMU's job_yield, e.g. a READY mirror-style job with no dirty data.
     *
     * @return the {@link Idle} outcome
     */
    static StepOutcome idle() {
        return Idle.INSTANCE;
    }

    /**
     * The work is finished: the run ends, successfully unless an error was noted under on-error=ignore/report.
     *
     * @return the {@link Done} outcome
     */
    static StepOutcome done() {
        return Done.INSTANCE;
    }

    /**
     * The run ends with this error, whatever the on-error policy (a failure that is not an I/O error).
     *
     * @param errno the positive errno the run ends with
     * @param message the error text
     * @return a {@link Failed} outcome
     * @throws IllegalArgumentException if {@code errno} is not positive
     */
    static StepOutcome failed(int errno, String message) {
        return new Failed(errno, message);
    }

    /** See {@link #progress}. */
    record Progress(long done, long copied) implements StepOutcome {
        /**
         * Checks the counts.
         *
         * @param done   bytes of the range processed
         * @param copied bytes of those really copied
         * @throws IllegalArgumentException if either count is negative
         */
        public Progress {
            if (done < 0 || copied < 0) {
                throw new IllegalArgumentException("negative progress: done=" + done + " copied=" + copied);
            }
        }
    }

    /** See {@link #retry}. */
    enum Retry implements StepOutcome { /** The only instance. */ INSTANCE }

    /** See {@link #idle}. */
    enum Idle implements StepOutcome { /** The only instance. */ INSTANCE }

    /** See {@link #done}. */
    enum Done implements StepOutcome { /** The only instance. */ INSTANCE }

    /** See {@link #failed}. */
    record Failed(int errno, String message) implements StepOutcome {
        /**
         * Checks the errno.
         *
         * @param errno   the positive errno
         * @param message the error text
         * @throws IllegalArgumentException if {@code errno} is not positive
         */
        public Failed {
            if (errno <= 0) {
                throw new IllegalArgumentException("errno must be positive: " + errno);
            }
        }
    }
}
