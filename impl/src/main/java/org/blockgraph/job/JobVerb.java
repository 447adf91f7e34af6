package org.blockgraph.job;

/**
 * The management commands a job accepts, with their QAPI spellings, and the modern verb table (reference §6,
 * QEMU ≥ 8.2: {@code complete} also in standby, and the {@code change} verb).
 *
 * <p>A verb that the table forbids in the job's current status is refused with
 * {@code Job '<id>' in state '<status>' cannot accept command verb '<verb>'} and changes nothing.
 */
public enum JobVerb {
    CANCEL("cancel", "01111111000"),
    PAUSE("pause", "01111100000"),
    RESUME("resume", "01111100000"),
    SET_SPEED("set-speed", "01111100000"),
    COMPLETE("complete", "00001100000"),
    FINALIZE("finalize", "00000001000"),
    DISMISS("dismiss", "00000000010"),
    CHANGE("change", "01111100000");

    private final String qapiName;
    /** JobVerbTable[verb][status], one character per {@link JobStatus} in declaration order. */
    private final String allowed;

    JobVerb(String qapiName, String allowed) {
        this.qapiName = qapiName;
        this.allowed = allowed;
    }

    /** The QAPI spelling, e.g. {@code set-speed}. */
    public String qapiName() {
        return qapiName;
    }

    /** Whether the verb table allows this verb in {@code status}. */
    public boolean allowedIn(JobStatus status) {
        return allowed.charAt(status.ordinal()) == '1';
    }

    /** The exact upstream error text for this verb refused in {@code status}. */
    public String refusal(String jobId, JobStatus status) {
        return String.format("Job '%s' in state '%s' cannot accept command verb '%s'",
                jobId, status.qapiName(), qapiName);
    }
}
