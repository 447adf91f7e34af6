package org.blockgraph.trace;

/**
 * The names of the TLA+ actions that the core emits as trace events.
 *
 * <p>One vocabulary: each constant is spelled exactly as the action in the spec's {@code Next}, and the Lincheck
 * operations and generated commands that drive it use the lowerCamelCase form. A test in the checker keeps this
 * enum, the specs' {@code Next} disjuncts and the trace specs' predicates the same set.
 *
 * <p>The constants below belong to the drain / graph lock / I/O family (spec/drain). Where each is emitted:
 * <ul>
 *   <li>{@link #BlkSubmit}: a BlockBackend accepted a request and took its in-flight reference
 *       ({@code BlockBackend.execute}).</li>
 *   <li>{@link #BlkPark} / {@link #BlkUnpark}: a request in a quiesced BlockBackend dropped its in-flight
 *       reference and waits / took it again after the drained section ended.</li>
 *   <li>{@link #ReqDescend}: a request passed from a parent (BlockBackend or node) into the child on its path
 *       ({@code Child} I/O methods).</li>
 *   <li>{@link #ReqComplete}: a request completed at its BlockBackend and dropped its in-flight reference.</li>
 *   <li>{@link #DrainedBegin} / {@link #DrainedEnd}: a drained section on a node began (quiesce part, before the
 *       poll) / ended ({@code BlockGraph.drainedBegin/End}).</li>
 *   <li>{@link #DrainPollDone}: drainedBegin's poll found the node and its parents quiet and returned.</li>
 *   <li>{@link #DrainAllBegin} / {@link #DrainAllPollDone} / {@link #DrainAllEnd}: the same for drain_all.</li>
 *   <li>{@link #AttachChild}, {@link #ReplaceChild}, {@link #DetachChild}, {@link #RemoveNode}: graph changes,
 *       at their commit under the graph write lock ({@code BlockGraph}).</li>
 *   <li>{@link #GraphRdlock}: a request passed its BlockBackend's drain check, took the read lock and enters the
 *       root node ({@code BlockBackend}); the read unlock is part of {@link #ReqComplete}.</li>
 *   <li>{@link #GraphWrlockBegin} / {@link #GraphWrlock} / {@link #GraphWrunlock}: a writer quiesced every node
 *       and waits for readers / holds the write lock / released it and ended that quiesce ({@code BlockGraph}).</li>
 * </ul>
 */
public enum SpecAction {
    // ---- Drain / graph lock / I/O (org.blockgraph.graph, org.blockgraph.io).
    /** A BlockBackend accepted a request and took its in-flight reference. */
    BlkSubmit,
    /** A request in a quiesced BlockBackend dropped its in-flight reference and waits. */
    BlkPark,
    /** A parked request took its in-flight reference again after the drained section ended. */
    BlkUnpark,
    /** A request passed from a node into the child on its path. */
    ReqDescend,
    /** A request completed in its thread, dropping its references and the read lock. */
    ReqComplete,
    /** A drained section on a node began (its quiesce part). */
    DrainedBegin,
    /** A drained section on a node ended. */
    DrainedEnd,
    /** drainedBegin's poll found the node and its parents quiet. */
    DrainPollDone,
    /** drain_all quiesced every node. */
    DrainAllBegin,
    /** drain_all's poll found every node quiet. */
    DrainAllPollDone,
    /** drain_all ended. */
    DrainAllEnd,
    /** A new child edge was attached. */
    AttachChild,
    /** A child edge was pointed at another node. */
    ReplaceChild,
    /** A child edge was removed. */
    DetachChild,
    /** A node was deleted. */
    RemoveNode,
    /** A request passed its drain check, took the read lock and enters its root node. */
    GraphRdlock,
    /** A writer quiesced every node and waits for readers. */
    GraphWrlockBegin,
    /** A writer holds the graph lock. */
    GraphWrlock,
    /** A writer released the graph lock and ended its quiesce. */
    GraphWrunlock,

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

    // ---- Chain / stream / commit (org.blockgraph.chain, org.blockgraph.blockjob; spec/chain). Environment:
    /** {@code block-stream} accepted: filter inserted, links frozen, nodes blocked, job created. */
    StreamStart,
    /** {@code block-commit} of an intermediate layer accepted. */
    CommitStart,
    /** {@code block-commit} of the active layer accepted (mirror-style). */
    ActiveCommitStart,
    // System:
    /** A job froze its range of links (inside its start). */
    ChainFreeze,
    /** A job released its frozen links (inside its completion). */
    ChainUnfreeze,
    /** A job inserted its filter node (copy-on-read, commit_top, mirror_top). */
    InsertFilter,
    /** A job dropped its filter node. */
    RemoveFilter,
    /** A job copied one cluster (stream: into the top; commit: into the base). */
    JobCopyCluster,
    /** The command that created a job started it: CREATED to RUNNING ({@code Job.start}). */
    JobStart,
    /** A WAITING job whose transaction completed moved to PENDING. */
    JobPending,
    /** A CONCLUDED job with auto-dismiss (or never started) went to NULL and left the registry. */
    JobAutoDismiss,
    /** The guest wrote one cluster through its BlockBackend (args: cluster, value). */
    GuestWrite,
    /** {@code blockdev-reopen} changed a format node's backing link. */
    ReopenBacking,
    /** {@code blockdev-snapshot}: a fresh overlay took the place of the active layer. */
    Snapshot,
    /**
     * {@code blockdev-del} of a format node. Not emitted under this name: the core emits the drain family's
     * {@link #RemoveNode} at the same commit, and the chain trace reader turns the RemoveNode of a format node into
     * DeleteNode (only blockdev-del removes a format node), so drain traces keep their own vocabulary.
     */
    DeleteNode,
}
