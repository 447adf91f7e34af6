package org.blockgraph.job;

/**
 * The management commands a job accepts, with their QAPI spellings, and the modern verb table (reference §6,
 * QEMU ≥ 8.2: {@code complete} also in standby, and the {@code change} verb).
 *
 * <p>A verb that the table forbids in the job's current status is refused with
 * {@code Job '<id>' in state '<status>' cannot accept command verb '<verb>'} and changes nothing.
 */
public enum JobVerb {
    /** The {@code job-cancel} command (block-job-cancel). */
    CANCEL("cancel", "01111111000"),
    /** The {@code job-pause} command (block-job-pause). */
    PAUSE("pause", "01111100000"),
    /** The {@code job-resume} command (block-job-resume). */
    RESUME("resume", "01111100000"),
    /** The {@code block-job-set-speed} command. */
    SET_SPEED("set-speed", "01111100000"),
    /** The {@code job-complete} command (block-job-complete). */
    COMPLETE("complete", "00001100000"),
    /** The {@code job-finalize} command (block-job-finalize). */
    FINALIZE("finalize", "00000001000"),
    /** The {@code job-dismiss} command (block-job-dismiss). */
    DISMISS("dismiss", "00000000010"),
    /** The {@code block-job-change} command (QMP {@code job-change} in the driver docs): type-specific options. */
    CHANGE("change", "01111100000");

    private final String qapiName;
    /** JobVerbTable[verb][status], one character per {@link JobStatus} in declaration order. */
    private final String allowed;

    JobVerb(String qapiName, String allowed) {
        this.qapiName = qapiName;
        this.allowed = allowed;
    }

    /**
     * The QAPI spelling, e.g. {@code set-speed}.
     *
     * @return the QAPI spelling
     */
    public String qapiName() {
        return qapiName;
    }

    /**
     * Whether the verb table allows this verb in {@code status}.
     *
     * @param status the job's current status
     * @return true if the verb is accepted in {@code status}
     */
    public boolean allowedIn(JobStatus status) {
        return allowed.charAt(status.ordinal()) == '1';
    }

    /**
     * The exact upstream error text for this verb refused in {@code status}.
     *
     * @param jobId the job's id
     * @param status the job's current status
     * @return the error message {@code Job '<id>' in state '<status>' cannot accept command verb '<verb>'}
     */
    public String refusal(String jobId, JobStatus status) {
        return String.format("Job '%s' in state '%s' cannot accept command verb '%s'",
                jobId, status.qapiName(), qapiName);
    }
}
