package org.blockgraph.job;

/** What a job does about one I/O error (QAPI {@code BlockErrorAction}), as sent in BLOCK_JOB_ERROR. */
public enum ErrorAction {
    IGNORE("ignore"),
    REPORT("report"),
    STOP("stop");

    private final String qapiName;

    ErrorAction(String qapiName) {
        this.qapiName = qapiName;
    }

    public String qapiName() {
        return qapiName;
    }
}
