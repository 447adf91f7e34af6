---------------------------- MODULE JobStateMachine ----------------------------
(***************************************************************************)
(* Concern 2: the generic job state machine of job.c (reference §6): the   *)
(* transition table, the verb table, the management verbs and the generic  *)
(* lifecycle steps.  Driver-specific steps (what a job copies, what it     *)
(* does to the graph at prepare/abort) are in StreamCommit.                *)
(* Java: org.blockgraph.job.Job (state machine, verbs),                    *)
(*       org.blockgraph.job.JobStatus, org.blockgraph.job.JobVerb.         *)
(***************************************************************************)
EXTENDS ChainGraph

CONSTANTS
    AutoFinalize,   \* [Jobs -> BOOLEAN]: auto-finalize option given at job start
    AutoDismiss,    \* [Jobs -> BOOLEAN]: auto-dismiss option given at job start
    OnError,        \* [Jobs -> {"report","ignore","stop"}]: on-error option given at job start
    InjectErrors    \* BOOLEAN: may a job step fail (once per job)?

VARIABLES
    status,      \* [Jobs -> Status]: JobStatus (QAPI spelling)
    jobKind,     \* [Jobs -> {"none","stream","commit","active"}]: which driver, "none" before start
    jobTop,      \* [Jobs -> node]: stream: bs; commit / active commit: top
    jobBase,     \* [Jobs -> node]: the base given at start (stream: base-node, None = whole chain)
    jobAbove,    \* [Jobs -> node]: stream: above_base (node directly above base at start)
    jobOverlay,  \* [Jobs -> node]: stream: base_overlay (= bottom); commit: unused (None)
    jobLinks,    \* [Jobs -> SUBSET Nodes]: links this job froze (unfrozen exactly at its end)
    jobNodes,    \* [Jobs -> SUBSET Nodes]: nodes added with block_job_add_bdrv (op-blocked, referenced)
    todo,        \* [Jobs -> SUBSET Clusters]: clusters the job still has to visit (mirror: dirty bitmap)
    jobErr,      \* [Jobs -> {"none","stopped","ignored","reported"}]: the (single) I/O error a job met
    cancelled,   \* [Jobs -> {"no","soft","hard"}]: cancel requested (soft = READY mirror, no pivot)
    completeReq, \* [Jobs -> BOOLEAN]: the `complete` verb was accepted (mirror should_complete)
    finalizeReq, \* [Jobs -> BOOLEAN]: the `finalize` verb was accepted
    userPaused,  \* [Jobs -> BOOLEAN]: user_paused (pause verb, or on-error=stop)
    outcome      \* [Jobs -> STRING]: "none"; the error the start command was refused with ("busy",
                 \* "never-freeze", "link-frozen"); or how the job concluded ("completed", "aborted")

jobVars == <<status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes, todo,
             jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

Statuses == {"undefined", "created", "running", "paused", "ready", "standby", "waiting",
             "pending", "aborting", "concluded", "null"}

(* JobSTT of job.c: allowed status transitions (reference §6). *)
Succ == [undefined |-> {"created"},
         created   |-> {"running", "aborting", "null"},
         running   |-> {"paused", "ready", "waiting", "aborting"},
         paused    |-> {"running"},
         ready     |-> {"standby", "waiting", "aborting"},
         standby   |-> {"ready"},
         waiting   |-> {"pending", "aborting"},
         pending   |-> {"aborting", "concluded"},
         aborting  |-> {"aborting", "concluded"},
         concluded |-> {"null"},
         null      |-> {}]
Transition(from, to) == to \in Succ[from]

