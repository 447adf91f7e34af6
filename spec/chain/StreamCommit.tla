----------------------------- MODULE StreamCommit -----------------------------
(***************************************************************************)
(* Concern 3: the three block-job drivers on a backing chain (reference    *)
(* §2, §3): stream (COR filter), intermediate commit (commit_top filter),  *)
(* active commit (mirror_top filter, mirror-style READY and pivot).  Their *)
(* start commands (op-blocker checks, filter insertion, freezing), their   *)
(* per-cluster steps, and what prepare/commit/abort do to the graph.       *)
(* Java: org.blockgraph.job.StreamJob, org.blockgraph.job.CommitJob,       *)
(*       org.blockgraph.job.ActiveCommitJob, org.blockgraph.job.BlockJob   *)
(*       (op blockers), org.blockgraph.chain.Chain#freeze/#unfreeze.       *)
(***************************************************************************)
EXTENDS JobStateMachine

CONSTANTS
    StreamBaseRule, \* "AboveBase" (upstream), "FreezeBase", "BaseOverlay": the rule under debate
    StreamArgs,     \* set of <<job, bs, base-node, bottom>> the environment may pass to block-stream
    CommitArgs,     \* set of <<job, top, base>> for block-commit of an intermediate top
    ActiveArgs      \* set of <<job, base>> for block-commit of the active layer

ASSUME StreamBaseRule \in {"AboveBase", "FreezeBase", "BaseOverlay"}

JobFilters == {FilterOf[j] : j \in Jobs}
OwnerOf(f) == CHOOSE j \in Jobs : FilterOf[j] = f

(* never_freeze: set on commit_top and mirror_top "so that we can always drop this node". *)
NeverFreeze(n) == n \in JobFilters /\ jobKind[OwnerOf(n)] \in {"commit", "active"}

(* An op blocker of some job sits on n (block_job_add_bdrv blocks every op type). *)
Blocked(n) == \E k \in Jobs : Active(k) /\ n \in jobNodes[k]

(* Error tag of a refused freeze: an already-frozen link ("Cannot change '%s' link from ..."), or a
   never_freeze child ("Cannot freeze '%s' link to '%s'"). *)
FreezeError(links) == IF \E m \in links : frozen[m] THEN "link-frozen" ELSE "never-freeze"

(* Override point for schedules: may job slot j be started now?  MC modules fix orders. *)
MayStart(j) == TRUE

SlotFree(j) == status[j] = "undefined" /\ outcome[j] = "none" /\ jobKind[j] = "none"

(* Every job variable of j after a successful start. *)
StartJob(j, kind, top, base, above, overlay, links, nodes, dirty) ==
    /\ status' = [status EXCEPT ![j] = "created"]
    /\ jobKind' = [jobKind EXCEPT ![j] = kind]
    /\ jobTop' = [jobTop EXCEPT ![j] = top]
    /\ jobBase' = [jobBase EXCEPT ![j] = base]
    /\ jobAbove' = [jobAbove EXCEPT ![j] = above]
    /\ jobOverlay' = [jobOverlay EXCEPT ![j] = overlay]
    /\ jobLinks' = [jobLinks EXCEPT ![j] = links]
    /\ jobNodes' = [jobNodes EXCEPT ![j] = nodes]
    /\ todo' = [todo EXCEPT ![j] = dirty]
    /\ UNCHANGED <<jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* A refused start command: a clear error, and nothing else changes. *)
RefuseStart(j, err) ==
    /\ outcome' = [outcome EXCEPT ![j] = err]
    /\ UNCHANGED <<graphVars, status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused>>

(* Insert filter f above n (bdrv_insert_node / bdrv_append): every parent edge of n moves to f. *)
InsertFilter(f, n) ==
    /\ live' = live \cup {f}
    /\ backing' = [Replaced(backing, n, f) EXCEPT ![f] = n]
    /\ root' = RootAfter(n, f)

(* ======================= environment: job start commands ======================= *)

(* Stream: which links the COR filter freezes, by rule.  Upstream (and BaseOverlay) freeze
   cor -> bs -> ... -> base_overlay and leave base_overlay's link to base free; FreezeBase freezes
   down to and including the link into base. *)
StreamFreezeStop(base, overlay) == IF StreamBaseRule = "FreezeBase" THEN base ELSE overlay

