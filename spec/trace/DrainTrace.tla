----------------------------- MODULE DrainTrace -----------------------------
(***************************************************************************)
(* Trace validation of the Java core against spec/drain (Drain.tla).      *)
(* Recipe: ../../../shared/TOOLCHAIN.md, "Trace validation".               *)
(*                                                                         *)
(* The recorded events are the sequence Trace of the generated module     *)
(* DrainTraceData (written by org.blockgraph.checker.trace.TraceModule     *)
(* from an ndjson trace; it also defines the model constants from the      *)
(* trace's header).  The cursor i walks Trace: each step must be the spec  *)
(* action the event names, enabled here, with the event's arguments, and   *)
(* must produce the logged post-state (the quiesce counters, where logged).*)
(* Check with INVARIANT TraceNotDone and -deadlock: a violation (exit 12)  *)
(* means the whole trace is a behaviour of Drain (accepted); no violation  *)
(* (exit 0) means rejected, and TLC's depth - 1 is the longest matched     *)
(* prefix.                                                                 *)
(***************************************************************************)
EXTENDS Drain, DrainTraceData

VARIABLE i   \* the number of trace events matched so far

TraceVars == <<vars, i>>

\* The initial graph from the trace header; every other slot is empty.
TraceInitChild == [s \in Slots |-> IF s \in DOMAIN TraceEdges THEN TraceEdges[s] ELSE None]

\* Only the AioContextList design reads HomeThread; the trace runs the Upstream design.
TraceHomeThread == [b \in Blks |-> CHOOSE t \in Threads : TRUE]

\* Speed only.  The generated cfg also overrides Slots with TraceSlots (DrainTraceData): the
\* slots of the header's edges and of the graph-change events.  A slot no event names stays
\* None in every behaviour that matches the trace, so dropping it changes no matched step,
\* and the quiesce propagation costs about Nodes * Slots^2 per drain_all or writer step.
\* Fixpoint forms of DrainGraph's closures, for speed only: the generated cfg overrides
\* Above and Below with these (Above <- TraceAbove).  DrainGraph iterates Cardinality(Nodes)
\* times whatever the graph; these stop as soon as the set stops growing, which gives the
\* same set (every iteration only adds, and a fixpoint is reached within Cardinality(Nodes)
\* steps).  A trace declares every node a run may create, so Nodes is larger than the graph.
RECURSIVE TraceUp(_, _), TraceDown(_, _)
TraceUp(ch, S) ==
    LET T == S \cup {Parent(s) : s \in {x \in Slots : ch[x] \in S /\ Parent(x) \in Nodes}}
    IN  IF T = S THEN S ELSE TraceUp(ch, T)
TraceDown(ch, S) ==
    LET T == S \cup UNION {ChildNodes(ch, m) : m \in S}
    IN  IF T = S THEN S ELSE TraceDown(ch, T)
TraceAbove(ch, n) == TraceUp(ch, {n})
TraceBelow(ch, n) == TraceDown(ch, {n})

\* The event the next step must match.
E == Trace[i + 1]

\* The logged quiesce counters equal the spec's after the step (nodes the Java graph
\* still holds; a deleted node is absent from the projection).
QcMatches == "qc" \in DOMAIN E => \A n \in DOMAIN E.qc : qc'[n] = E.qc[n]

-----------------------------------------------------------------------------
(* One predicate per event: the event's name, the spec action with the    *)
(* logged arguments, and the logged post-state.                            *)

IsBlkSubmit       == E.action = "BlkSubmit" /\ BlkSubmit(E.blk, E.thread, E.req)
IsBlkPark         == E.action = "BlkPark" /\ BlkPark(E.req)
IsBlkUnpark       == E.action = "BlkUnpark" /\ BlkUnpark(E.req)
IsGraphRdlock     == E.action = "GraphRdlock" /\ GraphRdlock(E.thread, E.req)
IsReqComplete     == E.action = "ReqComplete" /\ ReqComplete(E.req)
IsDrainedBegin    == E.action = "DrainedBegin" /\ DrainedBegin(E.node) /\ QcMatches
IsDrainPollDone   == E.action = "DrainPollDone" /\ DrainPollDone(E.node) /\ QcMatches
IsDrainedEnd      == E.action = "DrainedEnd" /\ DrainedEnd(E.node) /\ QcMatches
IsDrainAllBegin   == E.action = "DrainAllBegin" /\ DrainAllBegin /\ QcMatches
IsDrainAllPollDone == E.action = "DrainAllPollDone" /\ DrainAllPollDone /\ QcMatches
IsDrainAllEnd     == E.action = "DrainAllEnd" /\ DrainAllEnd /\ QcMatches
IsAttachChild     == E.action = "AttachChild" /\ AttachChild(E.parent, E.child, E.role) /\ QcMatches
IsReplaceChild    == E.action = "ReplaceChild" /\ ReplaceChild(E.parent, E.role, E.child) /\ QcMatches
IsDetachChild     == E.action = "DetachChild" /\ DetachChild(E.parent, E.role) /\ QcMatches
IsRemoveNode      == E.action = "RemoveNode" /\ RemoveNode(E.node) /\ QcMatches
IsGraphWrlockBegin == E.action = "GraphWrlockBegin" /\ GraphWrlockBegin /\ QcMatches
IsGraphWrlock     == E.action = "GraphWrlock" /\ GraphWrlock /\ QcMatches
IsGraphWrunlock   == E.action = "GraphWrunlock" /\ GraphWrunlock /\ QcMatches

\* ReqDescend: the request of the event's thread passes from node E.from into E.to.
IsReqDescend ==
    E.action = "ReqDescend" /\ \E s \in Slots : Parent(s) = E.from /\ child[s] = E.to /\ ReqDescend(E.req, s)

\* COMPOSITION ReqReturnDescend (Java step = stuttering return + ReqDescend).  In the spec a
\* request's path only grows until ReqComplete (it keeps every node reference); in Java a
\* driver's call into a child returns and drops that child's in-flight reference before the
\* driver calls into its next child (a copy-on-write read goes to "file", then "backing").
\* The Java step "descend from E.from" while the spec path ends below E.from is the return
\* to E.from (path cut back to E.from, a step the spec does not name because dropping a
\* reference early only makes polls quiet sooner on nodes below E.from, never on E.from
\* or above) followed by ReqDescend.  Listed in docs/trace-validation.md.
IsReqReturnDescend ==
    /\ E.action = "ReqDescend"
    /\ req[E.req].st = "active"
    /\ \E k \in 1..(Len(req[E.req].path) - 1) :
         /\ req[E.req].path[k] = E.from
         /\ \A m \in 1..(k - 1) : req[E.req].path[m] # E.from
         /\ \E s \in Slots :
              /\ Parent(s) = E.from /\ child[s] = E.to
              /\ req' = [req EXCEPT ![E.req].path = Append(SubSeq(@, 1, k), E.to)]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

\* COMPOSITION RemoveNodeInOwnSection (Java step = DrainedEnd(n) inside the writer's section +
\* RemoveNode(n)).  Java's deleteNode (GraphOps: withDrained + bdrv_close) opens a drained
\* section on the node it deletes, then deletes it under the write lock; the section dies with
\* the node (Node.directDrains = 0) and no DrainedEnd is ever emitted.  The spec's
\* RemoveNode demands sections[n] = 0 and its DrainedEnd needs a free main loop.  The node
\* has no parents at that point, so ending its section changes no other counter, and
\* DeleteNode zeroes qc[n] anyway: the composition is RemoveNode with the one section the
\* deleting command itself opened (sections[n] = 1) closed.  Diary entry 4.
IsRemoveNodeInOwnSection ==
    /\ E.action = "RemoveNode"
    /\ GraphChangeAllowed /\ changes < MaxChanges
    /\ E.node \in live /\ ParentSlotsOf(child, E.node) = {} /\ sections[E.node] = 1
    /\ SetQS(DeleteNode(QS, E.node))
    /\ live' = live \ {E.node}
    /\ sections' = [sections EXCEPT ![E.node] = 0]
    /\ changes' = changes + 1
    /\ UNCHANGED <<envAll, wrAll, req, ctl, writer>>
    /\ QcMatches

TraceInit == Init /\ i = 0

TraceNext ==
    /\ i < Len(Trace)
    /\ \/ IsBlkSubmit \/ IsBlkPark \/ IsBlkUnpark \/ IsGraphRdlock \/ IsReqDescend \/ IsReqReturnDescend
       \/ IsReqComplete
       \/ IsDrainedBegin \/ IsDrainPollDone \/ IsDrainedEnd
       \/ IsDrainAllBegin \/ IsDrainAllPollDone \/ IsDrainAllEnd
       \/ IsAttachChild \/ IsReplaceChild \/ IsDetachChild \/ IsRemoveNode \/ IsRemoveNodeInOwnSection
       \/ IsGraphWrlockBegin \/ IsGraphWrlock \/ IsGraphWrunlock
    /\ i' = i + 1

TraceSpec == TraceInit /\ [][TraceNext]_TraceVars

\* Violated exactly when the whole trace has been matched.
TraceNotDone == i < Len(Trace)

\* The drain-family actions enabled in the current state (any arguments): printed for
\* the first event that did not match.  Job actions are left out: traces have no jobs.
EnabledActions ==
    {a \in {"BlkSubmit", "BlkPark", "BlkUnpark", "GraphRdlock", "ReqDescend", "ReqComplete",
            "DrainedBegin", "DrainPollDone", "DrainedEnd", "DrainAllBegin", "DrainAllPollDone",
            "DrainAllEnd", "AttachChild", "ReplaceChild", "DetachChild", "RemoveNode",
            "GraphWrlockBegin", "GraphWrlock", "GraphWrunlock"} :
        CASE a = "BlkSubmit" -> ENABLED (\E b \in Blks, t \in Threads, r \in Reqs : BlkSubmit(b, t, r))
          [] a = "BlkPark" -> ENABLED (\E r \in Reqs : BlkPark(r))
          [] a = "BlkUnpark" -> ENABLED (\E r \in Reqs : BlkUnpark(r))
          [] a = "GraphRdlock" -> ENABLED (\E t \in Threads, r \in Reqs : GraphRdlock(t, r))
          [] a = "ReqDescend" -> ENABLED (\E r \in Reqs, s \in Slots : ReqDescend(r, s))
          [] a = "ReqComplete" -> ENABLED (\E r \in Reqs : ReqComplete(r))
          [] a = "DrainedBegin" -> ENABLED (\E n \in Nodes : DrainedBegin(n))
          [] a = "DrainPollDone" -> ENABLED (\E n \in Nodes : DrainPollDone(n))
          [] a = "DrainedEnd" -> ENABLED (\E n \in Nodes : DrainedEnd(n))
          [] a = "DrainAllBegin" -> ENABLED DrainAllBegin
          [] a = "DrainAllPollDone" -> ENABLED DrainAllPollDone
          [] a = "DrainAllEnd" -> ENABLED DrainAllEnd
          [] a = "AttachChild" -> ENABLED (\E p \in Nodes, c \in Nodes, r \in NodeRoles : AttachChild(p, c, r))
          [] a = "ReplaceChild" -> ENABLED (\E s \in Slots, c \in Nodes : ReplaceChild(s[1], s[2], c))
          [] a = "DetachChild" -> ENABLED (\E p \in Nodes, r \in NodeRoles : DetachChild(p, r))
          [] a = "RemoveNode" -> ENABLED (\E n \in Nodes : RemoveNode(n))
          [] a = "GraphWrlockBegin" -> ENABLED GraphWrlockBegin
          [] a = "GraphWrlock" -> ENABLED GraphWrlock
          [] a = "GraphWrunlock" -> ENABLED GraphWrunlock}

\* Used on the matched prefix of a rejected trace: prints the enabled actions in every
\* state where the prefix ends, then reports (as a violation) that it got there.
PrefixEndReport == i = Len(Trace) => (PrintT(<<"ENABLED", EnabledActions>>) /\ FALSE)
=============================================================================
