package org.blockgraph.job;

/** A block job's {@code io-status} (QAPI {@code BlockDeviceIoStatus}): set when on-error=stop pauses the job. */
public enum IoStatus {
    /** No error, or none since the last resume. */
    OK("ok"),
    /** Stopped on an I/O error other than ENOSPC. */
    FAILED("failed"),
    /** Stopped on ENOSPC. */
    NOSPACE("nospace");

    private final String qapiName;

    IoStatus(String qapiName) {
        this.qapiName = qapiName;
    }

    /**
     * The QAPI spelling of this value.
     *
     * @return the name QMP uses, e.g. {@code "ok"}
     */
    public String qapiName() {
        return qapiName;
    }
}
