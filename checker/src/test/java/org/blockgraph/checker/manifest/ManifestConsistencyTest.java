package org.blockgraph.checker.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest and the files on disk agree: first for the project's real spec/ folder (this is the test that fails
 * when a spec author forgets an entry), then for fixture folders changed in each way they can disagree.
 */
class ManifestConsistencyTest {

    @TempDir
    Path tmp;

    @Test
    void realSpecFolderAgreesWithItsManifest() throws Exception {
        Manifest manifest = ManifestLoader.load(Fixtures.repoRoot().resolve("spec"));
        assertEquals(List.of(), ManifestConsistency.problems(manifest));
    }

    @Test
    void fixtureFoldersAgree() throws Exception {
        assertEquals(List.of(), ManifestConsistency.problems(ManifestLoader.load(Fixtures.specDir("models"))));
        assertEquals(List.of(), ManifestConsistency.problems(ManifestLoader.load(Fixtures.specDir("broken"))));
    }

    @Test
    void eachKindOfDisagreementIsListed() throws Exception {
        Path spec = Fixtures.copy("models", tmp);
        Files.writeString(spec.resolve("drain/MCCounterExtra.cfg"), "INIT Init\n");
        Files.writeString(spec.resolve("chain/MCOrphan.tla"), "---- MODULE MCOrphan ----\n====\n");
        Files.delete(spec.resolve("chain/MCRingUnfair.cfg"));
        List<String> problems = ManifestConsistency.problems(ManifestLoader.load(spec));
        assertEquals(List.of(
                "missing file: chain/MCRingUnfair.cfg (cfg of entry RingUnfair)",
                "orphan file: chain/MCOrphan.tla (an MC module) is not the module of any manifest entry",
                "orphan file: drain/MCCounterExtra.cfg has no manifest entry"), problems);
    }

    @Test
    void missingModuleAndSharedCfgAreListed() throws Exception {
        Path spec = Fixtures.copy("models", tmp);
        Files.move(spec.resolve("drain/MCCounter.tla"), spec.resolve("drain/MCCounterRenamed.tla"));
        Fixtures.edit(spec.resolve("manifest.json"), "\"cfg\": \"chain/MCRingSim.cfg\"",
                "\"cfg\": \"chain/MCRingFair.cfg\"");
        Files.delete(spec.resolve("chain/MCRingSim.cfg"));
        List<String> problems = ManifestConsistency.problems(ManifestLoader.load(spec));
        assertEquals(List.of(
                "missing file: drain/MCCounter.tla (module of entry CounterOk)",
                "missing file: drain/MCCounter.tla (module of entry CounterDeadlock)",
                "missing file: drain/MCCounter.tla (module of entry CounterBug)",
                "cfg chain/MCRingFair.cfg has 2 entries (RingFair, RingSim); each cfg must have exactly one",
                "orphan file: drain/MCCounterRenamed.tla (an MC module) is not the module of any manifest entry"),
                problems);
    }

    @Test
    void tlcDropFilesAndPlainModulesAreIgnored() throws Exception {
        Path spec = Fixtures.copy("models", tmp);
        Files.writeString(spec.resolve("drain/MCCounter_TTrace_1700000000.tla"), "x");
        Files.createDirectories(spec.resolve("drain/states/1"));
        Files.writeString(spec.resolve("drain/states/1/MCX.cfg"), "x");
        Files.writeString(spec.resolve("drain/Helpers.tla"), "---- MODULE Helpers ----\n====\n");
        assertEquals(List.of(), ManifestConsistency.problems(ManifestLoader.load(spec)));
    }

    @Test
    void negativeModelMustCheckWhatItExpectsToViolate() throws Exception {
        Path spec = Fixtures.copy("models", tmp);
        Fixtures.edit(spec.resolve("manifest.json"), "\"expected\": \"TypeInv\"", "\"expected\": \"TypoInv\"");
        assertEquals(List.of("entry CounterBug expects TypoInv to be violated, but drain/MCCounterBug.cfg checks no"
                + " INVARIANT or PROPERTY of that name (it checks: SumInv, TypeInv)"),
                ManifestConsistency.problems(ManifestLoader.load(spec)));
    }

    @Test
    void negativeModelLeavingOutAFamilyInvariantGetsANote() throws Exception {
        Path spec = Fixtures.copy("models", tmp);
        assertEquals(List.of(), ManifestConsistency.notes(ManifestLoader.load(spec)));
        Fixtures.edit(spec.resolve("drain/MCCounterBug.cfg"), "INVARIANTS SumInv TypeInv", "INVARIANTS TypeInv");
        Manifest manifest = ManifestLoader.load(spec);
        assertEquals(List.of("negative model CounterBug does not check SumInv, which the drain models expected to"
                + " pass check; list them in drain/MCCounterBug.cfg or say why not in the description"),
                ManifestConsistency.notes(manifest));
        assertEquals(List.of(), ManifestConsistency.problems(manifest), "a note is not a disagreement");
    }
}
