package org.blockgraph.checker.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code qemu-img bench} (and of blockgraph's {@code NullBench}, which prints the same two
 * lines): {@code Sending N read|write requests, S bytes each, D in parallel ...} and
 * {@code Run completed in X seconds.}
 *
 * @param requests requests sent
 * @param write    whether they were writes
 * @param size     bytes per request
 * @param depth    requests in parallel
 * @param seconds  the run's duration
 */
public record BenchOutput(long requests, boolean write, int size, int depth, double seconds) {
    private static final Pattern SENDING = Pattern.compile(
            "^Sending (\\d+) (read|write) requests, (\\d+) bytes each, (\\d+) in parallel", Pattern.MULTILINE);
    private static final Pattern COMPLETED = Pattern.compile(
            "^Run completed in (\\d+(?:\\.\\d+)?) seconds\\.", Pattern.MULTILINE);

    /**
     * Requests per second.
     *
     * @return completed requests divided by the run's duration
     */
    public double iops() {
        return requests / seconds;
    }

    /**
     * Parses one run's output.
     *
     * @param output everything {@code qemu-img bench} (or NullBench) printed
     * @return the request count and duration it reports
     * @throws IllegalArgumentException if either line is missing or the duration is not positive
     */
    public static BenchOutput parse(String output) {
        Matcher s = SENDING.matcher(output);
        if (!s.find()) {
            throw new IllegalArgumentException("no 'Sending N ... requests' line in the benchmark output:\n"
                    + output.strip());
        }
        Matcher c = COMPLETED.matcher(output);
        if (!c.find()) {
            throw new IllegalArgumentException("no 'Run completed in X seconds.' line in the benchmark output:\n"
                    + output.strip());
        }
        double seconds = Double.parseDouble(c.group(1));
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("run completed in " + c.group(1)
                    + " seconds: too short to measure; raise the request count");
        }
        return new BenchOutput(Long.parseLong(s.group(1)), "write".equals(s.group(2)), Integer.parseInt(s.group(3)),
                Integer.parseInt(s.group(4)), seconds);
    }
}
