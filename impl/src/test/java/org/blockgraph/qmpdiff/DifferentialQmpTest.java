package org.blockgraph.qmpdiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential suite: every {@link Scenarios scenario} runs through one QMP driver against blockgraph's daemon
 * and against QEMU 7.2's {@code qemu-storage-daemon}; their normalised transcripts (replies, qemu-io data reads,
 * the final graph, the events) must be equal, except for the differences listed in {@code docs/conformance.md}
 * ({@link KnownDifferences}). An unlisted difference fails the scenario, and so does a listed one that no longer
 * occurs.
 */
class DifferentialQmpTest {
    @TempDir
    Path tmp;

    private static final KnownDifferences KNOWN = KnownDifferences.load();

    @TestFactory
    Stream<DynamicTest> scenarios() {
        assertTrue(Files.isExecutable(Path.of(Peer.Qsd.BINARY)), Peer.Qsd.BINARY + " is missing: install Debian's "
                + "qemu-system-common (.ci/run does)");
        boolean deep = Boolean.getBoolean("blockgraph.deep");
        return Scenarios.all().stream().filter(s -> deep || !s.deepOnly)
                .map(s -> DynamicTest.dynamicTest(s.name, () -> check(s)));
    }

    @Test
    void scenarioNamesAreUniqueAndEveryListedDifferenceNamesOne() {
        Set<String> names = new HashSet<>();
        for (Scenario s : Scenarios.all()) {
            assertTrue(names.add(s.name), "duplicate scenario " + s.name);
        }
        assertTrue(names.size() >= 15, "at least 15 scenarios");
        for (KnownDifferences.Row r : KNOWN.rows()) {
            assertTrue(names.contains(r.scenario()), "docs/conformance.md lists a difference for unknown scenario "
                    + r.scenario());
        }
    }

    @Test
    void anUnlistedDifferenceFailsTheScenario() {
        // blockgraph has the memory driver, QEMU does not: the replies differ and nothing lists it.
        Scenario s = new Scenario("teeth-unlisted").cmd("blockdev-add",
                "{'driver':'memory','node-name':'m','size':65536}");
        AssertionError e = assertThrows(AssertionError.class, () -> check(s));
        assertTrue(e.getMessage().contains("unlisted difference at step 1"), e::getMessage);
    }

    @Test
    void aListedDifferenceThatNoLongerOccursFailsTheScenario() {
        // docs/conformance.md lists step 1 of protocol-bad-input; a run of that name without the step lacks it.
        Scenario s = new Scenario("protocol-bad-input").raw("[1]");
        AssertionError e = assertThrows(AssertionError.class, () -> check(s));
        assertTrue(e.getMessage().contains("lists a difference that did not occur"), e::getMessage);
    }

    private void check(Scenario s) throws Exception {
        Path ours = Files.createDirectory(tmp.resolve(s.name + "-bg"));
        Path theirs = Files.createDirectory(tmp.resolve(s.name + "-qsd"));
        List<String> a;
        List<String> b;
        try (Peer p = new Peer.Blockgraph(ours)) {
            a = s.run(p);
        }
        try (Peer p = new Peer.Qsd(theirs)) {
            b = s.run(p);
        }
        Set<KnownDifferences.Row> found = new LinkedHashSet<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                found.add(new KnownDifferences.Row(s.name, s.where(i), a.get(i), b.get(i)));
            }
        }
        List<String> problems = new ArrayList<>();
        for (KnownDifferences.Row r : found) {
            if (!KNOWN.rows().contains(r)) {
                int i = r.where().startsWith("step ") ? Integer.parseInt(r.where().substring(5)) - 1 : -1;
                String step = i >= 0 ? s.steps.get(i).describe() : "";
                if (step.length() > 300) {
                    step = step.substring(0, 300) + "...";
                }
                problems.add("unlisted difference at " + (i >= 0 ? r.where() + " (" + step + ")" : r.where()) + "\n  blockgraph: " + r.blockgraph() + "\n  qemu 7.2:   " + r.qemu()
                        + "\n  row for docs/conformance.md: " + r.toMarkdown());
            }
        }
        for (KnownDifferences.Row r : KNOWN.rows()) {
            if (r.scenario().equals(s.name) && !found.contains(r)) {
                problems.add("docs/conformance.md lists a difference that did not occur: " + r.toMarkdown());
            }
        }
        if (!problems.isEmpty()) {
            fail(s.name + ":\n" + String.join("\n", problems));
        }
    }

    static Path docs() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docs/conformance.md"))) {
                return d.resolve("docs/conformance.md");
            }
        }
        throw new IOException("docs/conformance.md not found above " + Path.of("").toAbsolutePath());
    }
}
