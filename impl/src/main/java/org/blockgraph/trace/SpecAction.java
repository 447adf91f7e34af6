package org.blockgraph.trace;

/**
 * The names of the TLA+ actions that the core emits as trace events.
 *
 * <p>One vocabulary: each constant is spelled exactly as the action in the spec's {@code Next}, and the Lincheck
 * operations and generated commands that drive it use the lowerCamelCase form. A test in the checker keeps this
 * enum, the specs' {@code Next} disjuncts and the trace specs' predicates the same set.
 */
public enum SpecAction {
    // Constants are added together with the spec actions and the code that emits them.

    // ---- Jobs (org.blockgraph.job), environment: management commands. A refused command is traced with
    // args.ok = false and the error text, and changes nothing.
    /** {@code job-pause}: user pause (pause_count + 1, user_paused). */
    JobPause,
    /** {@code job-resume}: undo a user pause (or an on-error stop), reset io-status. */
    JobResume,
    /** {@code job-cancel} / {@code block-job-cancel} (args.force). */
    JobCancel,
    /** {@code job-complete}: a READY mirror-style job is asked to finish (and pivot). */
    JobComplete,
    /** {@code job-finalize}: a PENDING transaction runs prepare, then commit or abort. */
    JobFinalize,
    /** {@code job-dismiss}: a CONCLUDED job goes to NULL and leaves the registry. */
    JobDismiss,
    /** {@code block-job-set-speed}. */
    JobSetSpeed,
    /** {@code block-job-change}. */
    JobChange,

    // ---- Jobs, system actions (carry fairness in the spec).
    /** The job's executor entry found pause_count > 0: RUNNING to PAUSED or READY to STANDBY, busy = false. */
    JobPausePoint,
    /** The job's executor entry ran one step of its work (or ended the run at a force cancel). */
    JobStep,
    /** A step met an I/O error; the on-error policy chose an action. */
    JobError,
    /** A mirror-style job reached sync: RUNNING to READY. */
    JobReady,
    /**
     * The job's run ended and its completion ran under the control lock (QEMU's job_exit / job_completed): to
     * WAITING, or to ABORTING and the transaction abort. The lead's draft called this JobComplete in the drain
     * family; it is renamed because JobComplete is the {@code complete} command.
     */
    JobExit,
    /** The driver's prepare hook ran (finalize, first phase). */
    JobPrepare,
    /** The driver's commit hook ran (the job and its transaction succeeded). */
    JobCommit,
    /** The driver's abort hook ran (failed, force-cancelled, or transaction aborted). */
    JobAbort,
    /** The job reached CONCLUDED (and NULL if auto-dismissed or never started). */
    JobConclude,
}
