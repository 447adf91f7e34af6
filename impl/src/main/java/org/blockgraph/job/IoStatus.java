package org.blockgraph.job;

/** A block job's {@code io-status} (QAPI {@code BlockDeviceIoStatus}): set when on-error=stop pauses the job. */
public enum IoStatus {
    /** No on-error=stop pause since the job was created or last resumed or cancelled. */
    OK("ok"),
    /** Paused by on-error=stop on an I/O error other than ENOSPC. */
    FAILED("failed"),
    /** Paused by on-error=stop on ENOSPC. */
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
