------------------------------- MODULE MCChain -------------------------------
(***************************************************************************)
(* Model values and bounds for the main chain models and the negative      *)
(* models.  Chain n3 (active, drive0) -> n2 -> n1 -> n0, a spare format    *)
(* node s for blockdev-snapshot (deep models only: with snapshot the main  *)
(* model has 3.9e5 states and takes > 5 min), two job slots of different   *)
(* kinds: j1 streams, j2 commits (intermediate or active).                 *)
(***************************************************************************)
EXTENDS Chain, TLC

MCNone == "none"
MCFormatNodes == {"n0", "n1", "n2", "n3", "s"}
MCJobs == {"j1", "j2"}
MCFilterOf == [j \in MCJobs |-> IF j = "j1" THEN "f1" ELSE "f2"]
MCInitLive == {"n0", "n1", "n2", "n3"}
MCInitRoot == "n3"
MCInitBacking == [n \in {"n0", "n1", "n2", "n3", "s", "f1", "f2"} |->
                    CASE n = "n3" -> "n2" [] n = "n2" -> "n1" [] n = "n1" -> "n0" [] OTHER -> MCNone]
(* Cluster 1 lives in n1 (over n0), cluster 2 in n3; n2 is empty, so reopening n3 onto n1 keeps
   the guest's view (a management action with something to do). *)
MCInitData == [n \in {"n0", "n1", "n2", "n3", "s", "f1", "f2"} |->
                 CASE n = "n0" -> (1 :> 1 @@ 2 :> 1)
                   [] n = "n1" -> (1 :> 2 @@ 2 :> 0)
                   [] n = "n3" -> (1 :> 0 @@ 2 :> 3)
                   [] OTHER -> (1 :> 0 @@ 2 :> 0)]
(* Start arguments, chosen so that the two jobs can run at the same time (op blockers refuse most
   other pairs on a four-node chain): j1 streams n2 with base-node = j2's commit filter while j2
   commits n1 into n0 (030 overlapping_5), or streams all of n1 (from n0) while j2 commits the active
   layer into n2 (030 stream_commit).  (More arguments, snapshot, pause / resume, errors:
   MCChainDeep.) *)
MCStreamArgs == {<<"j1", "n2", "f2", MCNone>>, <<"j1", "n1", MCNone, MCNone>>}
MCCommitArgs == {<<"j2", "n1", "n0">>}
MCActiveArgs == {<<"j2", "n2">>}
MCNoArgs == {}
(* CommitNoFreeze / ReopenIgnoresFrozen: commit n2 into n1, so that a reopen can cut base n1 out of the chain. *)
MCCommitArgsNeg == {<<"j2", "n2", "n1">>}
(* Deep model: any bs / top / base for both slots, any kind. *)
MCDeepStreamArgs == {<<j, bs, base, MCNone>> : j \in MCJobs, bs \in MCFormatNodes, base \in MCFormatNodes \cup {MCNone}}
                    \cup {<<j, bs, MCNone, bottom>> : j \in MCJobs, bs \in MCFormatNodes, bottom \in MCFormatNodes}
MCDeepCommitArgs == {<<j, top, base>> : j \in MCJobs, top \in MCFormatNodes, base \in MCFormatNodes}
MCDeepActiveArgs == {<<j, base>> : j \in MCJobs, base \in MCFormatNodes}
MCAutoFinalize == ("j1" :> TRUE @@ "j2" :> FALSE)
MCAutoDismiss == ("j1" :> FALSE @@ "j2" :> TRUE)
MCAllTrue == [j \in MCJobs |-> TRUE]
MCOnError == ("j1" :> "stop" @@ "j2" :> "report")
(* MCChainVerbs: the stream_commit pair with every verb, errors (stop / ignore), manual finalize of
   j2 and manual dismiss of j1, under fairness. *)
MCVerbStreamArgs == {<<"j1", "n1", MCNone, MCNone>>}
MCVerbActiveArgs == {<<"j2", "n2">>}
MCOnErrorVerbs == ("j1" :> "stop" @@ "j2" :> "ignore")

(* Models that leave pause / resume to MCChainVerbs (state-space bound). *)
MCNoVerb(j) == FALSE
MCNoSnapshot(ov, n) == FALSE
MCNoReopen(n, nb) == FALSE
MCNoDelete(n) == FALSE

(* ---------------- negative-model overrides (one plausible bug each) ---------------- *)

(* CommitNoFreeze: commit does not freeze top..base. *)
BugCommitFreezes == FALSE
(* StreamCapturesBase: the stream remembers its base at start and links bs to it at completion. *)
BugStreamNewBase(j) == jobBase[j]
(* ReopenIgnoresFrozen: blockdev-reopen does not look at the frozen flag. *)
BugReopenRefusedFrozen(n) == FALSE
(* ActiveCommitNoDrain: the mirror does not keep its source drained between its final sync and the
   pivot, so a guest write in that window lands in the old top and is lost by the pivot. *)
BugSourceDrained == FALSE
(* CompleteInRunning: the verb table lets `complete` through in running (and paused). *)
BugCompleteAllowed(st) == st \in {"running", "paused", "ready", "standby"}
=============================================================================
