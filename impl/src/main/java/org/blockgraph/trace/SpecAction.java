package org.blockgraph.trace;

/**
 * The names of the TLA+ actions that the core emits as trace events.
 *
 * <p>One vocabulary: each constant is spelled exactly as the action in the spec's {@code Next}, and the Lincheck
 * operations and generated commands that drive it use the lowerCamelCase form. A test in the checker keeps this
 * enum, the specs' {@code Next} disjuncts and the trace specs' predicates the same set.
 *
 * <p>The constants below belong to the drain / graph lock / I/O family (spec/drain). Where each is emitted:
 * <ul>
 *   <li>{@link #BlkSubmit}: a BlockBackend accepted a request and took its in-flight reference
 *       ({@code BlockBackend.execute}).</li>
 *   <li>{@link #BlkPark} / {@link #BlkUnpark}: a request in a quiesced BlockBackend dropped its in-flight
 *       reference and waits / took it again after the drained section ended.</li>
 *   <li>{@link #ReqDescend}: a request passed from a parent (BlockBackend or node) into the child on its path
 *       ({@code Child} I/O methods).</li>
 *   <li>{@link #ReqComplete}: a request completed at its BlockBackend and dropped its in-flight reference.</li>
 *   <li>{@link #DrainedBegin} / {@link #DrainedEnd}: a drained section on a node began (quiesce part, before the
 *       poll) / ended ({@code BlockGraph.drainedBegin/End}).</li>
 *   <li>{@link #DrainPollDone}: drainedBegin's poll found the node and its parents quiet and returned.</li>
 *   <li>{@link #DrainAllBegin} / {@link #DrainAllPollDone} / {@link #DrainAllEnd}: the same for drain_all.</li>
 *   <li>{@link #AttachChild}, {@link #ReplaceChild}, {@link #DetachChild}, {@link #RemoveNode}: graph changes,
 *       at their commit under the graph write lock ({@code BlockGraph}).</li>
 *   <li>{@link #GraphRdlock}: a request passed its BlockBackend's drain check, took the read lock and enters the
 *       root node ({@code BlockBackend}); the read unlock is part of {@link #ReqComplete}.</li>
 *   <li>{@link #GraphWrlockBegin} / {@link #GraphWrlock} / {@link #GraphWrunlock}: a writer quiesced every node
 *       and waits for readers / holds the write lock / released it and ended that quiesce ({@code BlockGraph}).</li>
 * </ul>
 */
public enum SpecAction {
    /** A BlockBackend accepted a request and took its in-flight reference. */
    BlkSubmit,
    /** A request in a quiesced BlockBackend dropped its in-flight reference and waits. */
    BlkPark,
    /** A parked request took its in-flight reference again after the drained section ended. */
    BlkUnpark,
    /** A request passed from a node into the child on its path. */
    ReqDescend,
    /** A request completed in its thread, dropping its references and the read lock. */
    ReqComplete,
    /** A drained section on a node began (its quiesce part). */
    DrainedBegin,
    /** A drained section on a node ended. */
    DrainedEnd,
    /** drainedBegin's poll found the node and its parents quiet. */
    DrainPollDone,
    /** drain_all quiesced every node. */
    DrainAllBegin,
    /** drain_all's poll found every node quiet. */
    DrainAllPollDone,
    /** drain_all ended. */
    DrainAllEnd,
    /** A new child edge was attached. */
    AttachChild,
    /** A child edge was pointed at another node. */
    ReplaceChild,
    /** A child edge was removed. */
    DetachChild,
    /** A node was deleted. */
    RemoveNode,
    /** A request passed its drain check, took the read lock and enters its root node. */
    GraphRdlock,
    /** A writer quiesced every node and waits for readers. */
    GraphWrlockBegin,
    /** A writer holds the graph lock. */
    GraphWrlock,
    /** A writer released the graph lock and ended its quiesce. */
    GraphWrunlock,
}
