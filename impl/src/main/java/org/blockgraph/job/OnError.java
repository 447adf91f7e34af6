package org.blockgraph.job;

/** The {@code on-error} policy of a block job (QAPI {@code BlockdevOnError}). */
public enum OnError {
    /** Fail the job with the error (the default). */
    REPORT("report"),
    /** Note the first error, keep going, and fail the job with it at the end. */
    IGNORE("ignore"),
    /** Stop on ENOSPC; report anything else. */
    ENOSPC("enospc"),
    /** Pause the job (user-visible pause, io-status set); resume retries the failed unit. */
    STOP("stop"),
    /** As enospc for block jobs. */
    AUTO("auto");

    private final String qapiName;

    OnError(String qapiName) {
        this.qapiName = qapiName;
    }

    /**
     * The QAPI spelling of this policy.
     *
     * @return the name QMP uses, e.g. {@code "enospc"}
     */
    public String qapiName() {
        return qapiName;
    }

    /**
     * The action this policy takes for an error with {@code errno} (QEMU's block_job_error_action).
     *
     * @param errno the positive errno of the error
     * @return STOP for stop (and for ENOSPC under enospc/auto), IGNORE for ignore, otherwise REPORT
     */
    public ErrorAction actionFor(int errno) {
        switch (this) {
            case ENOSPC:
            case AUTO:
                return errno == Errno.ENOSPC ? ErrorAction.STOP : ErrorAction.REPORT;
            case STOP:
                return ErrorAction.STOP;
            case IGNORE:
                return ErrorAction.IGNORE;
            case REPORT:
            default:
                return ErrorAction.REPORT;
        }
    }
}
