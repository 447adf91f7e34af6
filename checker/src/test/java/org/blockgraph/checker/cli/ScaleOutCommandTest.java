package org.blockgraph.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.blockgraph.checker.Fixtures;
import org.blockgraph.checker.distributed.DistributedChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale-out options of {@code blockgraph check} and the {@code worker} subcommand, end to end. */
class ScaleOutCommandTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run check(String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--spec-dir", Fixtures.specDir("scaleout").toString(),
                "--workers", "1", "--report", tmp.resolve("report").toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void badCombinationsAreUsageErrorsAndRunNothing() {
        String[][] cases = {
            {"--distributed"},
            {"--workers-on", "localhost"},
            {"--server-only"},
            {"--server-only", "--model", "TallyOk", "--model", "TallyLive"},
            {"--distributed", "--server-only", "--workers-on", "localhost", "--model", "TallyOk"},
            {"--simulate", "30s"},
            {"--simulate", "30", "--model", "TallyOk"},
            {"--simulate", "10s", "--model", "TallyOk", "--distributed", "--workers-on", "localhost"},
            {"--depth", "5", "--model", "TallyOk"},
            {"--simulate", "10s", "--model", "TallyOk", "--depth", "0"},
            {"--port", "4000", "--model", "TallyOk"},
            {"--distributed", "--workers-on", "localhost", "--port", "70000"},
            {"--distributed", "--workers-on", "local host"},
            {"--server-only", "--model", "TallyBug"},
        };
        for (String[] c : cases) {
            Run r = check(c);
            assertEquals(Main.EXIT_USAGE, r.exit(), String.join(" ", c) + "\n" + r.all());
            assertTrue(r.err().startsWith("blockgraph check: "), String.join(" ", c) + "\n" + r.all());
            assertTrue(!Files.exists(tmp.resolve("report")), "nothing may run: " + String.join(" ", c));
        }
        assertTrue(check("--server-only", "--model", "TallyBug").err().contains("negative model"));
        Run badPort = cli("worker", "--server", "127.0.0.1", "--port", "0");
        assertEquals(Main.EXIT_USAGE, badPort.exit(), badPort.all());
        Run noServer = cli("worker");
        assertEquals(Main.EXIT_USAGE, noServer.exit(), noServer.all());
    }

    @Test
    void simulateReportsBehavioursAndTheViolationInTheUsualTable() {
        Run r = check("--simulate", "30s", "--model", "TallyBug", "--seed", "3", "--depth", "30");
        assertEquals(Main.EXIT_OK, r.exit(), r.all());
        assertTrue(r.out().contains("simulation: violation in TLC run 1 (seed 3)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("TallyBug  simulate  TypeInv   TypeInv")
                && l.endsWith("MATCH")), r.out());
        assertTrue(r.out().contains("1 model: 1 matched"), r.out());
        // the trace, through the counterexample formatter: it ends where a passes its bound of 3
        assertTrue(r.out().contains("counterexample ("), r.out());
        assertTrue(r.out().contains("a = 4"), r.out());
    }

    /** The by-hand pair: a server-only check and two {@code blockgraph worker} processes pointed at it. */
    @Test
    void serverOnlyAndTwoWorkerCommandsCheckAModelTogether() throws Exception {
        int port = DistributedChecker.freePort();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<Run> server = pool.submit(() -> check("--server-only", "--model", "TallyOk", "--port",
                    Integer.toString(port), "--server-host", "127.0.0.1"));
            List<Future<Run>> workers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                workers.add(pool.submit(() -> cli("worker", "--server", "127.0.0.1", "--port",
                        Integer.toString(port), "--threads", "1", "--hostname", "127.0.0.1")));
            }
            Run s = server.get(120, TimeUnit.SECONDS);
            assertEquals(Main.EXIT_OK, s.exit(), s.all());
            assertTrue(s.out().contains("start on <each worker machine>: ./blockgraph worker --server 127.0.0.1"
                    + " --port " + port), s.out());
            assertTrue(s.out().lines().anyMatch(l -> l.startsWith("TallyOk  exhaustive  ok        ok")
                    && l.contains("15,625") && l.endsWith("MATCH")), s.out());
            for (Future<Run> w : workers) {
                Run wr = w.get(60, TimeUnit.SECONDS);
                assertTrue(wr.out().startsWith("blockgraph worker: "), wr.all());
                assertEquals(0, wr.exit(), wr.all());
                assertTrue(wr.out().contains("TLC Worker Version 2.18"), wr.all());
            }
        } finally {
            // a worker that missed its server retries forever: end whatever of ours is left (by pid)
            ProcessHandle.current().descendants().filter(p -> p.info().commandLine()
                    .map(c -> c.contains("tlc2.tool.distributed")).orElse(false)).forEach(ProcessHandle::destroyForcibly);
            pool.shutdownNow();
        }
    }
}
