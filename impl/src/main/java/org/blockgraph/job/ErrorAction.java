package org.blockgraph.job;

/** What a job does about one I/O error (QAPI {@code BlockErrorAction}), as sent in BLOCK_JOB_ERROR. */
public enum ErrorAction {
    /** Ignore the error and go on (the failed unit counts as done). */
    IGNORE("ignore"),
    /** End the job with the error. */
    REPORT("report"),
    /** Pause the job with an io-status until it is resumed, then retry. */
    STOP("stop");

    private final String qapiName;

    ErrorAction(String qapiName) {
        this.qapiName = qapiName;
    }

    /**
     * The QAPI spelling of this value.
     *
     * @return the name QMP uses, e.g. {@code "ignore"}
     */
    public String qapiName() {
        return qapiName;
    }
}
