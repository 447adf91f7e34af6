package org.blockgraph.checker.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Zeller's ddmin over a list of choices: a 1-minimal sublist (order kept) on which {@code fails} still holds. */
final class DeltaDebug {
    private DeltaDebug() {
    }

    static <T> List<T> minimise(List<T> input, Predicate<List<T>> fails) {
        List<T> cur = new ArrayList<>(input);
        int n = 2;
        while (cur.size() >= 2) {
            int chunk = (int) Math.ceil(cur.size() / (double) n);
            boolean reduced = false;
            for (int start = 0; start < cur.size(); start += chunk) {
                List<T> complement = new ArrayList<>(cur.subList(0, start));
                complement.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                List<T> subset = new ArrayList<>(cur.subList(start, Math.min(cur.size(), start + chunk)));
                if (fails.test(subset)) {
                    cur = subset;
                    n = 2;
                    reduced = true;
                    break;
                }
                if (fails.test(complement)) {
                    cur = complement;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= cur.size()) {
                    break;
                }
                n = Math.min(cur.size(), 2 * n);
            }
        }
        return cur;
    }
}
