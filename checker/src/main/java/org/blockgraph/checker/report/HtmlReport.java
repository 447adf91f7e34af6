package org.blockgraph.checker.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A static HTML page with the results table (no scripts, no external resources), for {@code --report DIR}. */
public final class HtmlReport {

    private HtmlReport() {
    }

    /**
     * The page; links to each model's TLC output relative to {@code reportDir} when it lies inside it.
     *
     * @param rows the results
     * @param reportDir the folder the page is written to
     * @param title the page title
     * @return the HTML page
     */
    public static String render(List<SummaryRow> rows, Path reportDir, String title) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("th,td{padding:.3em .8em;border-bottom:1px solid #ccc;text-align:left}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".MATCH{color:#176117;font-weight:bold}.MISMATCH{color:#a31515;font-weight:bold}")
                .append("ul{margin:0;padding-left:1.2em}\n</style>\n</head>\n<body>\n<h1>")
                .append(escape(title)).append("</h1>\n<p>").append(escape(ResultTable.summary(rows)))
                .append("</p>\n<table>\n<thead><tr><th>model</th><th>mode</th><th>expected</th><th>actual</th>")
                .append("<th>distinct</th><th>total</th><th>depth</th><th>seconds</th><th>verdict</th>")
                .append("<th>TLC output</th></tr></thead>\n<tbody>\n");
        for (SummaryRow r : rows) {
            String verdict = r.match() ? "MATCH" : "MISMATCH";
            h.append("<tr><td>").append(escape(r.model())).append("</td><td>").append(escape(r.mode()))
                    .append("</td><td>").append(escape(r.expected())).append("</td><td>").append(escape(r.result()))
                    .append("</td><td class=\"n\">").append(number(r.distinctStates()))
                    .append("</td><td class=\"n\">").append(number(r.totalStates()))
                    .append("</td><td class=\"n\">").append(r.depth() == null ? "-" : r.depth())
                    .append("</td><td class=\"n\">").append(String.format(Locale.ROOT, "%.1f", r.seconds()))
                    .append("</td><td class=\"").append(verdict).append("\">").append(verdict);
            if (!r.mismatches().isEmpty()) {
                h.append("<ul>");
                r.mismatches().forEach(m -> h.append("<li>").append(escape(m)).append("</li>"));
                h.append("</ul>");
            }
            Path out = Path.of(r.output()).toAbsolutePath().normalize();
            Path dir = reportDir.toAbsolutePath().normalize();
            String href = out.startsWith(dir) ? dir.relativize(out).toString() : out.toUri().toString();
            h.append("</td><td><a href=\"").append(escape(href)).append("\">")
                    .append(escape(out.getFileName().toString())).append("</a></td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String number(Long n) {
        return n == null ? "-" : String.format(Locale.ROOT, "%,d", n);
    }

    /** HTML-escapes text for element content and attribute values. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
