/**
 * The block graph: nodes, child edges with roles, parents of three kinds, permissions, transactional graph
 * changes and drain. {@link org.blockgraph.graph.BlockGraph} is the library's entry point.
 *
 * <p>Spec concerns implemented here: spec/drain (drained sections, drain_all, quiesce counters, per-edge
 * quiesced-parent flags, attach/replace/detach of children while drained) and the permission and cycle rules of
 * the graph (reference §1, §7). Structure (child and parent lists) is changed only under the control lock and the
 * graph write lock; I/O threads read it under the graph read lock. Drain state (quiesce counters, quiesced-parent
 * flags) is changed only under the control lock; counters read by I/O threads are atomics.
 */
package org.blockgraph.graph;
