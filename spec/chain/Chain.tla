-------------------------------- MODULE Chain --------------------------------
(***************************************************************************)
(* Frozen backing chains, the job state machine, and parallel              *)
(* stream / commit / active commit on one chain: the composition.          *)
(*                                                                         *)
(* Concerns (one module each): ChainGraph (links, data, freezing),         *)
(* JobStateMachine (job.c tables and verbs), StreamCommit (the drivers),   *)
(* Management (guest writes, reopen, snapshot, delete).                    *)
(* Every action name is the name of the Java trace event and SpecAction    *)
(* enum constant (org.blockgraph.trace.SpecAction).  The freeze / filter   *)
(* sub-steps the lead listed (ChainFreeze, ChainUnfreeze, InsertFilter,    *)
(* RemoveFilter) are operators composed atomically into the start and      *)
(* finish actions, because upstream runs them inside one main-loop command *)
(* or finalize step: the trace spec folds those events into the enclosing  *)
(* action.                                                                 *)
(***************************************************************************)
EXTENDS Management

vars == <<graphVars, jobVars>>

Init ==
    /\ live = InitLive
    /\ backing = InitBacking
    /\ root = InitRoot
    /\ data = InitData
    /\ frozen = [n \in Nodes |-> FALSE]
    /\ frozenTo = [n \in Nodes |-> None]
    /\ guest = [c \in Clusters |-> ReadB(InitBacking, InitData, InitRoot, c, MaxDepth)]
    /\ writes = 0
    /\ status = [j \in Jobs |-> "undefined"]
    /\ jobKind = [j \in Jobs |-> "none"]
    /\ jobTop = [j \in Jobs |-> None]
    /\ jobBase = [j \in Jobs |-> None]
    /\ jobAbove = [j \in Jobs |-> None]
    /\ jobOverlay = [j \in Jobs |-> None]
    /\ jobLinks = [j \in Jobs |-> {}]
    /\ jobNodes = [j \in Jobs |-> {}]
    /\ todo = [j \in Jobs |-> {}]
    /\ jobErr = [j \in Jobs |-> "none"]
    /\ cancelled = [j \in Jobs |-> "no"]
    /\ completeReq = [j \in Jobs |-> FALSE]
    /\ finalizeReq = [j \in Jobs |-> FALSE]
    /\ userPaused = [j \in Jobs |-> FALSE]
    /\ outcome = [j \in Jobs |-> "none"]

NodeArg == Nodes \cup {None}

(* ---- environment: guest I/O and management commands (no fairness) ---- *)
GuestNext ==
    \/ \E c \in Clusters, v \in GuestValues : GuestWrite(c, v)
ManagementNext ==
    \/ \E n \in Nodes, nb \in Nodes : ReopenBacking(n, nb)
    \/ \E ov \in Nodes, n \in Nodes : Snapshot(ov, n)
    \/ \E n \in Nodes : DeleteNode(n)
JobCommandNext ==
    \/ \E j \in Jobs, bs \in Nodes, base \in NodeArg, bottom \in NodeArg : StreamStart(j, bs, base, bottom)
    \/ \E j \in Jobs, top \in Nodes, base \in Nodes : CommitStart(j, top, base)
    \/ \E j \in Jobs, base \in Nodes : ActiveCommitStart(j, base)
JobVerbNext ==
    \E j \in Jobs :
        \/ JobPause(j)
        \/ JobResume(j)
        \/ \E force \in BOOLEAN : JobCancel(j, force)
        \/ JobComplete(j)
        \/ JobFinalize(j)
        \/ JobDismiss(j)

(* ---- system: job progress (fair) ---- *)
JobProgress(j) ==
    \/ JobStart(j)
    \/ \E c \in Clusters : JobCopyCluster(j, c)
    \/ \E c \in Clusters : JobError(j, c)
    \/ JobReady(j)
    \/ JobCompleted(j)
    \/ JobPending(j)
    \/ JobCommit(j)
    \/ JobPrepareFail(j)
    \/ JobAbort(j)
    \/ JobAutoDismiss(j)
SystemNext ==
    \E j \in Jobs :
        \/ JobProgress(j)
        \/ JobPausePoint(j)

(* Nothing left to do for any job: allow stuttering so that a finished run is not a deadlock,
   while a job stuck mid-way still is one. *)
Quiescent == \A j \in Jobs : status[j] \in {"undefined", "concluded", "null"}
Done == Quiescent /\ UNCHANGED vars

Next ==
    \/ GuestNext
    \/ ManagementNext
    \/ JobCommandNext
    \/ JobVerbNext
    \/ SystemNext
    \/ Done

(* Fairness: job progress is strongly fair (a pause / resume loop cannot starve a job); the
   management layer cooperates as the 030 tests do: it eventually resumes what it paused, completes
   a READY job and finalizes a pending one.  Guest writes are bounded by MaxWrites. *)
Fairness ==
    \A j \in Jobs :
        /\ SF_vars(JobProgress(j))
        /\ WF_vars(JobResume(j))
        /\ WF_vars(JobComplete(j))
        /\ WF_vars(JobFinalize(j))

