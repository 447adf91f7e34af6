package org.blockgraph.testing;

import java.util.concurrent.atomic.AtomicLong;
import org.blockgraph.driver.FilterDriver;
import org.blockgraph.graph.Node;

/**
 * A pass-through filter for tests: counts the requests that enter its node and counts a violation when one enters
 * while the test has declared the node sealed (a drained section on it or below it is established).
 */
public final class CountingFilter extends FilterDriver {
    public final AtomicLong entered = new AtomicLong();
    public final AtomicLong violations = new AtomicLong();
    public volatile boolean sealed;

    public CountingFilter() {
        super("file");
    }

    @Override
    public String name() {
        return "counting";
    }

    private void enter() {
        entered.incrementAndGet();
        if (sealed) {
            violations.incrementAndGet();
        }
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        enter();
        super.read(bs, offset, buf, off, len, flags);
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        enter();
        super.write(bs, offset, buf, off, len, flags);
    }
}
