package org.blockgraph.graph;

/**
 * A parent of a node through one or more {@link Child} edges: another node, a BlockBackend, or a job.
 *
 * <p>The drain callbacks are called under the control lock, once per 0↔1 transition of the edge's quiesced state
 * (spec/drain: the {@code quiescedParent} flag of the edge). {@code drainedBegin} and {@code drainedEnd} must not
 * block and must not change the graph; {@code drainedPoll} must not block, must not change anything, and reads only
 * thread-safe state. Whatever makes a poll turn false must call the graph's {@code AioWait.kick()} afterwards.
 */
public interface Parent {
    /**
     * Which kind of parent this is.
     *
     * @return the parent's kind
     */
    ParentKind kind();

    /**
     * How permission errors name this parent: {@code node 'x'}, {@code block device 'x'} (or
     * {@code an unnamed block device}), or {@code <type> job '<id>'}.
     *
     * @return the parent's description
     */
    String describe();

    /**
     * The edge's parent became quiesced through {@code edge}: stop submitting new requests through it.
     *
     * @param edge the root or child edge through which the parent is quiesced
     */
    void drainedBegin(Child edge);

    /**
     * Whether the parent still has activity that the drain through {@code edge} must wait for.
     *
     * @param edge the edge the drain goes through
     * @return true while the drain must keep waiting
     */
    boolean drainedPoll(Child edge);

    /**
     * The parent is no longer quiesced through {@code edge}.
     *
     * @param edge the edge through which the parent was quiesced
     */
    void drainedEnd(Child edge);

    /**
     * The parent's own drain counters, for {@link GraphState} (e.g. {@code qc=1 inFlight=0}).
     *
     * @return the counters as text; empty by default
     */
    default String drainState() {
        return "";
    }
}