(* JobVerbTable of job.c (modern: complete also in standby; `change` has set-speed's bits). *)
VerbStatuses == [cancel   |-> {"created", "running", "paused", "ready", "standby", "waiting", "pending"},
                 pause    |-> {"created", "running", "paused", "ready", "standby"},
                 resume   |-> {"created", "running", "paused", "ready", "standby"},
                 setspeed |-> {"created", "running", "paused", "ready", "standby"},
                 change   |-> {"created", "running", "paused", "ready", "standby"},
                 complete |-> {"ready", "standby"},
                 finalize |-> {"pending"},
                 dismiss  |-> {"concluded"}]
VerbAllowed(verb, st) == st \in VerbStatuses[verb]
(* Override point for the negative model CompleteInRunning. *)
CompleteAllowed(st) == VerbAllowed("complete", st)

Started(j) == status[j] \notin {"undefined"}
Active(j) == status[j] \notin {"undefined", "concluded", "null"}  \* holds its filter, freezes, blockers
Running(j) == status[j] \in {"running", "ready"}                  \* its coroutine may make progress

(* ---------------- environment: management verbs (job-* QMP commands) ---------------- *)

(* JobPause: `job-pause`; table allows it and the job is not already user-paused ("Job is already
   paused" otherwise).  Takes effect at the next pause point.  job_user_pause -> Job#pause *)
JobPause(j) ==
    /\ VerbAllowed("pause", status[j])
    /\ ~userPaused[j]
    /\ userPaused' = [userPaused EXCEPT ![j] = TRUE]
    /\ UNCHANGED <<graphVars, status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, outcome>>

(* JobResume: `job-resume`; table allows it and the job is user-paused ("Can't resume a job that was
   not paused" otherwise).  A job sitting at its pause point goes back (paused->running,
   standby->ready).  job_user_resume -> Job#resume *)
JobResume(j) ==
    /\ VerbAllowed("resume", status[j])
    /\ userPaused[j]
    /\ userPaused' = [userPaused EXCEPT ![j] = FALSE]
    /\ status' = [status EXCEPT ![j] = CASE status[j] = "paused" -> "running"
                                         [] status[j] = "standby" -> "ready"
                                         [] OTHER -> status[j]]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, outcome>>

(* JobCancel: `job-cancel` / `block-job-cancel force=..`; table allows it and no cancel is pending.
   Not started (created) -> aborts at once.  Deferred to the main loop (waiting/pending) -> aborts the
   transaction.  Otherwise the request is noted and a user pause is lifted; a soft cancel of a READY
   mirror (active commit) finishes as completed without pivoting; every other driver treats any cancel
   as forced (job_cancel_async).  job_user_cancel -> Job#cancel *)
JobCancel(j, force) ==
    /\ VerbAllowed("cancel", status[j])
    /\ cancelled[j] = "no"
    /\ LET soft == ~force /\ jobKind[j] = "active" /\ status[j] \in {"ready", "standby"}
       IN /\ cancelled' = [cancelled EXCEPT ![j] = IF soft THEN "soft" ELSE "hard"]
          /\ status' = [status EXCEPT ![j] = CASE status[j] \in {"created", "waiting", "pending"} -> "aborting"
                                               [] status[j] = "paused" -> "running"
                                               [] status[j] = "standby" -> "ready"
                                               [] OTHER -> status[j]]
          /\ userPaused' = [userPaused EXCEPT ![j] = FALSE]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, completeReq, finalizeReq, outcome>>

(* JobComplete: the `complete` verb (`job-complete`); table allows it (ready/standby), the driver has
   .complete (only the mirror-based active commit) and no cancel was requested ("The active block job
   '%s' cannot be completed" otherwise).  job_complete -> Job#complete *)
JobComplete(j) ==
    /\ CompleteAllowed(status[j])
    /\ jobKind[j] = "active"
    /\ cancelled[j] = "no"
    /\ ~completeReq[j]
    /\ completeReq' = [completeReq EXCEPT ![j] = TRUE]
    /\ UNCHANGED <<graphVars, status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, finalizeReq, userPaused, outcome>>

(* JobFinalize: `job-finalize`; table allows it (pending).  The finalize itself is the system step
   JobCommit / JobPrepareFail.  job_finalize -> Job#finalize *)
JobFinalize(j) ==
    /\ VerbAllowed("finalize", status[j])
    /\ ~finalizeReq[j]
    /\ finalizeReq' = [finalizeReq EXCEPT ![j] = TRUE]
    /\ UNCHANGED <<graphVars, status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, userPaused, outcome>>

(* JobDismiss: `job-dismiss`; table allows it (concluded).  job_dismiss -> Job#dismiss *)
JobDismiss(j) ==
    /\ VerbAllowed("dismiss", status[j])
    /\ status' = [status EXCEPT ![j] = "null"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* `job-set-speed` / `job-change` change only timing; every interleaving is already explored, so they
   are stutter steps of this model and are not disjuncts of Next (the Java core may trace them). *)

(* ---------------- system: generic lifecycle steps ---------------- *)

(* JobStart: the command that created the job starts it (created -> running); job_start ->
   Job#start.  Enabled once the creating command is done; job_create/job_start run in one QMP
   command upstream, the split lets a cancel in `created` be explored. *)
JobStart(j) ==
    /\ status[j] = "created"
    /\ status' = [status EXCEPT ![j] = "running"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* JobPausePoint: the coroutine reaches job_pause_point with a pause requested and no cancel
   pending: running -> paused, ready -> standby.  job_pause_point -> Job#pausePoint *)
JobPausePoint(j) ==
    /\ userPaused[j]
    /\ cancelled[j] = "no"
    /\ status[j] \in {"running", "ready"}
    /\ status' = [status EXCEPT ![j] = IF status[j] = "running" THEN "paused" ELSE "standby"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* JobPending: a job in `waiting` whose transaction (here: only itself) has completed moves to
   `pending`.  job_completed_txn_success -> Job#completed *)
JobPending(j) ==
    /\ status[j] = "waiting"
    /\ status' = [status EXCEPT ![j] = "pending"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* JobAutoDismiss: a concluded job with auto-dismiss disappears (job_conclude -> job_do_dismiss).
   Java: Job#conclude *)
JobAutoDismiss(j) ==
    /\ status[j] = "concluded"
    /\ AutoDismiss[j]
    /\ status' = [status EXCEPT ![j] = "null"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* Finalize may run: auto-finalize, or the `finalize` verb was accepted. *)
MayFinalize(j) == status[j] = "pending" /\ (AutoFinalize[j] \/ finalizeReq[j])

=============================================================================
