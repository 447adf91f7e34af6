package org.blockgraph.checker.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.check.ModelChecker;
import org.blockgraph.checker.check.ModelResult;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.ManifestLoader;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.TlcJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLC's distributed mode on loopback, for real: a TLCServer and two TLCWorker processes. The real manifest has no
 * model yet, so the fixture {@code scaleout} spec stands in: TallyOk (15,625 distinct states, an invariant and an
 * action property) is small enough for a CI run and large enough that both workers join.
 */
class DistributedCheckerTest {

    @TempDir
    Path tmp;

    private static Path jar() {
        return TlcJar.locate().orElseThrow();
    }

    private static Manifest manifest(String fixture) throws Exception {
        return ManifestLoader.load(Fixtures.specDir(fixture));
    }

    private DistributedChecker checker(List<String> hosts) throws Exception {
        return new DistributedChecker(new ModelChecker(jar(), 1, tmp),
                new DistributedSettings(hosts, "127.0.0.1", DistributedChecker.freePort(), 1, false));
    }

    /** Every TLC server or worker this JVM started must be gone when a run returns. */
    @AfterEach
    void nothingIsLeftRunning() {
        List<String> left = new ArrayList<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> p.info().commandLine()
                .filter(c -> c.contains("tlc2.tool.distributed")).ifPresent(left::add));
        assertEquals(List.of(), left, "TLC processes left running");
    }

    @Test
    void serverAndTwoWorkersOnLoopbackFindExactlyTheDistinctStatesOfTheLocalRun() throws Exception {
        Manifest m = manifest("scaleout");
        ModelEntry entry = m.find("TallyOk").orElseThrow();
        ModelResult local = new ModelChecker(jar(), 1, tmp.resolve("local")).check(m, entry, null);
        assertTrue(local.matches(), local.mismatches().toString());

        List<String> events = new ArrayList<>();
        DistributedChecker.Result r = checker(List.of("localhost", "127.0.0.1")).check(m, entry, events::add);

        assertTrue(r.distributed(), r.notes().toString());
        assertEquals(OutcomeKind.OK, r.result().outcome().kind(), r.result().outcome().toString());
        assertEquals(local.distinctStates(), r.result().distinctStates());
        assertEquals(entry.distinctStates(), r.result().distinctStates());
        assertTrue(r.result().matches(), r.result().mismatches().toString());
        assertEquals(2, r.result().workers());
        assertTrue(r.registeredWorkers() >= 1, "no worker registered: " + events);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("server ready")), events.toString());
        String server = Files.readString(r.result().outputFile());
        assertTrue(server.contains("tlc2.tool.distributed.TLCServer"), "the kept output is the server's");
        assertTrue(Files.isRegularFile(tmp.resolve("TallyOk.worker-1.out")));
        assertTrue(Files.isRegularFile(tmp.resolve("TallyOk.worker-2.out")));
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("not compared in distributed mode: states"
                + " generated")), r.notes().toString());
    }

    @Test
    void modelsDistributedTlcCannotJudgeRunLocallyAndSaySo() throws Exception {
        Manifest m = manifest("scaleout");
        DistributedChecker dc = checker(List.of("localhost"));
        assertTrue(dc.whyLocal(m, m.find("TallyOk").orElseThrow()).isEmpty(),
                "an action property alone must not keep a model local");

        DistributedChecker.Result bug = dc.check(m, m.find("TallyBug").orElseThrow(), e -> { });
        assertFalse(bug.distributed());
        assertTrue(bug.result().matches(), bug.result().mismatches().toString());
        assertEquals("TypeInv", bug.result().outcome().name());
        assertTrue(bug.notes().get(0).contains("negative model"), bug.notes().toString());

        DistributedChecker.Result live = dc.check(m, m.find("TallyLive").orElseThrow(), e -> { });
        assertFalse(live.distributed());
        assertTrue(live.result().matches(), live.result().mismatches().toString());
        assertTrue(live.notes().get(0).contains("temporal properties"), live.notes().toString());
    }

    @Test
    void aBrokenSpecEndsTheServerWithItsLocatedErrorInsteadOfWaitingForWorkers() throws Exception {
        Manifest m = manifest("broken");
        DistributedChecker.Result r = checker(List.of("localhost")).check(m, m.find("Syntax").orElseThrow(),
                e -> { });
        assertTrue(r.distributed());
        assertEquals(OutcomeKind.PARSE_ERROR, r.result().outcome().kind());
        assertFalse(r.result().matches());
        assertTrue(r.result().output().specErrors().get(0).toString().contains("Syntax.tla:10:1"),
                r.result().output().specErrors().toString());
        assertEquals(0, r.registeredWorkers());
    }

    @Test
    void serverArgumentsAreCheckedAgainstWhatTlcServerAccepts() {
        assertEquals(null, TlcDistributed.unsupportedArgument(List.of("-deadlock", "-fpmem", "0.25", "-terse")));
        assertEquals("-workers", TlcDistributed.unsupportedArgument(List.of("-deadlock", "-workers", "2")));
        assertEquals("-seed", TlcDistributed.unsupportedArgument(List.of("-seed", "3")));
    }

    @Test
    void commandLinesCarryThePortAndTheAdvertisedAddresses() {
        List<String> server = TlcDistributed.serverCommand(Path.of("/x/tla.jar"), "127.0.0.1", 4242,
                List.of("-deadlock"), "MCTallyOk.cfg", "MCTally.tla", Path.of("/tmp/meta"));
        assertEquals(List.of("-XX:+UseParallelGC", "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dtlc2.tool.distributed.TLCServer.port=4242", "-Dtlc2.tool.distributed.TLCServer.report=5000",
                "-cp", "/x/tla.jar", "tlc2.tool.distributed.TLCServer", "-deadlock", "-metadir", "/tmp/meta",
                "-config", "MCTallyOk.cfg", "MCTally.tla"), server.subList(1, server.size()));
        List<String> worker = TlcDistributed.workerCommand("java", "tla.jar", "srv", 4242, null, 0, null);
        assertEquals(List.of("java", "-XX:+UseParallelGC", "-Dtlc2.tool.distributed.TLCServer.port=4242", "-cp",
                "tla.jar", "tlc2.tool.distributed.TLCWorker", "srv"), worker);
        assertTrue(TlcDistributed.isLoopback("LocalHost") && TlcDistributed.isLoopback("127.0.0.1"));
        assertFalse(TlcDistributed.isLoopback("node7"));
        assertTrue(DistributedChecker.remoteWorkerCommand("srv", 4242)
                .startsWith("./blockgraph worker --server srv --port 4242"));
    }
}
