package org.blockgraph.job;

/**
 * What one step of a job's work did. Returned by {@link JobDriver#step}; the framework then decides whether the
 * job continues at once, sleeps for the rate limit, waits for a kick, or ends its run.
 */
public sealed interface StepOutcome {

    /**
     * The step processed {@code done} bytes of the job's range (progress {@code offset} advances by it), of which
     * {@code copied} bytes were really copied and count against the rate limit.
     */
    static StepOutcome progress(long done, long copied) {
        return new Progress(done, copied);
    }

    /** Nothing done; run the next step. After {@link ErrorAction#STOP} this retries the failed unit on resume. */
    static StepOutcome retry() {
        return Retry.INSTANCE;
    }

    /**
     * Nothing to do until something kicks the job ({@link Job#kick()}, complete, cancel, a pause or resume):
     * QEMU's job_yield, e.g. a READY mirror-style job with no dirty data.
     */
    static StepOutcome idle() {
        return Idle.INSTANCE;
    }

    /** The work is finished: the run ends, successfully unless an error was noted under on-error=ignore/report. */
    static StepOutcome done() {
        return Done.INSTANCE;
    }

    /** The run ends with this error, whatever the on-error policy (a failure that is not an I/O error). */
    static StepOutcome failed(int errno, String message) {
        return new Failed(errno, message);
    }

    /** See {@link #progress}. */
    record Progress(long done, long copied) implements StepOutcome {
        public Progress {
            if (done < 0 || copied < 0) {
                throw new IllegalArgumentException("negative progress: done=" + done + " copied=" + copied);
            }
        }
    }

    /** See {@link #retry}. */
    enum Retry implements StepOutcome { INSTANCE }

    /** See {@link #idle}. */
    enum Idle implements StepOutcome { INSTANCE }

    /** See {@link #done}. */
    enum Done implements StepOutcome { INSTANCE }

    /** See {@link #failed}. */
    record Failed(int errno, String message) implements StepOutcome {
        public Failed {
            if (errno <= 0) {
                throw new IllegalArgumentException("errno must be positive: " + errno);
            }
        }
    }
}
