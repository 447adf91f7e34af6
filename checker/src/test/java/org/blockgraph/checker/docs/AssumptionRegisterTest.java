package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/assumptions.md is checked, not prose: every name in it exists, and every invariant and property of the
 * specs has a row. The other tests show the check has teeth on registers that are wrong in each way.
 */
class AssumptionRegisterTest {
    private static final Path ROOT = Fixtures.repoRoot();

    private static String register() throws IOException {
        return Files.readString(ROOT.resolve("docs/assumptions.md"));
    }

    @Test
    void theRegisterNamesOnlyWhatExistsAndCoversEverySpecInvariant() throws IOException {
        List<String> problems = AssumptionRegister.check(ROOT, register());
        assertEquals(List.of(), problems, "docs/assumptions.md is out of date:\n" + String.join("\n", problems));
    }

    @Test
    void theSpecsDefineInvariantsAndTheRegisterReadsThem() throws IOException {
        // Guards against a check that passes because it found nothing to check.
        Set<String> drain = AssumptionRegister.specInvariants(ROOT).get("spec/drain/Drain.tla");
        assertTrue(drain != null && drain.contains("DrainedQuietInv") && drain.contains("WriterProgressProp"),
                "spec/drain/Drain.tla invariants: " + drain);
        List<String> problems = new java.util.ArrayList<>();
        assertTrue(AssumptionRegister.parse(register(), problems).size() >= 11);
    }

    @Test
    void aRowNamingAMissingInvariantClassTestOrMethodIsReported() throws IOException {
        String text = register();
        String bad = text.replace("`DrainedQuietInv`", "`DrainedQuiteInv`")
                .replace("`org.blockgraph.lock.GraphLock`", "`org.blockgraph.lock.GraphLatch`")
                .replace("`org.blockgraph.io.IoTraceTest#", "`org.blockgraph.io.IoTracesTest#")
                .replace("DrainTest#drainWaitsForRequestsInFlight", "DrainTest#drainWaitsForRequestInFlight");
        List<String> problems = AssumptionRegister.check(ROOT, bad);
        assertTrue(has(problems, "DrainedQuiteInv is not defined in spec/drain/Drain.tla"), problems::toString);
        assertTrue(has(problems, "no row for DrainedQuietInv (spec/drain/Drain.tla)"), problems::toString);
        assertTrue(has(problems, "no main class org.blockgraph.lock.GraphLatch"), problems::toString);
        assertTrue(has(problems, "no test class org.blockgraph.io.IoTracesTest"), problems::toString);
        assertTrue(has(problems, "has no method drainWaitsForRequestInFlight"), problems::toString);
    }

    @Test
    void aTestThatTheBuildNeverRunsIsReported() throws IOException {
        String bad = register()
                .replace("`org.blockgraph.job.JobConcurrencyTest`", "`org.blockgraph.blockjob.ChainFixture`")
                .replace("`org.blockgraph.lock.GraphLockTest#misuseIsRefused`",
                        "`org.blockgraph.graph.DrainTest#assertAllQuiet`")
                .replace("`org.blockgraph.lincheck.GraphLockLincheckTest#modelChecking`",
                        "`org.blockgraph.lincheck.GraphLockLincheckTest#modelCheking`");
        List<String> problems = AssumptionRegister.check(ROOT, bad);
        assertTrue(has(problems, "ChainFixture is not a test class surefire runs"), problems::toString);
        assertTrue(has(problems, "assertAllQuiet in impl/src/test/java/org/blockgraph/graph/DrainTest.java is not a"
                + " test method"), problems::toString);
        assertTrue(has(problems, "LincheckTest.java has no method modelCheking"), problems::toString);
    }

    @Test
    void testsResolveInEveryModule() throws IOException {
        List<String> problems = AssumptionRegister.check(ROOT, register());
        assertEquals(List.of(), problems);
        String text = register();
        for (String module : List.of("org.blockgraph.lincheck.", "org.blockgraph.checker.trace.",
                "org.blockgraph.graph.", "org.blockgraph.blockjob.")) {
            assertTrue(text.contains("`" + module), "the register names no test of " + module);
        }
    }

    @Test
    void aSpecInvariantWithoutARowIsReported(@TempDir Path tmp) throws IOException {
        Path root = copyRepoSkeleton(tmp);
        Path tla = root.resolve("spec/drain/Drain.tla");
        Files.writeString(tla, Files.readString(tla).replace("\n=====", "\nNoDoubleFreeInv == TRUE\n\n====="));
        Files.writeString(root.resolve("spec/drain/MCDrain.tla"), "MCOnlyInv == TRUE\n");
        List<String> problems = AssumptionRegister.check(root, register());
        assertEquals(List.of("no row for NoDoubleFreeInv (spec/drain/Drain.tla)"), problems,
                "an MC module's definitions are bounds, not spec invariants; a new spec invariant needs a row");
    }

    @Test
    void malformedRegistersAreReported() {
        List<String> problems = AssumptionRegister.check(ROOT, "# no table\n");
        assertTrue(has(problems, "no register table"), problems::toString);
        String table = AssumptionRegister.BEGIN + "\n" + AssumptionRegister.HEADER + "\n|---|---|---|---|---|---|\n"
                + "| A1 | x | `spec/drain/Drain.tla` | — | `org.blockgraph.graph.BlockGraph` | |\n"
                + "| A1 | y | — | — | `BlockGraph` | `org.blockgraph.graph.DrainTest` |\n"
                + "| A2 | z | — |\n"
                + AssumptionRegister.END + "\n";
        problems = AssumptionRegister.check(ROOT, table);
        assertTrue(has(problems, "A1: spec and invariant must both be given"), problems::toString);
        assertTrue(has(problems, "A1: no test exercises it"), problems::toString);
        assertTrue(has(problems, "duplicate id A1"), problems::toString);
        assertTrue(has(problems, "BlockGraph: not a fully qualified class name"), problems::toString);
        assertTrue(has(problems, "3 cells, the register has 6 columns"), problems::toString);
        assertTrue(has(problems, "no row for DrainBalanceInv"), problems::toString);
    }

    private static boolean has(List<String> problems, String fragment) {
        return problems.stream().anyMatch(p -> p.contains(fragment));
    }

    /** spec/ and the Java sources the register names, copied so a test may change them. */
    private static Path copyRepoSkeleton(Path tmp) throws IOException {
        Path root = tmp.resolve("repo");
        for (Path top : List.of(ROOT.resolve("spec"))) {
            copyTree(top, root.resolve(ROOT.relativize(top)));
        }
        try (var modules = Files.list(ROOT)) {
            for (Path m : (Iterable<Path>) modules::iterator) {
                Path src = m.resolve("src");
                if (Files.isDirectory(src) && !m.getFileName().toString().startsWith(".")) {
                    copyTree(src, root.resolve(ROOT.relativize(src)));
                }
            }
        }
        return root;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.toString().endsWith(".java") || p.toString().endsWith(".tla")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
