-------------------------------- MODULE MC030 --------------------------------
(***************************************************************************)
(* The upstream iotest 030 parallel cases (reference §3.6), scaled to a    *)
(* five-node chain n4 (active, drive0) -> n3 -> n2 -> n1 -> n0, one model  *)
(* per (case, StreamBaseRule).  Fixed job starts (j2 after j1 where 030    *)
(* orders them, any order where it does not), then guest writes, job      *)
(* steps, `complete` and completion interleaved.  No cancel / pause: the   *)
(* question is whether the cases succeed.  OutcomeInv states the answer;   *)
(* TLC checks it on every run (a different answer fails the model), and    *)
(* JobsConcludeProp shows the end is always reached.                       *)
(*                                                                         *)
(* 030 -> here: node8 (drive0) -> n4; node4 -> n3; node3 -> n2;            *)
(* node2 -> n1; node0 -> n0; commit-filter / stream-filter -> f1 / f2.     *)
(***************************************************************************)
EXTENDS Chain, TLC

CONSTANT Scenario  \* "parallel", "ovl1", "ovl4", "ovl5", "streamcommit", "basenode", "filters"

MCNone == "none"
MCFormatNodes == {"n0", "n1", "n2", "n3", "n4"}
MCUserFilters == IF Scenario = "filters" THEN {"t"} ELSE {}
MCJobs == {"j1", "j2"}
MCFilterOf == ("j1" :> "f1" @@ "j2" :> "f2")
MCAll == MCFormatNodes \cup MCUserFilters \cup {"f1", "f2"}
MCInitLive == MCFormatNodes \cup MCUserFilters
MCInitRoot == "n4"
(* "filters": a user filter t (throttle) sits directly above n1. *)
MCInitBacking == [n \in MCAll |->
                    CASE n = "n4" -> "n3" [] n = "n3" -> "n2"
                      [] n = "n2" -> (IF Scenario = "filters" THEN "t" ELSE "n1")
                      [] n = "t" -> "n1" [] n = "n1" -> "n0" [] OTHER -> MCNone]
(* 030's data, two clusters: n0 full, n1 and n3 allocate one cluster each (n2, n4 empty). *)
MCInitData == [n \in MCAll |->
                 CASE n = "n0" -> (1 :> 1 @@ 2 :> 1)
                   [] n = "n1" -> (1 :> 0 @@ 2 :> 2)
                   [] n = "n3" -> (1 :> 3 @@ 2 :> 0)
                   [] OTHER -> (1 :> 0 @@ 2 :> 0)]
MCAllTrue == [j \in MCJobs |-> TRUE]
MCOnError == [j \in MCJobs |-> "report"]
MCNoVerb(j) == FALSE
MCNoCancel(j, force) == FALSE
MCNoReopen(n, nb) == FALSE
MCNoSnapshot(ov, n) == FALSE
MCNoDelete(n) == FALSE

S(j, bs, base, bottom) == {<<j, bs, base, bottom>>}
MCStreamArgs ==
    CASE Scenario = "parallel" -> S("j1", "n4", MCNone, "n3") \cup S("j2", "n2", MCNone, "n1")
      [] Scenario = "ovl1" -> S("j1", "n3", "n1", MCNone)
      [] Scenario = "ovl4" -> S("j2", "n3", "n1", MCNone)
      [] Scenario = "ovl5" -> S("j2", "n3", "f1", MCNone)
      [] Scenario = "streamcommit" -> S("j1", "n2", "n0", MCNone)
      [] Scenario = "basenode" -> S("j1", "n4", "n2", MCNone)
      [] Scenario = "filters" -> S("j1", "n3", "n1", MCNone)
MCCommitArgs ==
    CASE Scenario = "ovl1" -> {<<"j2", "n2", "n0">>}
      [] Scenario \in {"ovl4", "ovl5"} -> {<<"j1", "n1", "n0">>}
      [] OTHER -> {}
MCActiveArgs == IF Scenario = "streamcommit" THEN {<<"j2", "n3">>} ELSE {}
(* 030 starts the second command while the first job runs; "parallel" and "streamcommit" are
   explored in both orders. *)
MCMayStart(j) == Scenario \in {"parallel", "streamcommit"} \/ j = "j1" \/ status["j1"] # "undefined"

(* ----------------------------- the answers ----------------------------- *)
End == \A j \in MCJobs : outcome[j] # "none" /\ status[j] \in {"undefined", "concluded", "null"}
Out(o1, o2) == ("j1" :> o1 @@ "j2" :> o2)
Chain4 == <<"n4", "n3", "n2", "n1", "n0">>
(* Expected results: a set of (outcome function, final chain from the BlockBackend). *)
Rule == StreamBaseRule
Expected ==
    CASE Scenario = "parallel" /\ Rule \in {"AboveBase", "BaseOverlay"} ->
            {<<Out("completed", "completed"), <<"n4", "n2", "n0">> >>}
      [] Scenario = "parallel" ->  \* FreezeBase: depends on the order of starts and completions
            {<<Out("completed", "link-frozen"), <<"n4", "n2", "n1", "n0">> >>,
             <<Out("completed", "completed"), <<"n4", "n2", "n0">> >>,
             <<Out("completed", "aborted"), <<"n4", "n2", "n1", "n0">> >>}
      [] Scenario = "ovl1" -> {<<Out("completed", "busy"), <<"n4", "n3", "n1", "n0">> >>}
      [] Scenario = "ovl4" -> {<<Out("completed", "never-freeze"), <<"n4", "n3", "n2", "n0">> >>}
      [] Scenario = "ovl5" /\ Rule \in {"AboveBase", "BaseOverlay"} ->
            {<<Out("completed", "completed"), <<"n4", "n3", "n0">> >>}
      [] Scenario = "ovl5" -> {<<Out("completed", "never-freeze"), <<"n4", "n3", "n2", "n0">> >>}
      [] Scenario = "streamcommit" -> {<<Out("completed", "completed"), <<"n3", "n2", "n0">> >>}
      [] Scenario = "basenode" -> {<<Out("completed", "none"), <<"n4", "n2", "n1", "n0">> >>}
      [] Scenario = "filters" /\ Rule = "BaseOverlay" ->
            {<<Out("completed", "none"), <<"n4", "n3", "t", "n1", "n0">> >>}
      [] Scenario = "filters" -> {<<Out("completed", "none"), <<"n4", "n3", "n1", "n0">> >>}

(* Single-job scenarios leave j2 unused ("none"). *)
EndSingle == Scenario \in {"basenode", "filters"} /\ status["j1"] \in {"concluded", "null"}
                                                  /\ outcome["j1"] # "none"
OutcomeInv == (End \/ EndSingle) => <<outcome, Path(root)>> \in Expected

(* ------------------------- negative-model override ------------------------- *)
BugStreamNewBase(j) == jobBase[j]
=============================================================================
