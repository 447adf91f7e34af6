package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md names classes and tests relative to {@code org.blockgraph} ({@code graph.BlockGraph},
 * {@code lincheck.GraphLockLincheckTest}, {@code graph.DrainTest#drainWaitsForRequestsInFlight}); every such name must
 * still exist, so the page cannot point at a renamed or deleted class or test. Tests resolve as the assumption
 * register's do: a class surefire runs, a JUnit test method.
 */
class ArchitectureNamesTest {
    private static final Path ROOT = Fixtures.repoRoot();
    /** A code span naming {@code pkg.Class} or {@code pkg.Class#method}, relative to org.blockgraph. */
    private static final Pattern NAME = Pattern.compile("`((?:[a-z][a-z0-9]*\\.)+[A-Z][A-Za-z0-9_]*(?:#[a-z][A-Za-z0-9_]*)?)`");

    static List<String> problems(String markdown) {
        List<String> problems = new ArrayList<>();
        Matcher m = NAME.matcher(markdown);
        while (m.find()) {
            String ref = "org.blockgraph." + m.group(1);
            String cls = ref.contains("#") ? ref.substring(0, ref.indexOf('#')) : ref;
            boolean test = cls.endsWith("Test") || cls.endsWith("Tests");
            String p = AssumptionRegister.classProblem(ROOT, ref, test ? "test" : "main");
            if (p != null) {
                problems.add("`" + m.group(1) + "`: " + p);
            }
        }
        return problems;
    }

    @Test
    void everyClassAndTestTheArchitectureNamesExists() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/architecture.md"));
        List<String> problems = problems(page);
        assertEquals(List.of(), problems, "docs/architecture.md names what does not exist:\n"
                + String.join("\n", problems));
        assertTrue(NAME.matcher(page).results().count() > 40, "the pattern found too few names to check");
    }

    @Test
    void aRenamedClassOrTestIsReported() {
        List<String> problems = problems("`graph.BlockGraf`, `graph.DrainTest#noSuchTest`, `lincheck.GraphLockLincheckTest`,"
                + " `blockjob.ChainFixture`");
        assertEquals(3, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("no main class org.blockgraph.graph.BlockGraf"), problems::toString);
        assertTrue(problems.get(1).contains("has no method noSuchTest"), problems::toString);
        assertTrue(problems.get(2).contains("no main class org.blockgraph.blockjob.ChainFixture"), problems::toString);
    }
}
