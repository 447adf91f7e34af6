package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.trace.SpecAction;
import org.junit.jupiter.api.Test;

/**
 * One vocabulary for the chain family: the SpecAction constants of the job / chain sections, the events
 * spec/trace/ChainTrace.tla has predicates for, and the reader's event set are the same set; and every action of
 * spec/chain's Next is taken by some predicate of the trace spec.
 */
class ChainSpecActionSetTest {

    /** Job-section constants of the drain family (spec/drain's JobStep), not chain events. */
    static final Set<String> DRAIN_ONLY = Set.of("JobStep");

    static Set<String> chainNextActions() throws Exception {
        String tla = Files.readString(Fixtures.repoRoot().resolve("spec/chain/Chain.tla"));
        Set<String> out = new TreeSet<>();
        for (String def : new String[] {"GuestNext ==", "ManagementNext ==", "JobCommandNext ==", "JobVerbNext ==",
                "JobProgress(j) ==", "SystemNext =="}) {
            int a = tla.indexOf(def);
            int b = tla.indexOf("\n\n", a);
            String body = tla.substring(a + def.length(), b).replaceAll("\\\\E [^:]*:", " ");
            Matcher m = Pattern.compile("\\b([A-Z][A-Za-z]+)\\(").matcher(body);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        out.removeAll(Set.of("JobProgress"));
        return out;
    }

    static Set<String> tracePredicateEvents(String tla) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("E\\.action = \"([A-Za-z]+)\"").matcher(tla);
        while (m.find()) {
            out.add(m.group(1));
        }
        Matcher sets = Pattern.compile("E\\.action \\\\in \\{([^}]*)\\}").matcher(tla);
        while (sets.find()) {
            Matcher q = Pattern.compile("\"([A-Za-z]+)\"").matcher(sets.group(1));
            while (q.find()) {
                out.add(q.group(1));
            }
        }
        Matcher verbs = Pattern.compile("Verb\\(\"([A-Za-z]+)\"").matcher(tla);
        while (verbs.find()) {
            out.add(verbs.group(1));
        }
        return out;
    }

    @Test
    void enumTracePredicatesAndReaderAreTheSameSet() throws Exception {
        Set<String> enumChain = new TreeSet<>();
        boolean in = false;
        for (SpecAction a : SpecAction.values()) {
            in |= a == SpecAction.JobPause;
            if (in && !DRAIN_ONLY.contains(a.name())) {
                enumChain.add(a.name());
            }
        }
        String tla = Files.readString(Fixtures.repoRoot().resolve("spec/trace/ChainTrace.tla"));
        assertEquals(enumChain, tracePredicateEvents(tla), "SpecAction (chain family) vs ChainTrace.tla predicates");
        assertEquals(enumChain, ChainTraceModule.CHAIN_EVENTS, "SpecAction (chain family) vs the trace reader");
        String predicates = tla.substring(0, tla.indexOf("TraceInit =="));
        for (String action : chainNextActions()) {
            assertTrue(predicates.contains(action + "("),
                    "Chain.tla's " + action + " is taken by no ChainTrace.tla predicate");
        }
        assertTrue(chainNextActions().containsAll(Set.of("GuestWrite", "ReopenBacking", "Snapshot", "DeleteNode",
                "StreamStart", "CommitStart", "ActiveCommitStart", "JobCopyCluster", "JobCommit", "JobAbort")),
                "the Next parser found " + chainNextActions());
    }
}
