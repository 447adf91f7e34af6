package org.blockgraph.checker.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainTraceSequenceTest {
    @Test
    void explore() throws Exception {
        TraceValidator validator = Traces.validator();
        int seeds = Integer.getInteger("explore.seeds", 5);
        int steps = Integer.getInteger("explore.steps", 40);
        for (long seed = 1; seed <= seeds; seed++) {
            StringWriter w = new StringWriter();
            ChainTraceRecorder.Result r = ChainTraceRecorder.record(seed, steps, 2, w);
            Path p = Path.of("/tmp/tc/seed" + seed + ".ndjson");
            java.nio.file.Files.writeString(p, w.toString());
            java.nio.file.Files.write(Path.of("/tmp/tc/seed" + seed + ".log"), r.log());
            System.out.println("seed " + seed + ": events " + r.events() + " refused " + r.refused() + " viol " + r.violations());
            ChainTraceModule t = ChainTraceModule.read(p);
            TraceValidator.Verdict v = validator.validate(t);
            System.out.println("  verdict accepted=" + v.accepted() + " matched " + v.matched() + "/" + v.events()
                    + " " + (v.matched() < t.size() ? t.event(v.matched()) + " line " + t.lineOf(v.matched()) : "") + " viol=" + v.violated() + " enabled=" + v.enabled());
        }
    }
}
