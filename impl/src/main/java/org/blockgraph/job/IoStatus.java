package org.blockgraph.job;

/** A block job's {@code io-status} (QAPI {@code BlockDeviceIoStatus}): set when on-error=stop pauses the job. */
public enum IoStatus {
    OK("ok"),
    FAILED("failed"),
    NOSPACE("nospace");

    private final String qapiName;

    IoStatus(String qapiName) {
        this.qapiName = qapiName;
    }

    public String qapiName() {
        return qapiName;
    }
}
