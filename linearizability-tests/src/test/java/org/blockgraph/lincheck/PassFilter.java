package org.blockgraph.lincheck;

import org.blockgraph.graph.Child;
import org.blockgraph.graph.Node;
import org.blockgraph.driver.FilterDriver;

/** A filter that passes every request to its {@code file} child: a parent node with no behaviour of its own. */
final class PassFilter extends FilterDriver {
    PassFilter() {
        super("file");
    }

    @Override
    public String name() {
        return "pass";
    }

    /** The filtered edge, for tests that look at its quiesced-parent flag. */
    static Child edge(Node filter) {
        return filter.child("file");
    }
}
