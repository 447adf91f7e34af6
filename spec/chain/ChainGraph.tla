------------------------------ MODULE ChainGraph ------------------------------
(***************************************************************************)
(* Concern 1: the backing chain, its data, frozen links and op blockers.   *)
(*                                                                         *)
(* A node has at most one "link": its filter-or-COW child (the backing of  *)
(* a format node, the file/backing child of a filter), reference §2.  The  *)
(* guest's BlockBackend is attached to `root`.  Format nodes hold data per *)
(* cluster; filters hold none and pass reads and writes through.           *)
(* Java: org.blockgraph.chain.Chain (links, freezing, replace),            *)
(*       org.blockgraph.chain.ChainData (per-cluster allocation).          *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences

CONSTANTS
    FormatNodes,     \* format (qcow2-like) nodes; user-added, live until DeleteNode
    UserFilters,     \* filters the user placed in the chain (e.g. throttle); never_freeze unset
    Jobs,            \* job slots (job ids)
    FilterOf,        \* [Jobs -> node]: the implicit filter node a job inserts (COR / commit_top / mirror_top)
    Clusters,        \* cluster indices of the virtual disk
    GuestValues,     \* values a guest write may store (never 0)
    InitLive,        \* nodes present at start
    InitBacking,     \* [Nodes -> Nodes \cup {None}]: initial links
    InitData,        \* [Nodes -> [Clusters -> Vals]]: initial allocation (0 = unallocated)
    InitRoot,        \* node the guest BlockBackend is attached to at start
    MaxWrites,       \* bound on the number of guest writes in a behaviour
    None             \* "no node" (end of chain)

Nodes == FormatNodes \cup UserFilters \cup {FilterOf[j] : j \in Jobs}
\* 0 stands for "unallocated here"; reading past the bottom of the chain gives 0 (zeroes), so an
\* allocated zero and an unallocated cluster read the same and need not be told apart.
Vals == GuestValues \cup {0} \cup {InitData[n][c] : n \in Nodes, c \in Clusters}
MaxDepth == Cardinality(Nodes) + 1

VARIABLES
    live,      \* set of nodes that exist (a dead node's entries are stale and must not be referenced)
    backing,   \* [Nodes -> Nodes \cup {None}]: the node's filter-or-COW link
    root,      \* the node attached to the guest's BlockBackend (drive0)
    data,      \* [Nodes -> [Clusters -> Vals]]: allocation + content of each node (0 = unallocated)
    frozen,    \* [Nodes -> BOOLEAN]: the link node -> backing[node] is frozen (BdrvChild.frozen)
    frozenTo,  \* ghost [Nodes -> Nodes \cup {None}]: where a frozen link pointed when it was frozen
    guest,     \* ghost [Clusters -> Vals]: what the guest last wrote, or the initial content
    writes     \* number of guest writes so far (bounded by MaxWrites: the guest eventually stops)

graphVars == <<live, backing, root, data, frozen, frozenTo, guest, writes>>

IsFilter(n) == n \notin FormatNodes

(* Read cluster c as seen from node n: the first allocation down the chain (bdrv_co_preadv through
   the backing chain).  The depth bound only matters for cyclic graphs, which AcyclicInv rules out. *)
RECURSIVE ReadB(_, _, _, _, _)
ReadB(bk, dt, n, c, d) == IF n = None \/ d = 0 THEN 0
                          ELSE IF dt[n][c] # 0 THEN dt[n][c]
                          ELSE ReadB(bk, dt, bk[n], c, d - 1)
Read(n, c) == ReadB(backing, data, n, c, MaxDepth)
\* n's view of cluster c if the links were bk (used to check a reopen or a pivot).
ReadWith(bk, n, c) == ReadB(bk, data, n, c, MaxDepth)

(* The chain below n (n included) as a sequence, bounded. *)
RECURSIVE PathD(_, _)
PathD(n, d) == IF n = None \/ d = 0 THEN << >> ELSE <<n>> \o PathD(backing[n], d - 1)
Path(n) == PathD(n, MaxDepth)
OnPath(n) == {Path(n)[i] : i \in 1..Len(Path(n))}
Below(n) == OnPath(n) \ {n}

(* bdrv_skip_filters: the first format node at or below n. *)
RECURSIVE SkipD(_, _)
SkipD(n, d) == IF n = None \/ d = 0 THEN None ELSE IF ~IsFilter(n) THEN n ELSE SkipD(backing[n], d - 1)
SkipFilters(n) == SkipD(n, MaxDepth)

(* The nodes whose link lies between top and stop: top, ..., the node directly above stop
   (bdrv_freeze_backing_chain(top, stop) walks these; stop's own link is excluded).
   stop = None means the whole chain. *)
LinksAbove(top, stop) ==
    LET p == Path(top)
        k == IF stop = None THEN Len(p) + 1
             ELSE CHOOSE i \in 1..(Len(p) + 1) : i = Len(p) + 1 \/ p[i] = stop
    IN {p[i] : i \in 1..(k - 1)} \ {m \in Nodes : backing[m] = None}

(* The node directly above stop on the path from top (upstream's above_base). *)
AboveOf(top, stop) == CHOOSE m \in OnPath(top) : backing[m] = stop

(* bdrv_find_overlay: the first format node above stop on the path from top (filters skipped). *)
OverlayOf(top, stop) ==
    LET p == Path(top)
        k == CHOOSE i \in 1..Len(p) : backing[p[i]] = stop
    IN p[CHOOSE i \in 1..k : ~IsFilter(p[i]) /\ \A l \in (i + 1)..k : IsFilter(p[l])]

(* Parent edges of n: nodes linking to n (the BlockBackend's edge is `root`). *)
Parents(n) == {m \in live : backing[m] = n}

(* bdrv_is_backing_chain_frozen / bdrv_freeze_backing_chain precondition (reference §2): no link in
   the range is already frozen (no nesting) and no link's child has never_freeze. *)
CanFreeze(links, NeverFreeze(_)) ==
    \A m \in links : ~frozen[m] /\ ~NeverFreeze(backing[m])

FreezeLinks(links) ==
    /\ frozen' = [m \in Nodes |-> IF m \in links THEN TRUE ELSE frozen[m]]
    /\ frozenTo' = [m \in Nodes |-> IF m \in links THEN backing'[m] ELSE frozenTo[m]]  \* after the step's own changes

UnfreezeLinks(links) ==
    /\ frozen' = [m \in Nodes |-> IF m \in links THEN FALSE ELSE frozen[m]]
    /\ frozenTo' = [m \in Nodes |-> IF m \in links THEN None ELSE frozenTo[m]]

(* bdrv_replace_node_noperm precondition: no parent edge of `from` is frozen (`Cannot change '%s'
   link to '%s'`); `to`'s own link is never redirected (that would make a loop). *)
CanReplace(from, to) == \A m \in Parents(from) \ {to} : ~frozen[m]

(* The backing function after every parent edge of `from` (but `to`'s own) is moved to `to`. *)
Replaced(bk, from, to) == [m \in Nodes |-> IF m \in live /\ m # to /\ bk[m] = from THEN to ELSE bk[m]]
RootAfter(from, to) == IF root = from THEN to ELSE root

=============================================================================
