package org.blockgraph.graph;

import java.util.List;

/**
 * A full, immutable snapshot of a graph's structure, permissions and drain counters, with value equality: tests
 * compare the state before and after a refused change, which must be equal.
 *
 * @param drainAllCount drain_all sections active
 * @param nodes         every node, in creation order
 * @param rootEdges     edges of BlockBackend and job parents, in attachment order
 * @param devices       registered BlockBackend names, sorted
 */
public record GraphState(int drainAllCount, List<NodeState> nodes, List<EdgeState> rootEdges,
                         List<String> devices) {

    /**
     * One node.
     *
     * @param name             node name
     * @param driver           driver name
     * @param options          driver options, as the driver describes them
     * @param readOnly         whether the node refuses writers
     * @param implicit         whether it goes away with its last parent
     * @param quiesceCounter   quiesce counter
     * @param inFlight         requests in progress
     * @param directDrains     drained sections begun directly on it
     * @param cumulativePerm   OR of parent permissions
     * @param cumulativeShared AND of parent shared permissions
     * @param children         its child edges in order
     * @param parents          its parent edges, newest first, as {@code describe/edge-name}
     * @param backingFile      the backing-file string of its image header, or null
     */
    public record NodeState(String name, String driver, String options, boolean readOnly, boolean implicit,
                            int quiesceCounter, int inFlight, int directDrains, int cumulativePerm,
                            int cumulativeShared, List<EdgeState> children, List<String> parents,
                            String backingFile) {
    }

    /**
     * One edge.
     *
     * @param parent         parent description
     * @param parentState    the parent's own drain state (BlockBackend or job counters; empty for nodes)
     * @param name           edge name
     * @param role           role bits
     * @param child          child node name
     * @param perm           required permissions
     * @param shared         shared permissions
     * @param quiescedParent whether the parent is quiesced through this edge
     * @param frozen         whether the link is frozen
     */
    public record EdgeState(String parent, String parentState, String name, int role, String child, int perm,
                            int shared, boolean quiescedParent, boolean frozen) {
    }
}
