------------------------------- MODULE MCDrain -------------------------------
(***************************************************************************)
(* Model values, the initial graph, symmetry, and the historic bugs as     *)
(* operator overrides for the negative models.  The .cfg files only wire.  *)
(***************************************************************************)
EXTENDS Drain

CONSTANTS n1, n2, n3, n4, b1, b2, j1, t1, t2, r1, r2, r3   \* model values (n4, r3 only in the deep models, b2 only in the job-BlockBackend ones)

\* b1 -root-> n1 -backing-> n2 -backing-> n3, and a job (a commit of n2 into n3) on n2:
\* an active layer over an intermediate image over a base, as in iotest 030 / [TD]
\* test_blockjob_common_drain_node.  File slots start empty; graph changes may fill them.
MCInitChild ==
    [s \in Slots |->
        CASE s = <<b1, "root">>    -> n1
          [] s = <<n1, "backing">> -> n2
          [] s = <<n2, "backing">> -> n3
          [] s = <<j1, "job">>     -> n2
          [] OTHER                 -> None]

\* Models DrainJobBlk*: the commit job j1 also submits its own I/O (read top, write base)
\* through b2, a BlockBackend on its top node n2 with request queuing disabled (commit's
\* s->top; its requests reach n3 through n2's backing edge, as s->base's would).
MCInitChildJobBlk == [s \in Slots |-> IF s = <<b2, "root">> THEN n2 ELSE MCInitChild[s]]
MCBlkOwnerJob == [b \in Blks |-> IF b = b2 THEN j1 ELSE None]

\* Model DrainFilterJobBlk: a filter between the BlockBackend and the format node, as
\* stream's copy-on-read filter or a throttle node sits there:
\* b1 -root-> n1 (filter) -filtered-> n2 -backing-> n3, commit job j1 on n2 with b2 on n2.
MCInitChildFilter ==
    [s \in Slots |->
        CASE s = <<b1, "root">>     -> n1
          [] s = <<n1, "filtered">> -> n2
          [] s = <<n2, "backing">>  -> n3
          [] s = <<j1, "job">>      -> n2
          [] s = <<b2, "root">>     -> n2
          [] OTHER                  -> None]
MCFilterNodes == {n1}

\* Negative model DrainJobBlkNoJobEdge: the job's BlockBackend sits on n1, a node that carries
\* no edge of the job and is not below one, as if block_job_add_bdrv had been skipped for a
\* node the job does I/O on (mirror's target, commit's base: [TD]
\* test_blockjob_common_drain_node expects draining the target alone to pause the job).
\* Draining n1 then quiesces b2 but never pauses j1, and b2 does not queue: the poll waits
\* for b2's requests in flight, returns, and the still-running job submits into n1.
MCInitChildJobBlkNoEdge == [s \in Slots |-> IF s = <<b2, "root">> THEN n1 ELSE MCInitChild[s]]

\* Every BlockBackend's device callbacks live in t1's AioContext (matters for AioContextList).
MCHomeThread == [b \in Blks |-> t1]

\* Requests are interchangeable; threads are too unless the design gives one a home role.
MCSymmetryReqs == Permutations(Reqs)
MCSymmetry == Permutations(Reqs) \cup Permutations(Threads)

MCTrue == TRUE
MCFalse == FALSE

\* Negative model DrainCallbacksEveryBegin: before "block: Call drain callbacks only once"
\* (57e05be343f3, Nov 2022) bdrv_parent_drained_begin ran on every nested drained_begin,
\* not only on 0->1.  Here restricted to BlockBackend and job parents (their own counters
\* then count levels), so that the BDS counting rule stays intact and only the callback
\* property can notice.
MCRepeatCallbacks(st, n) ==
    BeginSlots(st, {s \in ParentSlotsOf(st.child, n) : Parent(s) \notin Nodes})

\* Negative model DrainReplacePerLevel: the 2017 bdrv_replace_child_noperm undrained the
\* old child's parent once per level of the old child's quiesce_counter ([TD]
\* test_blockjob_commit_by_drained_end, bug B: with three parents this undrained a parent
\* that was no longer drained and a QLIST_FOREACH_SAFE walk touched a freed BdrvChild).
\* The new-child half is today's (once, if the new child is drained).
MCReplaceUndrainPerLevel(st, s, new) ==
    LET old == st.child[s]
        st1 == EndRepeat(st, s, IF old = None THEN 0 ELSE st.qc[old])
        st2 == [st1 EXCEPT !.child[s] = new]
    IN  IF new # None /\ st2.qc[new] > 0 THEN BeginSingle(st2, s) ELSE st2

\* Negative model DrainAttachNoBegin: attach/replace links the new child without first
\* quiescing the parent through the edge (no bdrv_parent_drained_begin_single in
\* bdrv_attach_child_common), so attaching a drained child leaves the parent running:
\* [TD] test_append_to_drained expects the overlay to become drained.
MCReplaceNoBeginSingle(st, s, new) ==
    LET st2 == [st EXCEPT !.child[s] = new]
    IN  IF st.qp[s] /\ (new = None \/ st2.qc[new] = 0) THEN EndSingle(st2, s) ELSE st2
=============================================================================
