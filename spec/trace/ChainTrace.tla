----------------------------- MODULE ChainTrace -----------------------------
(***************************************************************************)
(* Trace validation of the Java core against spec/chain (Chain.tla):       *)
(* frozen chains, the job state machine, stream / commit / active commit.  *)
(* Recipe: ../../../shared/TOOLCHAIN.md, "Trace validation"; the drain     *)
(* family's DrainTrace.tla is the pattern.                                 *)
(*                                                                         *)
(* The recorded events are the sequence Trace of the generated module     *)
(* ChainTraceData (written by org.blockgraph.checker.trace.                *)
(* ChainTraceModule from an ndjson trace; it also defines the model        *)
(* constants: nodes, jobs and their filters and options, clusters, the     *)
(* initial chain and its data).  The cursor i walks Trace; every event is  *)
(* one step.  Check with INVARIANT TraceNotDone and -deadlock: a violation *)
(* (exit 12) = accepted; no violation (exit 0) = rejected, and TLC's       *)
(* depth - 1 is the longest matched prefix.                                *)
(*                                                                         *)
(* Java and spec steps do not line up one to one around a job's start and  *)
(* finish: upstream (and Chain.tla) insert the filter and freeze inside    *)
(* the start command, and unfreeze / drop the filter / run the driver's    *)
(* commit or abort hook inside one finalize step, while Java emits each    *)
(* of those as its own event.  The sub-events (InsertFilter, ChainFreeze,  *)
(* ChainUnfreeze, RemoveFilter, JobPrepare with ok, JobCommit, JobAbort)   *)
(* are stutter steps of Chain that record themselves in the ghost          *)
(* variable pend; the enclosing event (the start command, JobConclude)     *)
(* takes the spec step and demands the sub-events it is made of.  Every    *)
(* such composition is a named disjunct below and is listed in             *)
(* docs/trace-validation.md.                                               *)
(***************************************************************************)
EXTENDS Chain, ChainTraceData

VARIABLES
    i,      \* the number of trace events matched so far
    pend    \* [Jobs -> SUBSET STRING]: sub-events of the start or finish the job is in the middle of

TraceVars == <<vars, i, pend>>

\* The event the next step must match.
E == Trace[i + 1]

\* The logged job status equals the spec's after the step, where the event logs one.
StatusMatches == "status" \in DOMAIN E => status'[E.job] = E.status

\* A stutter step of Chain that only records a sub-event of job j.
Record(j, what) ==
    /\ pend' = [pend EXCEPT ![j] = @ \cup {what}]
    /\ UNCHANGED vars

\* Would job j copy cluster c if it handled it now (JobCopyCluster's copy condition)?
CopyWanted(j, c) ==
    LET t == CopyTarget(j) IN
    CASE jobKind[j] = "stream" -> data[t][c] = 0 /\ \E n \in StreamSource(j) : data[n][c] # 0
      [] jobKind[j] = "commit" -> \E n \in CommitSource(j) : data[n][c] # 0
      [] OTHER -> TRUE

-----------------------------------------------------------------------------
(* Environment: guest I/O and management commands.                        *)

IsGuestWrite    == E.action = "GuestWrite" /\ GuestWrite(E.cluster, E.value) /\ UNCHANGED pend
IsReopenBacking == E.action = "ReopenBacking" /\ ReopenBacking(E.node, E.newBacking) /\ UNCHANGED pend
IsSnapshot      == E.action = "Snapshot" /\ Snapshot(E.overlay, E.node) /\ UNCHANGED pend
IsDeleteNode    == E.action = "DeleteNode" /\ DeleteNode(E.node) /\ UNCHANGED pend

(* Job start commands.  COMPOSITION StartWithFilterAndFreeze (Java = InsertFilter, ChainFreeze, the
   start event; spec = the one start action): the start event takes the spec's start step, which must
   succeed (status created: an accepted command, not RefuseStart), and demands that both sub-events
   were seen for this job since its slot was free. *)
StartSubEvents(j) == pend[j] = {"InsertFilter", "ChainFreeze"}
StartDone(j) == status'[j] = "created" /\ pend' = [pend EXCEPT ![j] = {}]

IsStreamStart ==
    /\ E.action = "StreamStart" /\ StartSubEvents(E.job)
    /\ StreamStart(E.job, E.bs, E.base, E.bottom) /\ StartDone(E.job)
IsCommitStart ==
    /\ E.action = "CommitStart" /\ StartSubEvents(E.job)
    /\ CommitStart(E.job, E.top, E.base) /\ StartDone(E.job)
IsActiveCommitStart ==
    /\ E.action = "ActiveCommitStart" /\ StartSubEvents(E.job)
    /\ ActiveCommitStart(E.job, E.base) /\ StartDone(E.job)

(* Management verbs.  An accepted verb (ok) is the spec action; a refused one changes nothing and
   must be one the spec refuses too (the action is not enabled). *)
Verb(name, A, refusedOk) ==
    /\ E.action = name
    /\ IF E.ok THEN A /\ UNCHANGED pend ELSE refusedOk /\ UNCHANGED <<vars, pend>>

IsJobPause    == Verb("JobPause", JobPause(E.job), ~ENABLED JobPause(E.job))
IsJobResume   == Verb("JobResume", JobResume(E.job), ~ENABLED JobResume(E.job))
IsJobCancel   == Verb("JobCancel", JobCancel(E.job, E.force), ~ENABLED (\E f \in BOOLEAN : JobCancel(E.job, f)))
IsJobComplete == Verb("JobComplete", JobComplete(E.job), ~ENABLED JobComplete(E.job))
IsJobFinalize == Verb("JobFinalize", JobFinalize(E.job), ~ENABLED JobFinalize(E.job))
IsJobDismiss  == Verb("JobDismiss", JobDismiss(E.job), ~ENABLED JobDismiss(E.job))
(* COMPOSITION CancelRepeated (Java = an accepted job-cancel of a job whose cancel is already pending;
   spec = nothing, or a soft cancel made hard).  Upstream's job_user_cancel accepts a repeated cancel (the
   verb table allows it, job_cancel_async only sets the flags again); Chain.tla's JobCancel demands that
   no cancel is pending, a shortcut that keeps its state space small.  Sound: a repeated cancel changes
   nothing but a soft cancel that becomes forced. *)
IsJobCancelRepeated ==
    /\ E.action = "JobCancel" /\ E.ok
    /\ VerbAllowed("cancel", status[E.job]) /\ cancelled[E.job] # "no"
    /\ cancelled' = [cancelled EXCEPT ![E.job] = IF E.force THEN "hard" ELSE @]
    /\ UNCHANGED <<graphVars, status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, completeReq, finalizeReq, userPaused, outcome>>
    /\ UNCHANGED pend

\* STUTTER: job-set-speed / job-change change only timing, which Chain abstracts away (JobStateMachine).
IsJobSetSpeed == E.action \in {"JobSetSpeed", "JobChange"} /\ UNCHANGED <<vars, pend>>

-----------------------------------------------------------------------------
(* System: job progress.                                                   *)

IsJobStart      == E.action = "JobStart" /\ JobStart(E.job) /\ StatusMatches /\ UNCHANGED pend
IsJobPausePoint == E.action = "JobPausePoint" /\ JobPausePoint(E.job) /\ StatusMatches /\ UNCHANGED pend
IsJobCopyCluster ==
    /\ E.action = "JobCopyCluster"
    /\ E.copied = CopyWanted(E.job, E.cluster)
    /\ JobCopyCluster(E.job, E.cluster) /\ UNCHANGED pend
\* Java does not log which cluster failed; the step that follows pins it down.
IsJobError      == E.action = "JobError" /\ (\E c \in Clusters : JobError(E.job, c)) /\ UNCHANGED pend
IsJobReady      == E.action = "JobReady" /\ JobReady(E.job) /\ StatusMatches /\ UNCHANGED pend
IsJobExit       == E.action = "JobExit" /\ JobCompleted(E.job) /\ UNCHANGED pend
IsJobPending    == E.action = "JobPending" /\ JobPending(E.job) /\ StatusMatches /\ UNCHANGED pend
IsJobAutoDismiss == E.action = "JobAutoDismiss" /\ JobAutoDismiss(E.job) /\ StatusMatches /\ UNCHANGED pend

(* COMPOSITION StreamNothingToCopy (Java = JobExit of a stream whose first step found
   skip_filters(bs) = base_overlay and returned at once; spec = JobCopyCluster for every cluster, none
   copying, then JobCompleted).  Sound: with base_overlay = bs, StreamSource is empty, so each of those
   JobCopyCluster steps only empties todo. *)
IsStreamNothingToCopy ==
    /\ E.action = "JobExit"
    /\ jobKind[E.job] = "stream" /\ Running(E.job)
    /\ cancelled[E.job] = "no" /\ jobErr[E.job] = "none"
    /\ jobOverlay[E.job] = jobTop[E.job]
    /\ status' = [status EXCEPT ![E.job] = "waiting"]
    /\ todo' = [todo EXCEPT ![E.job] = {}]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>
    /\ UNCHANGED pend

(* The finish of a job.  Sub-events while it is pending or aborting: ChainUnfreeze and RemoveFilter
   (the driver's prepare / abort / clean), a successful JobPrepare (which must be one the spec's
   prepare accepts), the driver's JobCommit (after a prepare) or JobAbort (aborting). *)
Finishing(j) == status[j] \in {"pending", "aborting"}

IsFinishChainUnfreeze == E.action = "ChainUnfreeze" /\ Finishing(E.job) /\ Record(E.job, "ChainUnfreeze")
IsFinishRemoveFilter  == E.action = "RemoveFilter" /\ Finishing(E.job) /\ Record(E.job, "RemoveFilter")
IsJobPrepareOk ==
    /\ E.action = "JobPrepare" /\ E.ok
    /\ MayFinalize(E.job) /\ PrepareOk(E.job)
    /\ Record(E.job, "JobPrepare")
\* A failed prepare is the spec's JobPrepareFail (pending -> aborting, the graph unchanged).
IsJobPrepareFail == E.action = "JobPrepare" /\ ~E.ok /\ JobPrepareFail(E.job) /\ UNCHANGED pend
IsJobCommitHook ==
    /\ E.action = "JobCommit" /\ status[E.job] = "pending" /\ "JobPrepare" \in pend[E.job]
    /\ Record(E.job, "JobCommit")
IsJobAbortHook == E.action = "JobAbort" /\ status[E.job] = "aborting" /\ Record(E.job, "JobAbort")

(* COMPOSITION ConcludeAfterHooks (Java = ChainUnfreeze, RemoveFilter, JobPrepare, JobCommit or
   JobAbort, JobConclude; spec = JobCommit or JobAbort, which unfreeze, drop the filter and conclude
   in one step): JobConclude takes the spec step the hook events chose; the job's links must have been
   unfrozen (a ChainUnfreeze seen) and the hook run. *)
IsJobConclude ==
    /\ E.action = "JobConclude"
    /\ "ChainUnfreeze" \in pend[E.job]
    /\ \/ "JobCommit" \in pend[E.job] /\ JobCommit(E.job)
       \/ "JobAbort" \in pend[E.job] /\ "JobCommit" \notin pend[E.job] /\ JobAbort(E.job)
    /\ StatusMatches
    /\ pend' = [pend EXCEPT ![E.job] = {}]

(* Sub-events of a start (job slot still free): the filter goes in, the range freezes.  A start
   refused after its filter went in takes it out again (ChainUnfreeze, RemoveFilter): a refused
   command changes nothing, so those steps only forget the sub-events. *)
IsStartInsertFilter ==
    /\ E.action = "InsertFilter" /\ SlotFree(E.job) /\ FilterOf[E.job] = E.filter /\ E.filter \notin live
    /\ pend[E.job] = {}
    /\ Record(E.job, "InsertFilter")
IsStartChainFreeze ==
    /\ E.action = "ChainFreeze" /\ SlotFree(E.job) /\ pend[E.job] = {"InsertFilter"}
    /\ Record(E.job, "ChainFreeze")
IsRefusedStartUndo ==
    /\ E.action \in {"ChainUnfreeze", "RemoveFilter"} /\ SlotFree(E.job) /\ pend[E.job] # {}
    /\ pend' = [pend EXCEPT ![E.job] = IF E.action = "ChainUnfreeze" THEN @ \ {"ChainFreeze"} ELSE {}]
    /\ UNCHANGED vars

-----------------------------------------------------------------------------

TraceInit == Init /\ i = 0 /\ pend = [j \in Jobs |-> {}]

TraceNext ==
    /\ i < Len(Trace)
    /\ \/ IsGuestWrite \/ IsReopenBacking \/ IsSnapshot \/ IsDeleteNode
       \/ IsStreamStart \/ IsCommitStart \/ IsActiveCommitStart
       \/ IsJobPause \/ IsJobResume \/ IsJobCancel \/ IsJobCancelRepeated \/ IsJobComplete \/ IsJobFinalize \/ IsJobDismiss
       \/ IsJobSetSpeed
       \/ IsJobStart \/ IsJobPausePoint \/ IsJobCopyCluster \/ IsJobError \/ IsJobReady
       \/ IsJobExit \/ IsStreamNothingToCopy \/ IsJobPending \/ IsJobAutoDismiss
       \/ IsFinishChainUnfreeze \/ IsFinishRemoveFilter \/ IsJobPrepareOk \/ IsJobPrepareFail
       \/ IsJobCommitHook \/ IsJobAbortHook \/ IsJobConclude
       \/ IsStartInsertFilter \/ IsStartChainFreeze \/ IsRefusedStartUndo
    /\ i' = i + 1

TraceSpec == TraceInit /\ [][TraceNext]_TraceVars

\* Violated exactly when the whole trace has been matched.
TraceNotDone == i < Len(Trace)

\* The Chain actions enabled in the current state (any arguments): printed for the first event that
\* did not match.
EnabledActions ==
    {a \in {"GuestWrite", "ReopenBacking", "Snapshot", "DeleteNode", "StreamStart", "CommitStart",
            "ActiveCommitStart", "JobPause", "JobResume", "JobCancel", "JobComplete", "JobFinalize",
            "JobDismiss", "JobStart", "JobPausePoint", "JobCopyCluster", "JobError", "JobReady",
            "JobCompleted", "JobPending", "JobCommit", "JobPrepareFail", "JobAbort", "JobAutoDismiss"} :
        CASE a = "GuestWrite" -> ENABLED (\E c \in Clusters, v \in GuestValues : GuestWrite(c, v))
          [] a = "ReopenBacking" -> ENABLED (\E n, nb \in Nodes : ReopenBacking(n, nb))
          [] a = "Snapshot" -> ENABLED (\E ov, n \in Nodes : Snapshot(ov, n))
          [] a = "DeleteNode" -> ENABLED (\E n \in Nodes : DeleteNode(n))
          [] a = "StreamStart" -> ENABLED (\E t \in StreamArgs : StreamStart(t[1], t[2], t[3], t[4]))
          [] a = "CommitStart" -> ENABLED (\E t \in CommitArgs : CommitStart(t[1], t[2], t[3]))
          [] a = "ActiveCommitStart" -> ENABLED (\E t \in ActiveArgs : ActiveCommitStart(t[1], t[2]))
          [] a = "JobPause" -> ENABLED (\E j \in Jobs : JobPause(j))
          [] a = "JobResume" -> ENABLED (\E j \in Jobs : JobResume(j))
          [] a = "JobCancel" -> ENABLED (\E j \in Jobs, f \in BOOLEAN : JobCancel(j, f))
          [] a = "JobComplete" -> ENABLED (\E j \in Jobs : JobComplete(j))
          [] a = "JobFinalize" -> ENABLED (\E j \in Jobs : JobFinalize(j))
          [] a = "JobDismiss" -> ENABLED (\E j \in Jobs : JobDismiss(j))
          [] a = "JobStart" -> ENABLED (\E j \in Jobs : JobStart(j))
          [] a = "JobPausePoint" -> ENABLED (\E j \in Jobs : JobPausePoint(j))
          [] a = "JobCopyCluster" -> ENABLED (\E j \in Jobs, c \in Clusters : JobCopyCluster(j, c))
          [] a = "JobError" -> ENABLED (\E j \in Jobs, c \in Clusters : JobError(j, c))
          [] a = "JobReady" -> ENABLED (\E j \in Jobs : JobReady(j))
          [] a = "JobCompleted" -> ENABLED (\E j \in Jobs : JobCompleted(j))
          [] a = "JobPending" -> ENABLED (\E j \in Jobs : JobPending(j))
          [] a = "JobCommit" -> ENABLED (\E j \in Jobs : JobCommit(j))
          [] a = "JobPrepareFail" -> ENABLED (\E j \in Jobs : JobPrepareFail(j))
          [] a = "JobAbort" -> ENABLED (\E j \in Jobs : JobAbort(j))
          [] a = "JobAutoDismiss" -> ENABLED (\E j \in Jobs : JobAutoDismiss(j))}

\* Used on the matched prefix of a rejected trace: prints the enabled actions in every state where the
\* prefix ends, then reports (as a violation) that it got there.
PrefixEndReport == i = Len(Trace) => (PrintT(<<"ENABLED", EnabledActions, "pend", pend>>) /\ FALSE)
=============================================================================
