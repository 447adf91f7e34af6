------------------------------ MODULE Management ------------------------------
(***************************************************************************)
(* Concern 4: what the guest and the management layer do to the chain     *)
(* while jobs run: guest writes, blockdev-reopen of a backing link,        *)
(* blockdev-snapshot, blockdev-del.  Every mutator refuses a frozen link   *)
(* (reference §2) or an op-blocked node, and a refused command changes     *)
(* nothing (it is a stutter step here).                                    *)
(* Java: org.blockgraph.chain.Chain#reopenBacking, #snapshot, #deleteNode; *)
(*       org.blockgraph.io.BlockBackend#write (guest writes).              *)
(***************************************************************************)
EXTENDS StreamCommit

(* An active commit that has done its final sync keeps its source drained until the pivot
   (mirror_run leaves its loop inside a drained section; mirror_exit_common ends it). *)
SourceDrained == \E k \in Jobs : jobKind[k] = "active" /\ status[k] \in {"waiting", "pending"}
                                 /\ cancelled[k] = "no"

(* GuestWrite: the guest writes value v to cluster c through its BlockBackend: the write passes the
   filters above the active layer and allocates c there; an active commit whose source that is marks
   c dirty.  Enabled while the write budget lasts and no pivot drain holds the source.
   blk_co_pwritev -> org.blockgraph.io.BlockBackend#write *)
GuestWrite(c, v) ==
    /\ writes < MaxWrites
    /\ ~SourceDrained
    /\ LET t == SkipFilters(root) IN
       /\ data' = [data EXCEPT ![t][c] = v]
       /\ todo' = [k \in Jobs |-> IF jobKind[k] = "active" /\ jobTop[k] = t
                                     /\ status[k] \in {"created", "running", "paused", "ready", "standby"}
                                  THEN todo[k] \cup {c} ELSE todo[k]]
    /\ guest' = [guest EXCEPT ![c] = v]
    /\ writes' = writes + 1
    /\ UNCHANGED <<live, backing, root, frozen, frozenTo, status, jobKind, jobTop, jobBase, jobAbove,
                   jobOverlay, jobLinks, jobNodes, jobErr, cancelled, completeReq, finalizeReq,
                   userPaused, outcome>>

(* Override point for the negative model ReopenIgnoresFrozen: is a reopen of n's link refused
   because the link is frozen ("Cannot change frozen 'backing' link from '%s' to '%s'")? *)
ReopenRefusedFrozen(n) == frozen[n]

(* ReopenBacking: `blockdev-reopen` of format node n with backing=nb, nb a live node further down
   n's chain (management skips layers it knows to be redundant).  Refused if n's link is frozen or the
   new link makes a cycle.  The environment only issues reopens that keep the guest's view unchanged
   (any other reopen is a management error that changes the disk by definition); the model checks
   that jobs cope with such changes.  bdrv_reopen_parse_file_or_backing +
   bdrv_set_file_or_backing_noperm -> org.blockgraph.chain.Chain#reopenBacking *)
ReopenBacking(n, nb) ==
    /\ n \in live /\ n \in FormatNodes
    /\ nb \in live /\ nb \in Below(n) /\ nb # backing[n]
    /\ ~ReopenRefusedFrozen(n)
    /\ LET bk == [backing EXCEPT ![n] = nb] IN
       /\ \A c \in Clusters : ReadWith(bk, root, c) = Read(root, c)
       /\ backing' = bk
    /\ UNCHANGED <<live, root, data, frozen, frozenTo, guest, writes>>
    /\ UNCHANGED jobVars

(* Snapshot: `blockdev-snapshot node=n overlay=ov`: the fresh empty format node ov (not live) gets
   backing n and replaces n for all of n's parents (bdrv_append).  n is the active layer; refused if n
   is op-blocked (EXTERNAL_SNAPSHOT) or a parent edge of n is frozen.
   qmp_blockdev_snapshot -> org.blockgraph.chain.Chain#snapshot *)
Snapshot(ov, n) ==
    /\ ov \in FormatNodes \ (InitLive \cup live)
    /\ n = SkipFilters(root)
    /\ ~Blocked(n)
    /\ CanReplace(n, ov)
    /\ live' = live \cup {ov}
    /\ backing' = [Replaced(backing, n, ov) EXCEPT ![ov] = n]
    /\ root' = RootAfter(n, ov)
    /\ data' = [data EXCEPT ![ov] = [c \in Clusters |-> 0]]
    /\ UNCHANGED <<frozen, frozenTo, guest, writes>>
    /\ UNCHANGED jobVars

(* DeleteNode: `blockdev-del` of format node n: refused while n has a parent (BlockBackend or a link:
   "Node '%s' is in use") or a job holds it.  n's own link goes away with it.
   qmp_blockdev_del -> org.blockgraph.chain.Chain#deleteNode *)
DeleteNode(n) ==
    /\ n \in live /\ n \in FormatNodes
    /\ n # root /\ Parents(n) = {}
    /\ ~Blocked(n)
    /\ live' = live \ {n}
    /\ UNCHANGED <<backing, root, data, frozen, frozenTo, guest, writes>>
    /\ UNCHANGED jobVars

=============================================================================
