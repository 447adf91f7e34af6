package org.blockgraph.checker.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blockgraph bench}: without {@code --vs-qemu}, runs the JMH suite of the bench module (each benchmark in
 * its own fork). With {@code --vs-qemu}, runs Debian's {@code qemu-img bench} on a null-co device and blockgraph's
 * equivalent ({@code org.blockgraph.bench.NullBench}, a fresh JVM per run with an untimed warm-up) interleaved,
 * A B A B for several rounds per row, plus blockgraph-only A/B rows for the other goals, and prints the
 * medians and ratios. It installs nothing: without qemu-img it says what to apt-get.
 *
 * <p>Exit codes: 0 every run completed (goals are targets: a missed goal is reported, not an error); 1 a run failed;
 * 2 bad usage or qemu-img missing.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: the JMH suite, or (--vs-qemu) blockgraph side by side with qemu-img bench.",
            "--vs-qemu interleaves qemu-img bench -t none -c N -d DEPTH -s 4096 [-w] on null-co with blockgraph's "
                + "equivalent (same count, depth, size, read/write) and prints medians and blockgraph/QEMU ratios; "
                + "--quick makes it finish in a few minutes.",
            "Exit codes: 0 all runs completed, 1 a run failed, 2 usage error or qemu-img missing."})
public final class BenchCommand implements Callable<Integer> {
    /** The device qemu-img benchmarks: QEMU's null-co of 1 GiB (the same size as blockgraph's null node). */
    public static final String NULL_CO = "json:{\"driver\":\"null-co\",\"size\":1073741824}";
    private static final String NULL_BENCH = "org.blockgraph.bench.NullBench";
    private static final String NO_ACCOUNTING = "-Dblockgraph.benchmarkOnly.noIoAccounting=true";

    @Spec
    CommandSpec spec;

    @Option(names = "--vs-qemu", description = "Compare with qemu-img bench instead of running the JMH suite.")
    boolean vsQemu;

    @Option(names = "--quick", description = "Fewer rounds and requests (--vs-qemu: under 5 minutes on 2 cores;"
            + " JMH: 1 warm-up and 2 measurement iterations of 1 s).")
    boolean quick;

    @Option(names = "--rounds", paramLabel = "N", description = "A B rounds per row (default 3 quick, 5 full).")
    Integer rounds;

    @Option(names = "--count", paramLabel = "N",
            description = "Requests per timed run (default 500000 quick, 2000000 full).")
    Long count;

    @Option(names = "--qemu-img", paramLabel = "PATH", defaultValue = "qemu-img",
            description = "The qemu-img to run (default: qemu-img on the PATH).")
    String qemuImg;

