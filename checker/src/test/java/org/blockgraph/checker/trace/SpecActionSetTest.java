package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.trace.SpecAction;
import org.junit.jupiter.api.Test;

/**
 * One vocabulary: the SpecAction enum, the actions of spec/drain's Next (EnvNext and SysNext) and the event
 * predicates of spec/trace/DrainTrace.tla are the same set, up to the listed exceptions.
 */
class SpecActionSetTest {

    /** In Drain's Next but emitted by no Java code: the 2017 design's walk, kept for the design comparison. */
    static final Set<String> SPEC_ONLY = Set.of("DrainWalkStep");
    /** Job actions of Drain's Next: emitted by org.blockgraph.job; their trace spec is the chain/job family, pending. */
    static final Set<String> JOB_FAMILY_PENDING = Set.of("JobPausePoint", "JobStep", "JobComplete");

    static Set<String> drainNextActions() throws Exception {
        String tla = Files.readString(Fixtures.repoRoot().resolve("spec/drain/Drain.tla"));
        Set<String> out = new TreeSet<>();
        for (String def : new String[] {"EnvNext ==", "SysNext =="}) {
            int a = tla.indexOf(def);
            int b = tla.indexOf("\n\n", a);
            String body = tla.substring(a + def.length(), b);
            body = body.replaceAll("\\\\E [^:]*:", " ");
            Matcher m = Pattern.compile("\\b([A-Z][A-Za-z]+)\\b").matcher(body);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static Set<String> tracePredicates() throws Exception {
        String tla = Files.readString(Fixtures.repoRoot().resolve("spec/trace/DrainTrace.tla"));
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^Is([A-Za-z]+)\\s*==\\s*\\n?\\s*(?:/\\\\ )?E\\.action = \"([A-Za-z]+)\"")
                .matcher(tla);
        while (m.find()) {
            // a composition predicate (IsReqReturnDescend, IsRemoveNodeInOwnSection) names the event it matches
            out.add(m.group(2));
        }
        return out;
    }

    @Test
    void enumNextAndTracePredicatesAreTheSameSet() throws Exception {
        Set<String> next = drainNextActions();
        Set<String> drainFamilyNext = new TreeSet<>(next);
        drainFamilyNext.removeAll(SPEC_ONLY);
        drainFamilyNext.removeAll(JOB_FAMILY_PENDING);

        Set<String> enumDrain = new TreeSet<>();
        for (SpecAction a : SpecAction.values()) {
            if (a == SpecAction.JobPause) {
                break; // the constants after this one are the job family (chain family, pending)
            }
            enumDrain.add(a.name());
        }
        assertEquals(drainFamilyNext, enumDrain, "SpecAction (drain family) vs Drain.tla Next");
        assertEquals(enumDrain, tracePredicates(), "SpecAction (drain family) vs DrainTrace.tla predicates");
        assertEquals(enumDrain, TraceModule.DRAIN_EVENTS, "the trace reader's event set");
        for (String j : JOB_FAMILY_PENDING) {
            if (!j.equals("JobComplete")) {
                SpecAction.valueOf(j); // job actions of Drain's Next exist in the enum (JobComplete: see below)
            }
        }
        // Drain.tla's JobComplete(j) is the enum's JobExit (job completion on the control thread); the enum's
        // JobComplete is the job-complete command. Recorded here so the rename is not forgotten.
        SpecAction.valueOf("JobExit");
    }
}
