package org.blockgraph.checker.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The final plain-text table of {@code check}: one row per model and a one-line summary. */
public final class ResultTable {

    private static final String[] HEADERS = {"model", "mode", "expected", "actual", "distinct", "total", "depth",
        "seconds", "verdict"};

    private ResultTable() {
    }

    /**
     * The table followed by the summary line.
     *
     * @param rows the results
     * @return the table and summary as text
     */
    public static String render(List<SummaryRow> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADERS);
        for (SummaryRow r : rows) {
            cells.add(new String[] {r.model(), r.mode(), r.expected(), r.result(), number(r.distinctStates()),
                number(r.totalStates()), r.depth() == null ? "-" : r.depth().toString(),
                String.format(Locale.ROOT, "%.1f", r.seconds()), r.match() ? "MATCH" : "MISMATCH"});
        }
        int[] width = new int[HEADERS.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            String[] row = cells.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 4 && i <= 7;
                String cell = numeric ? pad(row[i], width[i], true) : pad(row[i], width[i], false);
                line.append(i == 0 ? "" : "  ").append(cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (n == 0) {
                int total = 0;
                for (int w : width) {
                    total += w;
                }
                out.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
            }
        }
        out.append(summary(rows)).append('\n');
        return out.toString();
    }

    /**
     * {@code 5 models: 4 matched, 1 MISMATCHED (DrainMain) in 12.3 s}.
     *
     * @param rows the results
     * @return the summary line
     */
    public static String summary(List<SummaryRow> rows) {
        long matched = rows.stream().filter(SummaryRow::match).count();
        double seconds = rows.stream().mapToDouble(SummaryRow::seconds).sum();
        List<String> bad = rows.stream().filter(r -> !r.match()).map(SummaryRow::model).toList();
        String s = rows.size() + (rows.size() == 1 ? " model: " : " models: ") + matched + " matched";
        if (!bad.isEmpty()) {
            s += ", " + bad.size() + " MISMATCHED (" + String.join(", ", bad) + ")";
        }
        return s + String.format(Locale.ROOT, " in %.1f s", seconds);
    }

    private static String number(Long n) {
        return n == null ? "-" : String.format(Locale.ROOT, "%,d", n);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
