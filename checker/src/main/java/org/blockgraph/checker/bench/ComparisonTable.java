package org.blockgraph.checker.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side table: per row, the IOPS of side A and of side B from several interleaved rounds, their
 * medians, the ratio of the medians, and the row's goal (a minimum ratio, or none).
 */
public final class ComparisonTable {
    /**
     * One row.
     *
     * @param label    what is compared
     * @param aName    what side A is (e.g. {@code blockgraph})
     * @param bName    what side B is (e.g. {@code qemu-img})
     * @param a        side A's samples (requests per second), one per round
     * @param b        side B's samples, one per round
     * @param goal     the minimum A/B ratio wanted, or {@code NaN} for none
     */
    public record Row(String label, String aName, String bName, double[] a, double[] b, double goal) {
        /**
         * Checks that both sides have samples and copies them.
         *
         * @param label what is compared
         * @param aName what side A is (e.g. {@code blockgraph})
         * @param bName what side B is (e.g. {@code qemu-img})
         * @param a side A's samples (requests per second), one per round
         * @param b side B's samples, one per round
         * @param goal the minimum A/B ratio wanted, or {@code NaN} for none
         */
        public Row {
            if (a.length == 0 || b.length == 0) {
                throw new IllegalArgumentException("row '" + label + "' has no samples");
            }
            a = a.clone();
            b = b.clone();
        }

        /**
         * The median of side A.
         *
         * @return the median of {@code a}
         */
        public double medianA() {
            return median(a);
        }

        /**
         * The median of side B.
         *
         * @return the median of {@code b}
         */
        public double medianB() {
            return median(b);
        }

        /**
         * median(A) / median(B).
         *
         * @return the ratio of the medians
         */
        public double ratio() {
            return medianA() / medianB();
        }

        /**
         * Whether the row has a goal and its ratio reaches it.
         *
         * @return true if a goal is set and met
         */
        public boolean goalMet() {
            return !Double.isNaN(goal) && ratio() >= goal;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    /**
     * Adds a row.
     *
     * @param row the row, shown after the ones added before it
     */
    public void add(Row row) {
        rows.add(row);
    }

    /**
     * The rows so far.
     *
     * @return the rows, in the order they were added
     */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * The median: the middle sample, or the mean of the two middle ones.
     *
     * @param samples at least one sample
     * @return their median
     */
    public static double median(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("median of no samples");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /**
     * The table as fixed-width text: medians in thousands of requests per second (k/s).
     *
     * @return the table, one line per row after a header
     */
    public String format() {
        StringBuilder b = new StringBuilder();
        String head = String.format(Locale.ROOT, "%-44s %-24s %10s %-24s %10s %7s  %s%n", "row", "A", "A k/s",
                "B", "B k/s", "A/B", "goal");
        b.append(head);
        b.append("-".repeat(head.length() - 1)).append('\n');
        for (Row r : rows) {
            String goal = Double.isNaN(r.goal()) ? "-"
                    : String.format(Locale.ROOT, ">= %.2f %s", r.goal(), r.goalMet() ? "met" : "MISSED");
            b.append(String.format(Locale.ROOT, "%-44s %-24s %10.1f %-24s %10.1f %7.2f  %s%n", r.label(),
                    r.aName(), r.medianA() / 1000, r.bName(), r.medianB() / 1000, r.ratio(), goal));
        }
        return b.toString();
    }

    /**
     * Every sample, for the record (docs/performance.md keeps the raw numbers).
     *
     * @return one line per row with every sample of both sides
     */
    public String formatSamples() {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) {
            b.append(r.label()).append(": A ").append(kilo(r.a())).append(" | B ").append(kilo(r.b())).append('\n');
        }
        return b.toString();
    }

    private static String kilo(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(String.format(Locale.ROOT, "%.1fk", x / 1000));
        }
        return b.toString();
    }
}