(* StreamStart: `block-stream device=bs base-node=base` or `... bottom=bottom` (at most one of them;
   neither: the whole chain).  With bottom, base_overlay = above_base = bottom and the base is
   whatever is below bottom.  Refused, in upstream's order, if a node from bs down to (excluding) the
   base is op-blocked ("Node '%s' is busy: block device is in use by block job: %s"); if bs is a
   read-only backing node and the temporary freeze bs -> above_base fails (030 overlapping_4); if a
   parent edge of bs is frozen (the COR filter cannot be inserted); if the COR filter's freeze fails.
   Otherwise inserts the COR filter, freezes, adds its nodes and creates the job.
   qmp_block_stream + stream_start -> org.blockgraph.job.StreamJob#start *)
StreamStart(j, bs, base0, bottom) ==
    /\ MayStart(j) /\ SlotFree(j)
    /\ <<j, bs, base0, bottom>> \in StreamArgs
    /\ bs \in live /\ bs \in FormatNodes /\ bs \in OnPath(root)
    /\ base0 = None \/ bottom = None
    /\ base0 = None \/ base0 \in Below(bs)
    /\ bottom = None \/ (bottom \in Below(bs) /\ ~IsFilter(bottom))
    /\ LET cor      == FilterOf[j]
           p        == Path(bs)
           base     == IF bottom # None THEN backing[bottom] ELSE base0
           bottomMost == p[CHOOSE i \in 1..Len(p) : ~IsFilter(p[i]) /\ \A l \in (i + 1)..Len(p) : IsFilter(p[l])]
           overlay  == CASE bottom # None -> bottom
                         [] base = None -> bottomMost
                         [] OTHER -> OverlayOf(bs, base)
           above    == CASE bottom # None -> bottom
                         [] base = None -> p[Len(p)]
                         [] OTHER -> AboveOf(bs, base)
           range    == IF base = None THEN OnPath(bs) ELSE OnPath(bs) \ OnPath(base)
           tmpRange == LinksAbove(bs, above)  \* bdrv_freeze_backing_chain(bs, above_base)
           links    == {cor} \cup LinksAbove(bs, StreamFreezeStop(base, overlay))
           nodes    == {cor} \cup range
       IN CASE \E n \in range : Blocked(n) -> RefuseStart(j, "busy")
            [] bs # SkipFilters(root) /\ ~CanFreeze(tmpRange, NeverFreeze) -> RefuseStart(j, FreezeError(tmpRange))
            [] ~CanReplace(bs, cor) -> RefuseStart(j, "link-frozen")
            [] ~CanFreeze(links \ {cor}, NeverFreeze) -> RefuseStart(j, FreezeError(links \ {cor}))
            [] OTHER -> /\ InsertFilter(cor, bs)
                        /\ FreezeLinks(links)
                        /\ UNCHANGED <<data, guest, writes>>
                        /\ StartJob(j, "stream", bs, base, above, overlay, links, nodes, Clusters)

(* Override point for the negative model CommitNoFreeze: does commit freeze top..base? *)
CommitFreezes == TRUE

(* CommitStart: `block-commit device=drive0 top-node=top base-node=base` with top below the active
   layer (intermediate commit).  Refused if the device (COMMIT_SOURCE), any node top..base inclusive,
   or the overlay of top (COMMIT_TARGET) is op-blocked, if a parent edge of top is frozen, or if the
   freeze commit_top -> top -> ... -> base fails.  Otherwise inserts commit_top (never_freeze),
   freezes, adds its nodes (active layer as main node, intermediates, base).
   qmp_block_commit + commit_start -> org.blockgraph.job.CommitJob#start *)
CommitStart(j, top, base) ==
    /\ MayStart(j) /\ SlotFree(j)
    /\ <<j, top, base>> \in CommitArgs
    /\ top \in live /\ top \in FormatNodes /\ top \in Below(root) /\ top # SkipFilters(root)
    /\ base \in FormatNodes /\ base \in Below(top)
    /\ LET cf      == FilterOf[j]
           range   == (OnPath(top) \ OnPath(base)) \cup {base}
           overlay == OverlayOf(root, top)
           links   == IF CommitFreezes THEN {cf} \cup LinksAbove(top, base) ELSE {}
       IN CASE Blocked(root) \/ (\E n \in range \cup {overlay} : Blocked(n)) -> RefuseStart(j, "busy")
            [] ~CanReplace(top, cf) -> RefuseStart(j, "link-frozen")
            [] ~CanFreeze(links \ {cf}, NeverFreeze) -> RefuseStart(j, FreezeError(links \ {cf}))
            [] OTHER -> /\ InsertFilter(cf, top)
                        /\ FreezeLinks(links)
                        /\ UNCHANGED <<data, guest, writes>>
                        /\ StartJob(j, "commit", top, base, None, None, links, {root} \cup range, Clusters)

(* ActiveCommitStart: `block-commit device=drive0 base-node=base` with top = the active layer:
   a mirror job.  Refused like CommitStart (no overlay check); otherwise inserts mirror_top
   (never_freeze) above the active layer, freezes mirror_top -> top -> ... -> base, adds top (main
   node), intermediates and base (target); the initial dirty set is every cluster allocated above
   base.  commit_active_start / mirror_start_job -> org.blockgraph.job.ActiveCommitJob#start *)
ActiveCommitStart(j, base) ==
    /\ MayStart(j) /\ SlotFree(j)
    /\ <<j, base>> \in ActiveArgs
    /\ base \in FormatNodes /\ base \in Below(root)
    /\ LET mt    == FilterOf[j]
           top   == SkipFilters(root)
           range == (OnPath(top) \ OnPath(base)) \cup {base}
           links == {mt} \cup LinksAbove(top, base)
           dirty == {c \in Clusters : \E n \in OnPath(top) \ OnPath(base) : data[n][c] # 0}
       IN /\ base \in Below(top)
          /\ CASE Blocked(root) \/ (\E n \in range : Blocked(n)) -> RefuseStart(j, "busy")
               [] ~CanReplace(top, mt) -> RefuseStart(j, "link-frozen")
               [] ~CanFreeze(links \ {mt}, NeverFreeze) -> RefuseStart(j, FreezeError(links \ {mt}))
               [] OTHER -> /\ InsertFilter(mt, top)
                           /\ FreezeLinks(links)
                           /\ UNCHANGED <<data, guest, writes>>
                           /\ StartJob(j, "active", top, base, None, None, links, range, dirty)

(* ======================= system: job steps ======================= *)

(* The nodes a stream copies from: cow(bs) down to base_overlay inclusive. *)
StreamSource(j) == OnPath(backing[jobTop[j]]) \ Below(jobOverlay[j])
(* The nodes a commit copies from: top down to, excluding, base. *)
CommitSource(j) == OnPath(jobTop[j]) \ OnPath(jobBase[j])
(* The node a job writes into. *)
CopyTarget(j) == IF jobKind[j] = "stream" THEN jobTop[j] ELSE jobBase[j]

(* JobCopyCluster: the job's coroutine handles cluster c (one chunk): stream copies it into bs through
   the COR filter if bs does not allocate it and it is allocated in cow(bs)..base_overlay; commit
   copies top's view into base if it is allocated in top..above base; active commit copies top's view
   of a dirty cluster into base.  Enabled while the job runs (running/ready), is not cancelled and has
   not reported an error.  One step is atomic: COR reads are serialising requests, commit's source
   nodes have no writer, and a guest write racing an active-commit copy re-dirties the cluster.
   stream_run / commit_run / mirror_iteration -> StreamJob#copyCluster, CommitJob#copyCluster,
   ActiveCommitJob#copyCluster *)
JobCopyCluster(j, c) ==
    /\ Running(j) /\ cancelled[j] = "no" /\ jobErr[j] # "reported"
    /\ c \in todo[j]
    /\ LET t == CopyTarget(j)
           copy == CASE jobKind[j] = "stream" ->
                          data[t][c] = 0 /\ \E n \in StreamSource(j) : data[n][c] # 0
                     [] jobKind[j] = "commit" -> \E n \in CommitSource(j) : data[n][c] # 0
                     [] OTHER -> TRUE
           val == IF jobKind[j] = "stream" THEN Read(backing[t], c) ELSE Read(jobTop[j], c)
       IN data' = IF copy THEN [data EXCEPT ![t][c] = val] ELSE data
    /\ todo' = [todo EXCEPT ![j] = @ \ {c}]
    /\ UNCHANGED <<live, backing, root, frozen, frozenTo, guest, writes, status, jobKind, jobTop, jobBase,
                   jobAbove, jobOverlay, jobLinks, jobNodes, jobErr, cancelled, completeReq, finalizeReq,
                   userPaused, outcome>>

(* JobError: the job's I/O on cluster c fails (at most once per job, if the model injects errors).
   on-error=report: the run ends with the error; ignore: the chunk is skipped and the first error is
   remembered and returned at the end (so the graph is not changed); stop: the job pauses itself
   (user_paused, io-status failed) and retries the chunk after job-resume.
   block_job_error_action -> BlockJob#onError *)
JobError(j, c) ==
    /\ InjectErrors
    /\ Running(j) /\ cancelled[j] = "no" /\ jobErr[j] = "none"
    /\ c \in todo[j]
    /\ CASE OnError[j] = "report" ->
              /\ jobErr' = [jobErr EXCEPT ![j] = "reported"]
              /\ UNCHANGED <<todo, userPaused>>
         [] OnError[j] = "ignore" ->
              /\ jobErr' = [jobErr EXCEPT ![j] = "ignored"]
              /\ todo' = [todo EXCEPT ![j] = @ \ {c}]
              /\ UNCHANGED userPaused
         [] OTHER ->
              /\ jobErr' = [jobErr EXCEPT ![j] = "stopped"]
              /\ userPaused' = [userPaused EXCEPT ![j] = TRUE]
              /\ UNCHANGED todo
    /\ UNCHANGED <<graphVars, status, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   cancelled, completeReq, finalizeReq, outcome>>

(* JobReady: an active commit whose dirty set is empty reports READY (running -> ready).
   job_transition_to_ready -> ActiveCommitJob#ready *)
JobReady(j) ==
    /\ jobKind[j] = "active" /\ status[j] = "running"
    /\ cancelled[j] = "no" /\ jobErr[j] # "reported"
    /\ todo[j] = {}
    /\ status' = [status EXCEPT ![j] = "ready"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* Has j's run finished with an error (ret != 0 or force-cancelled)? *)
RunFailed(j) == cancelled[j] = "hard" \/ jobErr[j] \in {"reported", "ignored"}

(* JobCompleted: the job's run returns and job_completed runs on the main loop: to `aborting` if it
   was cancelled or failed, else to `waiting`.  Stream / commit return when every cluster was
   visited; active commit when READY with nothing dirty and `complete` accepted (it then keeps the
   source drained until the pivot), or at once when soft-cancelled.
   job_exit / job_completed -> Job#completed *)
JobCompleted(j) ==
    /\ Running(j)
    /\ \/ cancelled[j] = "hard" \/ jobErr[j] = "reported"
       \/ jobKind[j] \in {"stream", "commit"} /\ todo[j] = {}
       \/ jobKind[j] = "active" /\ status[j] = "ready"
          /\ (cancelled[j] = "soft" \/ (completeReq[j] /\ todo[j] = {}))
    /\ status' = [status EXCEPT ![j] = IF RunFailed(j) THEN "aborting" ELSE "waiting"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* ---------------- completion: what each driver does to the graph ---------------- *)

(* The node a completing stream makes bs's backing, evaluated at completion (stream_prepare):
   AboveBase: whatever is below above_base now (upstream); BaseOverlay: whatever is below
   base_overlay now; FreezeBase: the base given at start (its link was frozen, so it is still there).
   Override point for the negative model StreamCapturesBase. *)
StreamNewBase(j) == CASE StreamBaseRule = "AboveBase" -> backing[jobAbove[j]]
                      [] StreamBaseRule = "BaseOverlay" -> backing[jobOverlay[j]]
                      [] OTHER -> jobBase[j]

(* The node that replaces job j's filter for its parents when it is dropped. *)
FilterSuccessor(j) ==
    IF jobKind[j] = "commit" /\ status[j] = "pending" THEN jobBase[j]           \* bdrv_drop_intermediate
    ELSE IF jobKind[j] = "active" /\ status[j] = "pending" /\ cancelled[j] = "no" THEN jobBase[j] \* pivot
    ELSE backing[FilterOf[j]]                                                  \* drop the filter

(* Frozen state once j's own links are unfrozen (prepare / abort unfreeze first). *)
FrozenByOthers(j, m) == frozen[m] /\ m \notin jobLinks[j]

(* May j's filter be dropped: no parent edge of it is frozen by someone else, and (commit) base is
   still below it (bdrv_drop_intermediate returns -EIO otherwise). *)
CanDropFilter(j) ==
    LET f == FilterOf[j] IN
    /\ \A m \in Parents(f) \ {FilterSuccessor(j)} : ~FrozenByOthers(j, m)
    /\ FilterSuccessor(j) # None
    /\ f \notin OnPath(FilterSuccessor(j))
    /\ FilterSuccessor(j) # backing[f] => FilterSuccessor(j) \in Below(f)

(* stream_prepare's set_backing_hd succeeds: bs's link is not frozen by someone else and the new
   backing makes no cycle. *)
StreamPrepareOk(j) ==
    LET bs == jobTop[j]  nb == StreamNewBase(j) IN
    /\ ~FrozenByOthers(j, bs)
    /\ nb # bs
    /\ nb = None \/ bs \notin OnPath(nb)

PrepareOk(j) == CanDropFilter(j) /\ (jobKind[j] = "stream" => StreamPrepareOk(j))

(* Nodes released by j that die now: its own filter, and foreign job filters it kept referenced
   after their owner dropped them - unless another active job still references them. *)
DyingAt(j) ==
    {f \in JobFilters \cap live :
        /\ f = FilterOf[j] \/ (f \in jobNodes[j] /\ ~Active(OwnerOf(f)))
        /\ ~\E k \in Jobs \ {j} : Active(k) /\ f \in jobNodes[k]}

(* The graph after j's filter is dropped and j's nodes are released. *)
FinishGraph(j, bk) ==
    /\ live' = live \ DyingAt(j)
    /\ backing' = bk
    /\ root' = RootAfter(FilterOf[j], FilterSuccessor(j))
    /\ UnfreezeLinks(jobLinks[j])
    /\ jobLinks' = [jobLinks EXCEPT ![j] = {}]
    /\ jobNodes' = [jobNodes EXCEPT ![j] = {}]

(* A concluded job's run-time flags no longer matter; clearing them keeps equal states equal. *)
ForgetRun(j) ==
    /\ todo' = [todo EXCEPT ![j] = {}]
    /\ jobErr' = [jobErr EXCEPT ![j] = "none"]
    /\ cancelled' = [cancelled EXCEPT ![j] = "no"]
    /\ completeReq' = [completeReq EXCEPT ![j] = FALSE]
    /\ finalizeReq' = [finalizeReq EXCEPT ![j] = FALSE]
    /\ userPaused' = [userPaused EXCEPT ![j] = FALSE]

DroppedBacking(j) == Replaced(backing, FilterOf[j], FilterSuccessor(j))

(* JobCommit: finalize with a successful prepare (pending -> concluded): prepare, commit, clean.
   Stream: drop the COR filter, then bs's backing becomes StreamNewBase.  Commit: every parent of
   commit_top now links to base (top and intermediates leave the chain).  Active commit: parents of
   mirror_top link to base (pivot), or to top again after a soft cancel.  Unfreezes, releases nodes.
   Enabled when finalize may run (auto-finalize or `finalize` accepted) and prepare succeeds.
   job_finalize_single (prepare + commit + clean) -> Job#finalize, StreamJob#prepare,
   CommitJob#prepare, ActiveCommitJob#prepare *)
JobCommit(j) ==
    /\ MayFinalize(j)
    /\ PrepareOk(j)
    /\ status' = [status EXCEPT ![j] = "concluded"]
    /\ outcome' = [outcome EXCEPT ![j] = "completed"]
    /\ FinishGraph(j, IF jobKind[j] = "stream"
                      THEN [DroppedBacking(j) EXCEPT ![jobTop[j]] = StreamNewBase(j)]
                      ELSE DroppedBacking(j))
    /\ ForgetRun(j)
    /\ UNCHANGED <<data, guest, writes, jobKind, jobTop, jobBase, jobAbove, jobOverlay>>

(* JobPrepareFail: finalize runs but prepare fails (a graph error, reported and turned into -EPERM):
   pending -> aborting, the graph unchanged (the model checks the failure before changing anything).
   job_prepare failing -> Job#finalize *)
JobPrepareFail(j) ==
    /\ MayFinalize(j)
    /\ ~PrepareOk(j)
    /\ status' = [status EXCEPT ![j] = "aborting"]
    /\ UNCHANGED <<graphVars, jobKind, jobTop, jobBase, jobAbove, jobOverlay, jobLinks, jobNodes,
                   todo, jobErr, cancelled, completeReq, finalizeReq, userPaused, outcome>>

(* JobAbort: an aborting job runs .abort and .clean (aborting -> concluded): unfreeze, drop its
   filter (parents link to the filter's child again), release its nodes.  Enabled in `aborting`
   when the filter can be dropped.  job_finalize_single abort path -> Job#abort *)
JobAbort(j) ==
    /\ status[j] = "aborting"
    /\ CanDropFilter(j)
    /\ status' = [status EXCEPT ![j] = "concluded"]
    /\ outcome' = [outcome EXCEPT ![j] = "aborted"]
    /\ FinishGraph(j, DroppedBacking(j))
    /\ ForgetRun(j)
    /\ UNCHANGED <<data, guest, writes, jobKind, jobTop, jobBase, jobAbove, jobOverlay>>

=============================================================================
