----------------------------- MODULE DrainGraph -----------------------------
(***************************************************************************)
(* The block graph as data (reference section 1.1): BDS nodes, their child *)
(* slots, BlockBackend root slots and block-job slots.  A slot is a pair   *)
(* <<parent, role>>; the state maps each slot to the node it points at.    *)
(* Pure operators only: the variables live in Drain.tla.                   *)
(* Java: org.blockgraph.graph.BlockGraph (edges as BdrvChild-like records).*)
(***************************************************************************)
EXTENDS Integers, FiniteSets, Sequences

CONSTANTS
    Nodes,      \* BlockDriverState nodes (model values)
    NodeRoles,  \* child roles a BDS parent may have, e.g. {"backing", "file"}
    Blks,       \* BlockBackends: root parents that submit requests and queue them when quiesced
    Jobs,       \* block jobs: parents through one "job" slot, completing on the control thread
    Threads,    \* I/O threads (iothreads, one AioContext each) that submit requests (multiqueue)
    Reqs,       \* request identities; recycled after completion
    None        \* model value: empty slot, no thread, no node

\* Every slot that can exist.  A BDS parent has one slot per role, a BlockBackend
\* its "root" slot (child_root), a job its "job" slot (child_job).
Slots == (Nodes \X NodeRoles) \cup (Blks \X {"root"}) \cup (Jobs \X {"job"})

Parent(s) == s[1]

\* The slots through which node n is a child (n's parent list, bs->parents).
ParentSlotsOf(child, n) == {s \in Slots : child[s] = n}

\* The slots a parent owns (its children list).
OwnSlots(p) == {s \in Slots : s[1] = p}

\* Nodes directly below node p.
ChildNodes(child, p) == {child[s] : s \in OwnSlots(p)} \ {None}

\* n together with all its BDS ancestors (what parent-only drain propagation reaches).
RECURSIVE UpClosure(_, _, _)
UpClosure(child, S, k) ==
    IF k = 0 THEN S
    ELSE UpClosure(child,
                   S \cup {Parent(s) : s \in {x \in Slots : child[x] \in S /\ Parent(x) \in Nodes}},
                   k - 1)
Above(child, n) == UpClosure(child, {n}, Cardinality(Nodes))

\* n together with all its BDS descendants.
RECURSIVE DownClosure(_, _, _)
DownClosure(child, S, k) ==
    IF k = 0 THEN S
    ELSE DownClosure(child, S \cup UNION {ChildNodes(child, m) : m \in S}, k - 1)
Below(child, n) == DownClosure(child, {n}, Cardinality(Nodes))

\* Making c a child of p creates a cycle ("Making '%s' a %s child of '%s' would create a cycle").
MakesCycle(child, p, c) == p \in Nodes /\ p \in Below(child, c)

\* BlockBackends and jobs that sit above node n (directly on n or on an ancestor).
NonBdsParentsAbove(child, n) ==
    {Parent(s) : s \in {x \in Slots : child[x] \in Above(child, n) /\ Parent(x) \notin Nodes}}

\* A sequence's elements.
Range(seq) == {seq[i] : i \in DOMAIN seq}
=============================================================================