    @Option(names = "--jmh-include", paramLabel = "REGEX",
            description = "Run only the JMH benchmarks matching REGEX (default: all).")
    String jmhInclude;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((rounds != null && rounds < 1) || (count != null && count < 1000)) {
            err.println("blockgraph bench: --rounds must be at least 1 and --count at least 1000");
            return 2;
        }
        try {
            Class.forName(NULL_BENCH);
        } catch (ClassNotFoundException e) {
            err.println("blockgraph bench: the bench module is not on the classpath (" + NULL_BENCH
                    + " missing); rebuild with mvn -B -pl checker -am package");
            return 2;
        }
        try {
            return vsQemu ? compare(out, err) : jmh(out, err);
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("blockgraph bench: " + e.getMessage());
            return 1;
        }
    }

    // ---- JMH suite ----

    private int jmh(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-cp", classPath(), "org.openjdk.jmh.Main"));
        if (quick) {
            cmd.addAll(List.of("-wi", "1", "-w", "1s", "-i", "2", "-r", "1s"));
        }
        Path json = Files.createTempFile("blockgraph-jmh", ".json");
        cmd.addAll(List.of("-rf", "json", "-rff", json.toString()));
        if (jmhInclude != null) {
            cmd.add(jmhInclude);
        }
        out.println("blockgraph bench: " + String.join(" ", cmd));
        out.flush();
        Run r = run(cmd, line -> {
            out.println(line);
            out.flush();
        }, TimeUnit.HOURS.toSeconds(4));
        if (r.exit != 0) {
            err.println("blockgraph bench: JMH exited with " + r.exit);
            return 1;
        }
        out.println("JMH results (JSON): " + json);
        return 0;
    }

    // ---- side by side with qemu-img ----

    /** One row of the comparison: two command lines run alternately. */
    record RowSpec(String label, String aName, List<String> a, String bName, List<String> b, double goal) {
    }

    private int compare(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Optional<Path> qemu = locate(qemuImg);
        if (qemu.isEmpty()) {
            err.println("blockgraph bench: qemu-img not found (" + qemuImg + "). It comes with Debian's QEMU tools:"
                    + " apt-get install -y qemu-utils  (blockgraph bench installs nothing itself)");
            return 2;
        }
        int n = rounds != null ? rounds : quick ? 3 : 5;
        long c = count != null ? count : quick ? 500_000 : 2_000_000;
        long warm = quick ? 300_000 : 1_000_000;
        List<RowSpec> rows = rows(qemu.get().toString(), c, warm);
        out.printf(Locale.ROOT, "blockgraph bench --vs-qemu: %d rows, %d rounds (A B A B), %d requests of 4096 bytes"
                + " per run; blockgraph runs in a fresh JVM after %d untimed warm-up requests%n", rows.size(), n, c,
                warm);
        out.println("qemu-img: " + firstLine(run(List.of(qemu.get().toString(), "--version"), l -> { }, 30).text));
        out.flush();
        ComparisonTable table = new ComparisonTable();
        for (int i = 0; i < rows.size(); i++) {
            RowSpec row = rows.get(i);
            double[] a = new double[n];
            double[] b = new double[n];
            for (int k = 0; k < n; k++) {
                a[k] = measure(row.a());
                b[k] = measure(row.b());
                out.printf(Locale.ROOT, "[%2d/%d] %-44s round %d: A %9.1fk/s  B %9.1fk/s%n", i + 1, rows.size(),
                        row.label(), k + 1, a[k] / 1000, b[k] / 1000);
                out.flush();
            }
            table.add(new ComparisonTable.Row(row.label(), row.aName(), row.bName(), a, b, row.goal()));
        }
        out.println();
        out.print(table.format());
        out.println();
        out.println("Samples (k requests/s, in round order):");
        out.print(table.formatSamples());
        long missed = table.rows().stream().filter(r -> !Double.isNaN(r.goal()) && !r.goalMet()).count();
        long goals = table.rows().stream().filter(r -> !Double.isNaN(r.goal())).count();
        out.printf(Locale.ROOT, "Goals met: %d of %d (goals are targets; see docs/performance.md)%n",
                goals - missed, goals);
        return 0;
    }

    /** The rows: blockgraph vs QEMU's null-co per shape/depth/op, then blockgraph-only ratios for the goals. */
    List<RowSpec> rows(String qemu, long c, long warm) {
        List<RowSpec> rows = new ArrayList<>();
        for (String shape : List.of("bare", "filters3")) {
            for (int depth : List.of(64, 1)) {
                for (boolean write : List.of(false, true)) {
                    double goal = "filters3".equals(shape) ? (depth == 64 ? 2.0 : 1.5) : Double.NaN;
                    rows.add(new RowSpec(String.format(Locale.ROOT, "%s d%d %s vs QEMU null-co", shape, depth,
                            write ? "write" : "read"), "blockgraph " + shape,
                            nullBench(c, warm, depth, write, shape, 1, 0, false), "qemu-img null-co",
                            qemuBench(qemu, c, depth, write), goal));
                }
            }
        }
        rows.add(new RowSpec("filters3 d64 read: 2 threads / 1 thread", "blockgraph 2 contexts",
                nullBench(c, warm, 64, false, "filters3", 2, 0, false), "blockgraph 1 context",
                nullBench(c, warm, 64, false, "filters3", 1, 0, false), 1.8));
        rows.add(new RowSpec("filters3 d64 read: lock+accounting / none", "blockgraph as shipped",
                nullBench(c, warm, 64, false, "filters3", 1, 0, false), "no lock, no accounting",
                nullBench(c, warm, 64, false, "filters3", 1, 0, true), 0.95));
        rows.add(new RowSpec("filters3 d64 read: 1000 drains/s / none", "blockgraph + 1000 drains/s",
                nullBench(c, warm, 64, false, "filters3", 1, 1000, false), "blockgraph, no drains",
                nullBench(c, warm, 64, false, "filters3", 1, 0, false), 0.95));
        return rows;
    }

    static List<String> qemuBench(String qemu, long count, int depth, boolean write) {
        List<String> cmd = new ArrayList<>(List.of(qemu, "bench", "-t", "none", "-c", Long.toString(count), "-d",
                Integer.toString(depth), "-s", "4096"));
        if (write) {
            cmd.add("-w");
        }
        cmd.add(NULL_CO);
        return cmd;
    }

    private static List<String> nullBench(long count, long warm, int depth, boolean write, String shape,
                                          int threads, int drains, boolean noAccounting) {
        List<String> cmd = new ArrayList<>(List.of(javaExecutable()));
        if (noAccounting) {
            cmd.add(NO_ACCOUNTING);
        }
        cmd.addAll(List.of("-cp", classPath(), NULL_BENCH, "-c", Long.toString(count), "-d",
                Integer.toString(depth), "-s", "4096", "--shape", shape, "--threads", Integer.toString(threads),
                "--drains-per-second", Integer.toString(drains), "--warmup", Long.toString(warm)));
        if (write) {
            cmd.add("-w");
        }
        return cmd;
    }

    private static double measure(List<String> cmd) throws IOException, InterruptedException {
        Run r = run(cmd, l -> { }, 600);
        if (r.exit != 0) {
            throw new IllegalStateException("benchmark run failed (exit " + r.exit + "): " + String.join(" ", cmd)
                    + "\n" + r.text.strip());
        }
        return BenchOutput.parse(r.text).iops();
    }

    // ---- processes ----

    private record Run(int exit, String text) {
    }

    private static Run run(List<String> cmd, java.util.function.Consumer<String> perLine, long timeoutSeconds)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuffer text = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    text.append(line).append('\n');
                    perLine.accept(line);
                }
            } catch (IOException e) {
                text.append("(output lost: ").append(e.getMessage()).append(")\n");
            }
        }, "bench-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                reader.join(TimeUnit.SECONDS.toMillis(5));
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            reader.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return new Run(p.exitValue(), text.toString());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s.strip() : s.substring(0, nl).strip();
    }

    /** The executable: a path if it contains a slash, else searched on the PATH. */
    static Optional<Path> locate(String program) {
        if (program.contains(File.separator)) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Our own classpath; when started with -jar it is the CLI jar, whose manifest lists the bench module. */
    private static String classPath() {
        return System.getProperty("java.class.path");
    }
}
