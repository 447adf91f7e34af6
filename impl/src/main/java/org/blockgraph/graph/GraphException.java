package org.blockgraph.graph;

/**
 * A graph change, drain or lookup was refused. The message is the upstream error text where upstream has one.
 * A refused change leaves the graph, its permissions and all counters exactly as they were.
 */
public final class GraphException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the error text shown to the user */
    public GraphException(String message) {
        super(message);
    }
}
