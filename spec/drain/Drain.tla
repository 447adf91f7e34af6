-------------------------------- MODULE Drain --------------------------------
(***************************************************************************)
(* Drain, the graph lock and multiqueue I/O of a QEMU-like block layer.    *)
(* Semantics: shared/reference/qemu-block-layer.md sections 1 and 5.       *)
(*                                                                         *)
(* Concerns, in the order they appear below:                               *)
(*   1. quiesce propagation (pure operators on a state record): the        *)
(*      counting rule, per-edge quiesced_parent, callbacks on 0<->1;       *)
(*   2. graph changes (attach / replace / detach / remove / job complete); *)
(*   3. requests from several I/O threads through BlockBackends;           *)
(*   4. drain sections and their poll, drain_all;                          *)
(*   5. the graph rwlock;                                                  *)
(*   6. jobs as request sources.                                           *)
(* Environment actions (guest I/O, management commands) carry no fairness; *)
(* system actions (completion, poll progress, lock progress, job progress) *)
(* do.  Action names are the Java SpecAction constants and trace events.   *)
(*                                                                         *)
(* Design alternatives are the constants DrainDesign and GraphChangeRule;  *)
(* historic bugs are operators (marked HOOK) that MC modules override.     *)
(***************************************************************************)
EXTENDS DrainGraph, TLC

CONSTANTS
    DrainDesign,      \* "Upstream" (QEMU >= 7.2), "Design2017" (recursive, per-node poll), "AioContextList"
    GraphChangeRule,  \* "Locked": graph changes only under the write lock; "Unlocked": whenever the main loop runs
    InitChild,        \* the initial graph: [Slots -> Nodes \cup {None}], acyclic
    HomeThread,       \* [Blks -> Threads]: the AioContext a BlockBackend's device callbacks are registered in
    MaxSections,      \* bound: nested drained sections the environment opens per node
    MaxDrainAll,      \* bound: nested drain_all sections the environment opens
    MaxChanges        \* bound: graph changes the environment makes (job completion not counted)

ASSUME DrainDesign \in {"Upstream", "Design2017", "AioContextList"}
ASSUME GraphChangeRule \in {"Locked", "Unlocked"}
ASSUME InitChild \in [Slots -> Nodes \cup {None}]
ASSUME HomeThread \in [Blks -> Threads]