Spec == Init /\ [][Next]_vars
FairSpec == Spec /\ Fairness

(* =============================== invariants =============================== *)

TypeOK ==
    /\ live \subseteq Nodes
    /\ backing \in [Nodes -> NodeArg]
    /\ root \in Nodes
    /\ data \in [Nodes -> [Clusters -> Vals]]
    /\ frozen \in [Nodes -> BOOLEAN]
    /\ frozenTo \in [Nodes -> NodeArg]
    /\ status \in [Jobs -> Statuses]
    /\ jobKind \in [Jobs -> {"none", "stream", "commit", "active"}]
    /\ jobLinks \in [Jobs -> SUBSET Nodes]
    /\ jobNodes \in [Jobs -> SUBSET Nodes]
    /\ todo \in [Jobs -> SUBSET Clusters]
    /\ jobErr \in [Jobs -> {"none", "stopped", "ignored", "reported"}]
    /\ cancelled \in [Jobs -> {"no", "soft", "hard"}]

(* The guest reads, through the chain from its BlockBackend, what it last wrote (or the initial
   content), whatever jobs did - completed, failed or cancelled. *)
GuestContentInv == \A c \in Clusters : Read(root, c) = guest[c]

(* Every link of a live node points at a live node; the BlockBackend too. *)
BackingLiveInv ==
    /\ root \in live
    /\ \A n \in live : backing[n] = None \/ backing[n] \in live

(* No node is below itself. *)
AcyclicInv == \A n \in live : n \notin Below(n)

(* A frozen link never changes while it is frozen (and its node stays). *)
FrozenLinkInv == \A n \in Nodes : frozen[n] => (n \in live /\ backing[n] = frozenTo[n])

(* A link is frozen exactly while an active job that froze it holds it. *)
FrozenOwnedInv == \A n \in Nodes : frozen[n] <=> \E j \in Jobs : Active(j) /\ n \in jobLinks[j]

(* Two active jobs never freeze the same link nor hold the same node. *)
RangeExclusiveInv ==
    \A j, k \in Jobs : j # k /\ Active(j) /\ Active(k) =>
        /\ jobLinks[j] \cap jobLinks[k] = {}
        /\ jobNodes[j] \cap jobNodes[k] = {}

(* While a job runs, the part of the chain it works on stays as it was set up: its filter still sits
   on its top node, a stream's base_overlay is still below bs, a commit's base still below top.
   Freezing is what guarantees this against reopen and other jobs. *)
JobChainIntactInv ==
    \A j \in Jobs : Active(j) =>
        /\ FilterOf[j] \in live /\ backing[FilterOf[j]] = jobTop[j]
        /\ jobKind[j] = "stream" => jobOverlay[j] \in OnPath(jobTop[j])
        /\ jobKind[j] \in {"commit", "active"} => jobBase[j] \in Below(jobTop[j])

(* Verbs leave traces in the state; each trace implies the verb came in a status the table allows:
   `complete` only in ready/standby (so never before READY), `finalize` only in pending, a soft cancel
   only on a READY job. *)
JobVerbInv ==
    \A j \in Jobs :
        /\ completeReq[j] => status[j] \notin {"undefined", "created", "running", "paused"}
        /\ cancelled[j] = "soft" => status[j] \notin {"undefined", "created", "running", "paused"}
        /\ finalizeReq[j] => status[j] \in {"pending", "aborting", "concluded", "null"}

(* =========================== action properties =========================== *)

(* Jobs move only along job.c's transition table. *)
JobTransitionProp == [][\A j \in Jobs : status'[j] = status[j] \/ Transition(status[j], status'[j])]_vars

(* When a stream completes, bs's view is unchanged and bs's new backing was in its chain before. *)
StreamCompletionProp ==
    [][\A j \in Jobs :
         (jobKind[j] = "stream" /\ status[j] = "pending" /\ status'[j] = "concluded") =>
            /\ \A c \in Clusters : Read(jobTop[j], c)' = Read(jobTop[j], c)
            /\ backing'[jobTop[j]] \in Below(jobTop[j]) \cup {None}]_vars

(* When a commit completes (active: pivots), every parent of its filter links to base, and base's
   view is top's view before: base holds the union of the committed layers, upper layers winning. *)
CommitCompletionProp ==
    [][\A j \in Jobs :
         (jobKind[j] \in {"commit", "active"} /\ cancelled[j] = "no"
          /\ status[j] = "pending" /\ status'[j] = "concluded") =>
            /\ \A m \in Parents(FilterOf[j]) : backing'[m] = jobBase[j]
            /\ root = FilterOf[j] => root' = jobBase[j]
            /\ \A c \in Clusters : Read(jobBase[j], c)' = Read(jobTop[j], c)]_vars

(* ============================ liveness property ============================ *)

(* Under fairness, every started job eventually concludes. *)
JobsConcludeProp == \A j \in Jobs : Started(j) ~> status[j] \in {"concluded", "null"}

=============================================================================
