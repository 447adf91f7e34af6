package org.blockgraph.checker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.blockgraph.checker.cli.Main;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void missingQemuImgSaysWhatToInstallAndRunsNothing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "bench", "--vs-qemu",
                "--qemu-img", "/nonexistent/qemu-img");
        assertEquals(2, code);
        assertTrue(err.toString().contains("apt-get install -y qemu-utils"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void badRoundsAreAUsageError() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "bench", "--vs-qemu",
                "--rounds", "0");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--rounds"), err.toString());
    }

    @Test
    void qemuCommandIsTheIssuesCommand() {
        assertEquals(List.of("qemu-img", "bench", "-t", "none", "-c", "1000", "-d", "64", "-s", "4096", "-w",
                "json:{\"driver\":\"null-co\",\"size\":1073741824}"),
                BenchCommand.qemuBench("qemu-img", 1000, 64, true));
        assertEquals(List.of("qemu-img", "bench", "-t", "none", "-c", "5", "-d", "1", "-s", "4096",
                "json:{\"driver\":\"null-co\",\"size\":1073741824}"),
                BenchCommand.qemuBench("qemu-img", 5, 1, false));
    }

    @Test
    void rowsCoverTheIssuesGoals() {
        List<BenchCommand.RowSpec> rows = new BenchCommand().rows("qemu-img", 1000, 10);
        assertEquals(11, rows.size());
        long withGoal = rows.stream().filter(r -> !Double.isNaN(r.goal())).count();
        assertEquals(7, withGoal);
        BenchCommand.RowSpec lock = rows.stream().filter(r -> r.label().contains("lock")).findFirst().orElseThrow();
        assertTrue(lock.b().contains("-Dblockgraph.benchmarkOnly.noIoAccounting=true"), lock.b().toString());
        assertTrue(!lock.a().contains("-Dblockgraph.benchmarkOnly.noIoAccounting=true"), lock.a().toString());
    }
}