VARIABLES
    child,       \* [Slots -> Nodes \cup {None}]: BdrvChild.bs of every slot (None = no edge)
    live,        \* SUBSET Nodes: nodes not yet deleted
    qc,          \* [Nodes -> Int]: BlockDriverState.quiesce_counter
    qp,          \* [Slots -> BOOLEAN]: BdrvChild.quiesced_parent
    sections,    \* [Nodes -> Nat]: drained sections the environment opened on each node (incl. one still polling)
    envAll,      \* Nat: drain_all sections the environment opened (bdrv_drain_all_count, caller part)
    wrAll,       \* 0..1: the drain_all section bdrv_graph_wrlock opened (bdrv_drain_all_count, writer part)
    blkQc,       \* [Blks -> Int]: BlockBackend.quiesce_counter (raised by child_root drained_begin)
    pauseCount,  \* [Jobs -> Int]: Job.pause_count (raised by child_job drained_begin)
    jobSt,       \* [Jobs -> {"running","paused","done","gone"}]: busy iff "running"; "done" = run() returned
    req,         \* [Reqs -> [st, blk, thread, path]]: st in {"idle","submitted","parked","active"}
    ctl,         \* what the control (main-loop) thread is doing: [op, node, todo]
    writer,      \* "none" | "waiting" (in bdrv_graph_wrlock's wait) | "held"
    changes      \* environment graph changes made so far (bound only)

vars == <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, req, ctl, writer, changes>>

CtlIdle == [op |-> "idle", node |-> None, todo |-> {}]
ReqIdle == [st |-> "idle", blk |-> None, thread |-> None, path |-> <<>>]

-----------------------------------------------------------------------------
(* Derived counters (what a trace can compare with the Java atomics).      *)

\* BlockDriverState.in_flight: active requests whose path passes through n.
\* A request holds one reference on every node from its BlockBackend's root
\* down to where it is now (bdrv_inc_in_flight on the way down).
InFlight(n) == Cardinality({r \in Reqs : req[r].st = "active" /\ n \in Range(req[r].path)})

\* HOOK (negative model DrainParkedKeepsRef): does a parked request keep its
\* BlockBackend in-flight reference?  Upstream: no, blk_wait_while_drained
\* drops it while waiting ("block: Fix blk->in_flight during
\* blk_wait_while_drained()", Kevin Wolf 2020, fixing cf3129323f90).
ParkedKeepsRef == FALSE

\* BlockBackend.in_flight.
BlkInFlight(b) == Cardinality({r \in Reqs : req[r].blk = b /\
                     (req[r].st \in {"submitted", "active"} \/ (req[r].st = "parked" /\ ParkedKeepsRef))})

\* Requests holding their thread's graph read lock (bdrv_graph_co_rdlock).
Readers == {r \in Reqs : req[r].st = "active"}

JobBusy(j) == jobSt[j] = "running"

-----------------------------------------------------------------------------
(* 1. Quiesce propagation.  Pure operators on a record st with the fields  *)
(* child, qc, qp, blkQc, pc, jobSt so that one action can apply a whole    *)
(* recursive propagation atomically: the quiesce callbacks never poll and  *)
(* never change the graph (D-INV6), so nothing can interleave with them.   *)

QS == [child |-> child, qc |-> qc, qp |-> qp, blkQc |-> blkQc, pc |-> pauseCount, jobSt |-> jobSt]

SetQS(st) == /\ child' = st.child /\ qc' = st.qc /\ qp' = st.qp
             /\ blkQc' = st.blkQc /\ pauseCount' = st.pc /\ jobSt' = st.jobSt

\* HOOK (negative model DrainCallbacksEveryBegin): what a nested begin (qc
\* already > 0) does besides counting.  Upstream: nothing; callbacks run on
\* 0->1 only ("block: Call drain callbacks only once", 57e05be343f3, 2022).
RepeatCallbacks(st, n) == st

RECURSIVE BeginQ(_, _), BeginSlots(_, _), BeginSingle(_, _),
          EndQ(_, _), EndSlots(_, _), EndSingle(_, _)

\* bdrv_do_drained_begin_quiesce(n, NULL): count; on 0->1 quiesce every parent edge.
BeginQ(st, n) ==
    IF st.qc[n] = 0
    THEN BeginSlots([st EXCEPT !.qc[n] = 1], ParentSlotsOf(st.child, n))
    ELSE RepeatCallbacks([st EXCEPT !.qc[n] = @ + 1], n)

BeginSlots(st, S) ==
    IF S = {} THEN st
    ELSE LET s == CHOOSE x \in S : TRUE IN BeginSlots(BeginSingle(st, s), S \ {s})

\* bdrv_parent_drained_begin_single: mark the edge, run the parent class's drained_begin:
\* child_of_bds quiesces the parent node (no poll), child_root bumps the BlockBackend's
\* quiesce_counter, child_job calls job_pause (pause_count++).
BeginSingle(st, s) ==
    LET st1 == [st EXCEPT !.qp[s] = TRUE]
        p   == Parent(s)
    IN  IF p \in Nodes THEN BeginQ(st1, p)
        ELSE IF p \in Blks THEN [st1 EXCEPT !.blkQc[p] = @ + 1]
        ELSE [st1 EXCEPT !.pc[p] = @ + 1]

\* bdrv_do_drained_end(n, NULL): count down; on 1->0 end every quiesced parent edge.
EndQ(st, n) ==
    IF st.qc[n] = 1
    THEN EndSlots([st EXCEPT !.qc[n] = 0], {s \in ParentSlotsOf(st.child, n) : st.qp[s]})
    ELSE [st EXCEPT !.qc[n] = @ - 1]

EndSlots(st, S) ==
    IF S = {} THEN st
    ELSE LET s == CHOOSE x \in S : TRUE IN EndSlots(EndSingle(st, s), S \ {s})

\* bdrv_parent_drained_end_single: clear the edge, run the parent class's drained_end:
\* child_of_bds ends the parent's section, child_root drops the BlockBackend's counter
\* (queued requests restart on its 1->0: BlkUnpark), child_job calls job_resume.
EndSingle(st, s) ==
    LET st1 == [st EXCEPT !.qp[s] = FALSE]
        p   == Parent(s)
    IN  IF p \in Nodes THEN EndQ(st1, p)
        ELSE IF p \in Blks THEN [st1 EXCEPT !.blkQc[p] = @ - 1]
        ELSE [st1 EXCEPT !.pc[p] = @ - 1,
                         !.jobSt[p] = IF st1.pc[p] = 1 /\ @ = "paused" THEN "running" ELSE @]

RECURSIVE BeginAll(_, _), EndAll(_, _)
BeginAll(st, S) == IF S = {} THEN st ELSE LET n == CHOOSE x \in S : TRUE IN BeginAll(BeginQ(st, n), S \ {n})
EndAll(st, S)   == IF S = {} THEN st ELSE LET n == CHOOSE x \in S : TRUE IN EndAll(EndQ(st, n), S \ {n})

RECURSIVE EndRepeat(_, _, _), BeginRepeat(_, _, _)
EndRepeat(st, s, k)   == IF k <= 0 THEN st ELSE EndRepeat(EndSingle(st, s), s, k - 1)
BeginRepeat(st, s, k) == IF k <= 0 THEN st ELSE BeginRepeat(BeginSingle(st, s), s, k - 1)

\* Today's bdrv_replace_child_noperm, with bdrv_attach_child_common's begin_single in front:
\* the parent is quiesced through the edge before the switch; after it, the edge is ended
\* once if the new child is not drained (or there is none).
ReplaceUpstream(st, s, new) ==
    LET st1 == IF st.qp[s] THEN st ELSE BeginSingle(st, s)
        st2 == [st1 EXCEPT !.child[s] = new]
    IN  IF new = None \/ st2.qc[new] = 0 THEN EndSingle(st2, s) ELSE st2

\* The 2017 bdrv_replace_child_noperm: drained_end on the parent once per level of the old
\* child's quiesce_counter, drained_begin once per level of the new child's.  Measured
\* against per-edge counting this undrains a parent that is no longer drained because of
\* this child ([TD] test_blockjob_commit_by_drained_end, bug B; a use-after-free with three parents).
ReplacePerLevel(st, s, new) ==
    LET old == st.child[s]
        st1 == EndRepeat(st, s, IF old = None THEN 0 ELSE st.qc[old])
        st2 == [st1 EXCEPT !.child[s] = new]
    IN  BeginRepeat(st2, s, IF new = None THEN 0 ELSE st2.qc[new])

\* HOOK (negative model DrainReplacePerLevel overrides it with MCReplaceUndrainPerLevel,
\* the 2017 undrain half on top of today's per-edge counting).
ReplaceSlot(st, s, new) ==
    IF DrainDesign = "Design2017" THEN ReplacePerLevel(st, s, new) ELSE ReplaceUpstream(st, s, new)

RECURSIVE ReplaceEach(_, _, _)
ReplaceEach(st, S, new) ==
    IF S = {} THEN st ELSE LET s == CHOOSE x \in S : TRUE IN ReplaceEach(ReplaceSlot(st, s, new), S \ {s}, new)

\* HOOK (negative model DrainPollPerNode): does a multi-node drain (drain_all) walk its
\* node list one node at a time, polling in between?  2017: yes (bdrv_drain_invoke polled
\* per node, also when leaving the section: [TD] test_blockjob_commit_by_drained_end, bug A).
\* Upstream: quiesce all, then one poll; drained_end never polls (D-INV4).
PollPerNode == DrainDesign = "Design2017"

\* HOOK (negative model DrainLostRestart): does the end of a BlockBackend's drained section
\* restart its queued requests?  Upstream: blk_root_drained_end re-enters every coroutine in
\* queued_requests, under queued_requests_lock so that a request parking concurrently from
\* another iothread is not missed ("block-backend: protect queued_requests with a lock", 2023).
RestartsQueued == TRUE

\* HOOK (negative models DrainWriterNoDrain*): bdrv_graph_wrlock begins with
\* bdrv_drain_all_begin_nopoll "so a constant stream of new I/O cannot starve it".
WriterDrains == TRUE

\* HOOK (negative model DrainLockDisabled): the 8.0-era graph-lock body was under #if 0.
LockEnforced == TRUE

\* HOOK (models DrainJobBlk*): the block job that submits through BlockBackend b, or None
\* for a device's BlockBackend.  A job's BlockBackend has request queuing disabled
\* (blk_set_disable_request_queuing(blk, true): stream's s->blk, commit's s->base and s->top,
\* "to avoid a deadlock on drain, because the job reports itself busy until it reaches a
\* pause point").  Its requests are never parked: blk_wait_while_drained lets them through a
\* quiesced BlockBackend, so a drain waits for them instead (child_root drained_poll sees
\* blk->in_flight), and new ones stop because the job itself pauses at its next pause point
\* (child_job drained_begin, on the job edge that block_job_add_bdrv put on the node).
\* What the spec says: such a request may enter a quiesced node only before the drain's poll
\* returns (it is then in flight and the poll waits for it); after the return its job is
\* paused and submits nothing, which DrainedQuietInv checks.  Default: every BlockBackend is
\* a device's (request queuing on).  Java: org.blockgraph.blockjob.BlockJob#newBackend calls
\* org.blockgraph.io.BlockBackend#setDisableRequestQueuing(true).
BlkOwner == [b \in Blks |-> None]

JobBlk(b) == BlkOwner[b] # None

\* HOOK (negative model DrainJobBlkQueuing): does a job's BlockBackend queue its requests
\* while quiesced, like a device's?  Upstream: no; the job would then report itself busy (its
\* request parked, its pause point never reached) while the drain waits for it: a deadlock.
JobBlkQueues == FALSE

QueuingDisabled(b) == JobBlk(b) /\ ~JobBlkQueues

\* The BlockBackends a job submits through.
JobBlks(j) == {b \in Blks : BlkOwner[b] = j}

\* HOOK (models with a filter node): the filter nodes.  A filter's only child slot is its
\* "filtered" one (BDRV_CHILD_FILTERED: copy-on-read, throttle, commit_top, mirror_top) and a
\* non-filter node has none; drain and requests pass through a "filtered" edge like through
\* any other (child_of_bds, bdrv_co_preadv(bs->file)).  With the default (no filter nodes
\* declared) every role is usable everywhere, as before.
\* Java: org.blockgraph.driver.FilterDriver, org.blockgraph.graph.Role.
FilterNodes == {}

\* (IF, not \/: TLC branches on a disjunction in an action, and two true disjuncts would
\* generate every attach twice, changing the models' total state counts.)
RoleOK(p, r) == IF FilterNodes = {} THEN TRUE ELSE ((r = "filtered") <=> (p \in FilterNodes))

-----------------------------------------------------------------------------
(* Conditions used by several concerns.                                   *)

\* Can a graph change run now?  Locked (QEMU >= 9.0): only inside the write lock.
\* Unlocked (2017, AioContext lock only): whenever the main loop runs, including BHs and
\* QMP handlers dispatched inside a drain poll.
GraphChangeAllowed == IF GraphChangeRule = "Locked" THEN writer = "held" ELSE TRUE

\* Does a submission from thread t see the BlockBackend as quiesced, i.e. must it wait in
\* blk_wait_while_drained?  Never with request queuing disabled (a job's BlockBackend).  With
\* per-AioContext quiesce callbacks (the AioContext-list proposal) only the home context's
\* virtqueue handler is stopped; a multiqueue submission from another iothread
\* (iothread-vq-mapping) is not.
VisiblyQuiesced(b, t) ==
    /\ blkQc[b] > 0 /\ ~QueuingDisabled(b)
    /\ (DrainDesign # "AioContextList" \/ t = HomeThread[b])

\* A job has no request of its own in flight: it is between two units of work.
\* (commit_run / stream_run wait for each chunk's read and write before job_sleep_ns.)
JobIoIdle(j) == \A r \in Reqs : req[r].blk \in JobBlks(j) => req[r].st = "idle"

\* child_root / child_job drained_poll: busy?
NonBdsParentBusy(p) == IF p \in Blks THEN BlkInFlight(p) > 0 ELSE JobBusy(p)

\* bdrv_drain_poll(m, NULL, FALSE) is false for every m in Above(n): no request in flight
\* there and no BlockBackend or job parent busy (the BDS-parent recursion is Above).
PollQuiet(n) ==
    \A m \in Above(child, n) :
        /\ InFlight(m) = 0
        /\ \A s \in ParentSlotsOf(child, m) : Parent(s) \notin Nodes => ~NonBdsParentBusy(Parent(s))

\* bdrv_drain_all_poll: OR over all nodes of bdrv_drain_poll(bs, NULL, ignore_bds_parents=TRUE).
PollAllQuiet ==
    \A m \in live :
        /\ InFlight(m) = 0
        /\ \A s \in ParentSlotsOf(child, m) : Parent(s) \notin Nodes => ~NonBdsParentBusy(Parent(s))

\* drain_all's share of each node's counter; a 2017 walk has handled only part of its list.
AllContrib(n) ==
    envAll + wrAll
      - (IF ctl.op = "allBegin" /\ n \in ctl.todo THEN 1 ELSE 0)
      + (IF ctl.op = "allEnd" /\ n \in ctl.todo THEN 1 ELSE 0)

\* Drained sections on n whose drained_begin has returned.
ReturnedSections(n) == sections[n] - (IF ctl.op = "poll" /\ ctl.node = n THEN 1 ELSE 0)
ReturnedAll == envAll - (IF ctl.op \in {"allBegin", "pollAll"} THEN 1 ELSE 0)

\* The next ctl of a walk step on n (DrainWalkStep's ctl' without its quiesce effect).
WalkNext(n) ==
    IF ctl.todo = {n}
    THEN IF ctl.op = "allBegin" THEN [op |-> "pollAll", node |-> None, todo |-> {}] ELSE CtlIdle
    ELSE [ctl EXCEPT !.todo = @ \ {n}]

\* The main loop may start something new (not inside the writer's critical section).
MainLoopFree == ctl.op = "idle" /\ writer = "none"

-----------------------------------------------------------------------------
(* 2. Graph changes.  Environment: management commands (blockdev-add/del,  *)
(* reopen, x-blockdev-change).  Each needs GraphChangeAllowed.             *)

\* Enabled: p is a live node with an empty role slot, c is live, no cycle.
\* QEMU: bdrv_attach_child_common -> bdrv_parent_drained_begin_single + bdrv_replace_child_noperm.
\* Java: org.blockgraph.graph.BlockGraph#attachChild.
AttachChild(p, c, r) ==
    /\ GraphChangeAllowed /\ changes < MaxChanges
    /\ p \in live /\ c \in live /\ child[<<p, r>>] = None /\ RoleOK(p, r)
    /\ ~MakesCycle(child, p, c)
    /\ SetQS(ReplaceSlot(QS, <<p, r>>, c))
    /\ changes' = changes + 1
    /\ UNCHANGED <<live, sections, envAll, wrAll, req, ctl, writer>>

\* Enabled: slot <<p, r>> of a live node or a BlockBackend points at a node, c is live,
\* different, and no cycle; a job's own BlockBackend is not the management's to re-point.
\* QEMU: bdrv_replace_child_tran / bdrv_replace_child_noperm (e.g. blockdev-reopen of
\* backing, blk_insert_bs).  Java: org.blockgraph.graph.BlockGraph#replaceChild.
ReplaceChild(p, r, c) ==
    /\ GraphChangeAllowed /\ changes < MaxChanges
    /\ <<p, r>> \in Slots /\ (p \in live \/ (p \in Blks /\ ~JobBlk(p)))
    /\ child[<<p, r>>] \notin {None, c} /\ c \in live
    /\ ~MakesCycle(child, p, c)
    /\ SetQS(ReplaceSlot(QS, <<p, r>>, c))
    /\ changes' = changes + 1
    /\ UNCHANGED <<live, sections, envAll, wrAll, req, ctl, writer>>

\* Enabled: slot <<p, r>> of a live node has a child.  QEMU: bdrv_unref_child /
\* bdrv_remove_child (replace with NULL ends the edge's quiesce).
\* Java: org.blockgraph.graph.BlockGraph#detachChild.
DetachChild(p, r) ==
    /\ GraphChangeAllowed /\ changes < MaxChanges
    /\ p \in live /\ child[<<p, r>>] # None
    /\ SetQS(ReplaceSlot(QS, <<p, r>>, None))
    /\ changes' = changes + 1
    /\ UNCHANGED <<live, sections, envAll, wrAll, req, ctl, writer>>

\* Delete node n: its children edges go, its drain_all share goes (bdrv_close ->
\* bdrv_drain_all_end_quiesce).  Shared by RemoveNode and JobComplete.
DeleteNode(st, n) ==
    LET st1 == ReplaceEach(st, {s \in OwnSlots(n) : st.child[s] # None}, None)
    IN  [st1 EXCEPT !.qc[n] = 0]

\* Enabled: n is live, nobody points at it (refcount 0), no caller holds a drained
\* section on it.  QEMU: bdrv_delete / bdrv_close.  Java: org.blockgraph.graph.BlockGraph#deleteNode.
RemoveNode(n) ==
    /\ GraphChangeAllowed /\ changes < MaxChanges
    /\ n \in live /\ ParentSlotsOf(child, n) = {} /\ sections[n] = 0
    /\ SetQS(DeleteNode(QS, n))
    /\ live' = live \ {n}
    /\ changes' = changes + 1
    /\ UNCHANGED <<sections, envAll, wrAll, req, ctl, writer>>

-----------------------------------------------------------------------------
(* 3. Requests.  Several I/O threads submit through BlockBackends at once  *)
(* (multiqueue); every request completes in its submitting thread.        *)

\* Environment.  Enabled: request identity r is free and b has a root node; a job's
\* BlockBackend submits only while its job runs (a paused or finished job issues no I/O),
\* one request at a time (commit_run / stream_run await each read and write).
\* QEMU: blk_co_preadv/pwritev -> blk_inc_in_flight (the device's virtqueue handler in
\* iothread t, or the job's coroutine).  Java: org.blockgraph.io.BlockBackend#submit.
BlkSubmit(b, t, r) ==
    /\ req[r].st = "idle" /\ child[<<b, "root">>] # None
    /\ (JobBlk(b) => jobSt[BlkOwner[b]] = "running" /\ JobIoIdle(BlkOwner[b]))
    /\ req' = [req EXCEPT ![r] = [st |-> "submitted", blk |-> b, thread |-> t, path |-> <<>>]]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

\* System.  Enabled: r is submitted and its BlockBackend is quiesced as seen from its thread.
\* QEMU: blk_wait_while_drained parks on queued_requests and drops the in-flight reference.
\* Java: org.blockgraph.io.BlockBackend#waitWhileDrained (park branch).
BlkPark(r) ==
    /\ req[r].st = "submitted" /\ VisiblyQuiesced(req[r].blk, req[r].thread)
    /\ req' = [req EXCEPT ![r].st = "parked"]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

\* System.  Enabled: r is parked and its BlockBackend is no longer quiesced.
\* QEMU: blk_root_drained_end re-enters queued_requests on the 1->0 transition; the
\* request re-takes its in-flight reference.  Modelled level-triggered and as a return to
\* "submitted" (re-check): a request that re-enters just before a new drain is, for the
\* drain, the same as one that was in flight when the drain began.
\* Java: org.blockgraph.io.BlockBackend#restartQueued.
BlkUnpark(r) ==
    /\ req[r].st = "parked" /\ blkQc[req[r].blk] = 0 /\ RestartsQueued
    /\ req' = [req EXCEPT ![r].st = "submitted"]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

\* System.  Enabled: r (of thread t) passed the drain check (not quiesced as seen from t)
\* and no writer holds the lock (while the writer waits, QEMU's wrlock loop leaves
\* has_writer = 0, so readers still enter).  Effect: r holds t's read lock and enters its
\* BlockBackend's root node.  The wait-check and the rdlock fast path are one step: a
\* request that passes the check just before a quiesce is, for the drain, the same as one
\* already in flight when the quiesce happened.
\* QEMU: bdrv_graph_co_rdlock + bdrv_co_preadv on blk->root.
\* Java: org.blockgraph.io.BlockBackend#submit with org.blockgraph.lock.GraphLock#rdlock.
GraphRdlock(t, r) ==
    /\ req[r].st = "submitted" /\ req[r].thread = t
    /\ ~VisiblyQuiesced(req[r].blk, t)
    /\ (GraphChangeRule = "Unlocked" \/ ~LockEnforced \/ writer # "held")
    /\ req' = [req EXCEPT ![r].st = "active", ![r].path = <<child[<<req[r].blk, "root">>]>>]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

\* System.  Enabled: r is active at node m = last of its path and m has a child in slot s.
\* Effect: r also holds a reference on that child.  QEMU: a driver's bdrv_co_preadv(child)
\* (bdrv_inc_in_flight on the child).  Java: org.blockgraph.graph.Child (descend).
ReqDescend(r, s) ==
    /\ req[r].st = "active"
    /\ Parent(s) = req[r].path[Len(req[r].path)] /\ child[s] # None
    /\ req' = [req EXCEPT ![r].path = Append(@, child[s])]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

\* System.  Enabled: r is active.  Effect: drops every node reference, the read lock and the
\* BlockBackend reference, completing in its submitting thread (GraphRdunlock is part of it).
\* QEMU: bdrv_dec_in_flight (+ aio_wait_kick), bdrv_graph_co_rdunlock, blk_dec_in_flight.
\* Java: org.blockgraph.io.BlockBackend (the end of a request's run, traced as ReqComplete).
ReqComplete(r) ==
    /\ req[r].st = "active"
    /\ req' = [req EXCEPT ![r] = ReqIdle]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, ctl, writer, changes>>

-----------------------------------------------------------------------------
(* 4. Drain.                                                               *)

\* Environment.  Enabled: main loop free, n live, below the nesting bound.  Effect: the
\* whole quiesce (n and, on 0->1, every ancestor, BlockBackend and job above) in one step,
\* then the control thread polls.  QEMU: bdrv_drained_begin -> bdrv_do_drained_begin(poll=true).
\* Java: org.blockgraph.graph.BlockGraph#drainedBegin.
DrainedBegin(n) ==
    /\ MainLoopFree /\ n \in live /\ sections[n] < MaxSections
    /\ SetQS(BeginQ(QS, n))
    /\ sections' = [sections EXCEPT ![n] = @ + 1]
    /\ ctl' = [op |-> "poll", node |-> n, todo |-> {}]
    /\ UNCHANGED <<live, envAll, wrAll, req, writer, changes>>

\* System.  Enabled: the control thread polls for n, no writer is inside a BH of that poll,
\* and bdrv_drain_poll_top_level(n) is false.  QEMU: BDRV_POLL_WHILE returns.
\* Java: org.blockgraph.graph.BlockGraph#drainedBegin (poll loop exit).
DrainPollDone(n) ==
    /\ ctl.op = "poll" /\ ctl.node = n /\ writer = "none"
    /\ PollQuiet(n)
    /\ ctl' = CtlIdle
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, req, writer, changes>>

\* Environment.  Enabled: main loop free, the caller holds a section on n.  Never polls.
\* QEMU: bdrv_drained_end -> bdrv_do_drained_end.  Java: org.blockgraph.graph.BlockGraph#drainedEnd.
DrainedEnd(n) ==
    /\ MainLoopFree /\ n \in live /\ sections[n] > 0
    /\ SetQS(EndQ(QS, n))
    /\ sections' = [sections EXCEPT ![n] = @ - 1]
    /\ UNCHANGED <<live, envAll, wrAll, req, ctl, writer, changes>>

\* Environment.  Enabled: main loop free, below the bound.  Upstream: quiesce every live
\* node, then one poll.  Per-node design: start a walk over a snapshot of the node list.
\* QEMU: bdrv_drain_all_begin.  Java: org.blockgraph.graph.BlockGraph#drainAllBegin.
DrainAllBegin ==
    /\ MainLoopFree /\ envAll < MaxDrainAll
    /\ envAll' = envAll + 1
    /\ IF PollPerNode
       THEN /\ ctl' = [op |-> "allBegin", node |-> None, todo |-> live]
            /\ UNCHANGED <<child, qc, qp, blkQc, pauseCount, jobSt>>
       ELSE /\ SetQS(BeginAll(QS, live))
            /\ ctl' = [op |-> "pollAll", node |-> None, todo |-> {}]
    /\ UNCHANGED <<live, sections, wrAll, req, writer, changes>>

\* Environment.  Enabled: main loop free, an environment drain_all section is open.
\* Upstream: end every live node at once, no poll.  Per-node design: start a walk.
\* QEMU: bdrv_drain_all_end.  Java: org.blockgraph.graph.BlockGraph#drainAllEnd.
DrainAllEnd ==
    /\ MainLoopFree /\ envAll > 0
    /\ envAll' = envAll - 1
    /\ IF PollPerNode
       THEN /\ ctl' = [op |-> "allEnd", node |-> None, todo |-> live]
            /\ UNCHANGED <<child, qc, qp, blkQc, pauseCount, jobSt>>
       ELSE /\ SetQS(EndAll(QS, live))
            /\ UNCHANGED ctl
    /\ UNCHANGED <<live, sections, wrAll, req, writer, changes>>

\* System (per-node design only).  Enabled: a walk is in progress and n is still on its
\* list.  Effect: begin or end n's section; between steps the walk polls, so BHs (a job's
\* completion, QMP) run there.  A walk step on a node deleted meanwhile is the
\* use-after-free NoUseAfterFreeInv reports one state earlier.
\* QEMU (2017): the loop over bdrv_next() calling bdrv_drained_begin/end with bdrv_drain_invoke.
\* Java: none (upstream design); kept for the design comparison.
DrainWalkStep(n) ==
    /\ ctl.op \in {"allBegin", "allEnd"} /\ n \in ctl.todo /\ writer = "none"
    /\ IF n \notin live THEN UNCHANGED <<child, qc, qp, blkQc, pauseCount, jobSt>>
       ELSE IF ctl.op = "allBegin" THEN SetQS(BeginQ(QS, n)) ELSE SetQS(EndQ(QS, n))
    /\ ctl' = WalkNext(n)
    /\ UNCHANGED <<live, sections, envAll, wrAll, req, writer, changes>>

\* System.  Enabled: drain_all polls, no writer in a BH, bdrv_drain_all_poll() is false.
\* QEMU: AIO_WAIT_WHILE_UNLOCKED(NULL, bdrv_drain_all_poll()) returns.
\* Java: org.blockgraph.graph.BlockGraph#drainAllBegin (poll loop exit).
DrainAllPollDone ==
    /\ ctl.op = "pollAll" /\ writer = "none" /\ PollAllQuiet
    /\ ctl' = CtlIdle
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, req, writer, changes>>

-----------------------------------------------------------------------------
(* 5. The graph lock (Locked rule only).  One writer, on the control       *)
(* thread; it may start from a BH inside a drain poll (job_exit does).     *)

\* Environment.  Enabled: Locked, no writer, something left to change.  Effect: upstream
\* first quiesces every node without polling (bdrv_drain_all_begin_nopoll), then waits.
\* QEMU: bdrv_graph_wrlock entry.
\* Java: org.blockgraph.graph.BlockGraph (withWriteLock: drain_all, then wrlock).
GraphWrlockBegin ==
    /\ GraphChangeRule = "Locked" /\ writer = "none"
    /\ changes < MaxChanges \/ \E j \in Jobs : jobSt[j] = "done"
    /\ writer' = "waiting"
    /\ IF WriterDrains
       THEN /\ wrAll' = 1
            /\ SetQS(BeginAll(QS, live))
       ELSE UNCHANGED <<wrAll, child, qc, qp, blkQc, pauseCount, jobSt>>
    /\ UNCHANGED <<live, sections, envAll, req, ctl, changes>>

\* System.  Enabled: the writer waits and no reader holds the lock (reader_count() == 0).
\* QEMU: the wait loop in bdrv_graph_wrlock ends with has_writer = 1.
\* Java: org.blockgraph.lock.GraphLock#wrlock (acquired).
GraphWrlock ==
    /\ writer = "waiting" /\ (Readers = {} \/ ~LockEnforced)
    /\ writer' = "held"
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, jobSt, req, ctl, changes>>

\* System.  Enabled: the writer holds the lock (its graph changes are done: they are
\* environment steps before this one).  Effect: release, end the writer's drain_all.
\* QEMU: bdrv_graph_wrunlock (+ bdrv_drain_all_end).
\* Java: org.blockgraph.lock.GraphLock#wrunlock, from org.blockgraph.graph.BlockGraph (withWriteLock).
GraphWrunlock ==
    /\ writer = "held"
    /\ writer' = "none"
    /\ IF wrAll = 1
       THEN /\ wrAll' = 0
            /\ SetQS(EndAll(QS, live))
       ELSE UNCHANGED <<wrAll, child, qc, qp, blkQc, pauseCount, jobSt>>
    /\ UNCHANGED <<live, sections, envAll, req, ctl, changes>>

-----------------------------------------------------------------------------
(* 6. Jobs as request sources: busy while running; pause only at pause     *)
(* points; complete on the control thread, changing the graph.            *)

\* System.  Enabled: j runs, has been asked to pause (pause_count > 0) and has no request
\* of its own in flight (a pause point lies between two units of work).
\* QEMU: job_pause_point (RUNNING -> PAUSED, busy = false).
\* Java: org.blockgraph.job.Job (the pause branch of its run loop, traced as JobPausePoint).
JobPausePoint(j) ==
    /\ jobSt[j] = "running" /\ pauseCount[j] > 0 /\ JobIoIdle(j)
    /\ jobSt' = [jobSt EXCEPT ![j] = "paused"]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, req, ctl, writer, changes>>

\* System.  Enabled: j runs.  Effect: the job's work (its I/O, abstracted as busy) is done;
\* run() returned and completion is deferred to the main loop (job_exit sets busy = false).
\* Its own requests have completed (run() waits for them).
\* QEMU: job_co_entry -> run -> job_exit BH scheduled.
\* Java: org.blockgraph.job.Job (one step of its run loop, traced as JobStep).
JobStep(j) ==
    /\ jobSt[j] = "running" /\ JobIoIdle(j)
    /\ jobSt' = [jobSt EXCEPT ![j] = "done"]
    /\ UNCHANGED <<child, live, qc, qp, sections, envAll, wrAll, blkQc, pauseCount, req, ctl, writer, changes>>

\* System.  Enabled: j's run() returned and a graph change may run now (Locked: the job's
\* completion BH holds the write lock; Unlocked: any main-loop moment, e.g. inside a poll).
\* Effect, as a commit of the job's node m into its backing node base: every other parent
\* of m now points at base, the job edge goes, the job's own BlockBackends are detached
\* (blk_unref of s->top / s->base in commit_clean), and m is deleted if unreferenced and not
\* drained by a caller.  QEMU: job_exit -> commit_complete -> bdrv_drop_intermediate,
\* block_job_remove_all_bdrv.  Java: org.blockgraph.job.Job (job_exit, traced as JobExit)
\* running org.blockgraph.blockjob.CommitJob's graph change.
JobComplete(j) ==
    /\ jobSt[j] = "done" /\ GraphChangeAllowed
    /\ LET js   == <<j, "job">>
           m    == child[js]
           own  == {<<b, "root">> : b \in JobBlks(j)}
           base == IF m = None THEN None ELSE child[<<m, "backing">>]
           st0  == ReplaceEach(QS, {s \in own : child[s] # None}, None)
           st1  == IF base = None THEN st0
                   ELSE ReplaceEach(st0, ParentSlotsOf(child, m) \ ({js} \cup own), base)
           st2  == IF m = None THEN st1 ELSE ReplaceSlot(st1, js, None)
           drop == m # None /\ base # None /\ sections[m] = 0
           st3  == IF drop THEN DeleteNode(st2, m) ELSE st2
       IN  /\ SetQS([st3 EXCEPT !.jobSt[j] = "gone"])
           /\ live' = IF drop THEN live \ {m} ELSE live
    /\ UNCHANGED <<sections, envAll, wrAll, req, ctl, writer, changes>>

-----------------------------------------------------------------------------
(* The specification.                                                      *)

Init ==
    /\ child = InitChild
    /\ live = Nodes
    /\ qc = [n \in Nodes |-> 0]
    /\ qp = [s \in Slots |-> FALSE]
    /\ sections = [n \in Nodes |-> 0]
    /\ envAll = 0
    /\ wrAll = 0
    /\ blkQc = [b \in Blks |-> 0]
    /\ pauseCount = [j \in Jobs |-> 0]
    /\ jobSt = [j \in Jobs |-> "running"]
    /\ req = [r \in Reqs |-> ReqIdle]
    /\ ctl = CtlIdle
    /\ writer = "none"
    /\ changes = 0

\* Environment actions (no fairness).
EnvNext ==
    \/ \E b \in Blks, t \in Threads, r \in Reqs : BlkSubmit(b, t, r)
    \/ \E n \in Nodes : DrainedBegin(n) \/ DrainedEnd(n)
    \/ DrainAllBegin \/ DrainAllEnd
    \/ \E p \in Nodes, c \in Nodes, r \in NodeRoles : AttachChild(p, c, r)
    \/ \E s \in Slots, c \in Nodes : ReplaceChild(s[1], s[2], c)
    \/ \E p \in Nodes, r \in NodeRoles : DetachChild(p, r)
    \/ \E n \in Nodes : RemoveNode(n)
    \/ GraphWrlockBegin

\* System actions (fair).
SysNext ==
    \/ \E r \in Reqs : BlkPark(r) \/ BlkUnpark(r) \/ ReqComplete(r)
    \/ \E t \in Threads, r \in Reqs : GraphRdlock(t, r)
    \/ \E r \in Reqs, s \in Slots : ReqDescend(r, s)
    \/ \E n \in Nodes : DrainPollDone(n) \/ DrainWalkStep(n)
    \/ DrainAllPollDone
    \/ GraphWrlock \/ GraphWrunlock
    \/ \E j \in Jobs : JobPausePoint(j) \/ JobStep(j) \/ JobComplete(j)

Next == EnvNext \/ SysNext

\* The progress a request makes on its own: park, restart, enter, complete.
ReqStep(r) ==
    BlkPark(r) \/ BlkUnpark(r) \/ (\E t \in Threads : GraphRdlock(t, r)) \/ ReqComplete(r)

\* Fairness twins.  TLC's liveness checker evaluates each fairness action on every
\* transition and its ENABLED in every state; doing so through the recursive quiesce
\* propagation was measured at 20 states/s instead of 3000.  So fairness is stated on
\* twins subscripted by the one variable they move: their steps are exactly the steps of
\* the real actions (no other action moves the writer from "waiting" to "held" or from
\* "held" to "none", or moves ctl out of "poll", "pollAll" or a walk) and they are
\* enabled exactly when the real actions are (the real effects never fail).
CtlStep ==
    /\ writer = "none"
    /\ \/ ctl.op = "poll" /\ PollQuiet(ctl.node) /\ ctl' = CtlIdle
       \/ ctl.op = "pollAll" /\ PollAllQuiet /\ ctl' = CtlIdle
       \/ ctl.op \in {"allBegin", "allEnd"} /\ \E n \in ctl.todo : ctl' = WalkNext(n)
WriterStep ==
    \/ writer = "waiting" /\ (Readers = {} \/ ~LockEnforced) /\ writer' = "held"
    \/ writer = "held" /\ writer' = "none"

\* Fairness on what the system must finish on its own.  Strong fairness because the
\* environment can disable these steps again and again (a writer session blocks polls and
\* readers, a new drain parks requests).  Few, grouped conjuncts: TLC's liveness check is
\* exponential in their number.  ReqDescend and JobStep/JobComplete need none (a request
\* may complete at any depth; a job need not finish for any property).  A job asked to pause
\* reaches its pause point between two units of work: strong fairness, because a job that
\* submits through its own BlockBackend (BlkOwner) leaves the pause point enabled only
\* between its requests, and job_pause_point lies on that path (job_sleep_ns, job_yield).
Fairness ==
    /\ \A r \in Reqs : SF_vars(ReqStep(r))
    /\ SF_ctl(CtlStep)
    /\ SF_writer(WriterStep)
    /\ SF_vars(\E j \in Jobs : JobPausePoint(j))

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Invariants.  Java: org.blockgraph.drain.DrainInvariants has one method *)
(* per counter invariant (lowerCamelCase), checked on the live Java graph. *)

TypeOK ==
    /\ child \in [Slots -> Nodes \cup {None}]
    /\ live \subseteq Nodes
    /\ qc \in [Nodes -> Int] /\ blkQc \in [Blks -> Int] /\ pauseCount \in [Jobs -> Int]
    /\ qp \in [Slots -> BOOLEAN]
    /\ sections \in [Nodes -> Nat] /\ envAll \in Nat /\ wrAll \in 0..1
    /\ jobSt \in [Jobs -> {"running", "paused", "done", "gone"}]
    /\ \A r \in Reqs : req[r].st \in {"idle", "submitted", "parked", "active"}
    /\ writer \in {"none", "waiting", "held"}
    /\ ctl.op \in {"idle", "poll", "pollAll", "allBegin", "allEnd"}

\* Every drained_end matched a drained_begin: no node, BlockBackend or job was undrained
\* more often than drained, i.e. none counts less than its own sections, drain_all and
\* the edges it is quiesced through demand (QEMU asserts qc > 0 before each end).
\* QEMU: the assertions in bdrv_do_drained_end / bdrv_parent_drained_end_single.
\* Java: DrainInvariants#drainBalanceInv.
DrainBalanceInv ==
    /\ \A n \in live : qc[n] >= sections[n] + AllContrib(n) + Cardinality({s \in OwnSlots(n) : qp[s]})
    /\ \A b \in Blks : blkQc[b] >= Cardinality({s \in OwnSlots(b) : qp[s]})
    /\ \A j \in Jobs : jobSt[j] # "gone" => pauseCount[j] >= Cardinality({s \in OwnSlots(j) : qp[s]})

\* The counting rule: qc = own sections + drain_all + one per child edge whose
\* child is quiesced, however deeply (reference 1.2).  QEMU: quiesce_counter as
\* bdrv_do_drained_begin_quiesce / child_of_bds drained_begin move it.
\* Java: DrainInvariants#quiesceCountInv (org.blockgraph.graph.Node's counter).
QuiesceCountInv ==
    \A n \in live :
        qc[n] = sections[n] + AllContrib(n)
                + Cardinality({s \in OwnSlots(n) : child[s] # None /\ qc[child[s]] > 0})

\* quiesced_parent agrees with the child's counter (D-INV1; attach is atomic here), and an
\* empty or dead slot is never quiesced.  QEMU: BdrvChild.quiesced_parent, asserted in
\* bdrv_parent_drained_begin/end_single.  Java: DrainInvariants#quiescedParentInv
\* (org.blockgraph.graph.Child's flag).
QuiescedParentInv ==
    \A s \in Slots :
        /\ child[s] = None => ~qp[s]
        /\ child[s] # None => (qp[s] <=> qc[child[s]] > 0)

\* Parent callbacks fired exactly once per 0<->1 transition of the child (D-INV3): a
\* BlockBackend's / job's counter equals its number of quiesced edges; a paused job is asked to.
\* QEMU: "block: Call drain callbacks only once" (57e05be343f3): child_root / child_job
\* drained_begin/end.  Java: DrainInvariants#callbackOnceInv (BlockBackend#quiesceCounter,
\* org.blockgraph.job.Job's pause count).
CallbackOnceInv ==
    /\ \A b \in Blks : blkQc[b] = Cardinality({s \in OwnSlots(b) : qp[s]})
    /\ \A j \in Jobs : jobSt[j] # "gone" => pauseCount[j] = Cardinality({s \in OwnSlots(j) : qp[s]})
    /\ \A j \in Jobs : jobSt[j] = "paused" => pauseCount[j] > 0

\* While a drained section on n has returned (until its drained_end): no request is in
\* flight on n or any node above it, and every job above it that is still busy has at least
\* been asked to pause (D-INV2).  At the return itself the poll guarantees "not busy"; later
\* an attach can put a running job above n, and attach quiesces the new parent but never
\* polls (reference 1.3), so only pause_count > 0 is demanded.  For every live node while a
\* drain_all section has returned: no request in flight and no job with a node busy.  (A BlockBackend counter may be 1 for an instant: a request between
\* blk_inc_in_flight and parking, so requests are judged on the nodes.)  Requests of a
\* BlockBackend with request queuing disabled are not parked, so for them this is the claim
\* that their job pauses before it submits again (see BlkOwner), with one exception by
\* design: after an attach has put a still-running job's BlockBackend above a drained node
\* (attach quiesces the new parent but never polls, reference 1.3), the job's requests may
\* still reach that node until the job reaches its next pause point; the job must at least
\* have been asked to pause (PausingJobReq).
\* QEMU: what BDRV_POLL_WHILE(bs, bdrv_drain_poll_top_level) and the parent callbacks
\* guarantee (D-INV2).  Java: DrainInvariants#drainedQuietInv.
\* An active request that a drained section may tolerate above its node: one of a job's
\* BlockBackend (request queuing disabled) whose job has been asked to pause.
PausingJobReq(r) ==
    JobBlk(req[r].blk) /\ pauseCount[BlkOwner[req[r].blk]] > 0

DrainedQuietInv ==
    /\ \A n \in live :
         ReturnedSections(n) > 0 =>
            /\ \A r \in Readers : Range(req[r].path) \cap Above(child, n) # {} => PausingJobReq(r)
            /\ \A j \in Jobs : j \in NonBdsParentsAbove(child, n) /\ JobBusy(j) => pauseCount[j] > 0
    /\ ReturnedAll > 0 =>
            /\ \A m \in live : InFlight(m) = 0
            /\ \A j \in Jobs : (\E s \in OwnSlots(j) : child[s] # None) => ~JobBusy(j)

\* No reader holds the graph lock while the writer does.  QEMU: bdrv_graph_wrlock waits for
\* reader_count() == 0; bdrv_graph_co_rdlock waits while has_writer.
\* Java: org.blockgraph.lock.GraphLock (wrlock / rdlock).
NoReaderDuringWriteInv == writer = "held" => Readers = {}

\* Nothing in progress refers to a deleted node or a vanished edge: every active request's
\* path is a path of the current graph from its BlockBackend's root over live nodes (else
\* the request holds a freed BdrvChild), a drain walk's remaining list holds live nodes
\* only (else the walk touches a freed BDS), and a polled node is live.
\* QEMU: the freed BdrvChild of [TD] test_blockjob_commit_by_drained_end and the nodes that
\* bdrv_drop_intermediate deletes.  Java: org.blockgraph.graph.BlockGraph (graph changes
\* only under the write lock, which in-flight requests hold as readers).
NoUseAfterFreeInv ==
    /\ \A r \in Readers :
         LET p == req[r].path IN
         /\ p[1] = child[<<req[r].blk, "root">>]
         /\ Range(p) \subseteq live
         /\ \A i \in 1..(Len(p) - 1) : \E s \in OwnSlots(p[i]) : child[s] = p[i + 1]
    /\ ctl.op \in {"allBegin", "allEnd"} => ctl.todo \subseteq live
    /\ ctl.op = "poll" => ctl.node \in live

\* Graph changes happen only under the write lock and only on quiesced edges (D-INV5).
\* QEMU: GRAPH_WRLOCK annotations and bdrv_replace_child_noperm's assertion on
\* quiesced_parent.  Java: org.blockgraph.graph.BlockGraph (withWriteLock, withDrained).
GraphChangeLockedProp ==
    [][\A s \in Slots : child'[s] # child[s] =>
                          /\ writer = "held"
                          /\ (child[s] # None => qp[s])]_vars

-----------------------------------------------------------------------------
(* Liveness under fairness.                                                *)

\* Every drained_begin / drain_all_begin returns (no hang in the poll).  QEMU: BDRV_POLL_WHILE
\* / AIO_WAIT_WHILE_UNLOCKED in bdrv_do_drained_begin and bdrv_drain_all_begin terminate.
\* Java: org.blockgraph.graph.BlockGraph#drainedBegin / #drainAllBegin with org.blockgraph.lock.AioWait.
DrainTerminatesProp == (ctl.op # "idle") ~> (ctl.op = "idle")

\* Every submitted request completes, or waits parked while its BlockBackend is quiesced
\* (and then continues once the drain ends).  QEMU: blk_wait_while_drained and the restart in
\* blk_root_drained_end.  Java: org.blockgraph.io.BlockBackend (waitWhileDrained, restartQueued).
ReqProgressProp ==
    \A r \in Reqs : (req[r].st # "idle") ~> (req[r].st = "idle" \/ (req[r].st = "parked" /\ blkQc[req[r].blk] > 0))

\* The writer eventually gets the lock.  QEMU: bdrv_graph_wrlock's wait loop ends (its
\* bdrv_drain_all_begin_nopoll stops new readers).  Java: org.blockgraph.lock.GraphLock#wrlock.
WriterProgressProp == (writer = "waiting") ~> (writer = "held")
=============================================================================
