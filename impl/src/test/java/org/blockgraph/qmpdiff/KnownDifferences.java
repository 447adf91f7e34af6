package org.blockgraph.qmpdiff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The listed differences: the rows of the table under {@value #HEADING} in {@code docs/conformance.md}. A row is
 * {@code | `scenario` | where | `blockgraph's transcript entry` | `QEMU 7.2's` | why |}; a pipe inside a value is
 * written {@code \|}.
 */
final class KnownDifferences {
    static final String HEADING = "### Differential suite: listed differences";

    /** One difference: scenario, where (step N, graph, events), and the two normalised transcript entries. */
    record Row(String scenario, String where, String blockgraph, String qemu) {
        String toMarkdown() {
            return "| `" + scenario + "` | " + where + " | `" + esc(blockgraph) + "` | `" + esc(qemu) + "` | ... |";
        }

        private static String esc(String s) {
            return s.replace("|", "\\|");
        }
    }

    private final List<Row> rows;

    private KnownDifferences(List<Row> rows) {
        this.rows = rows;
    }

    List<Row> rows() {
        return rows;
    }

    static KnownDifferences load() {
        try {
            List<String> lines = Files.readAllLines(DifferentialQmpTest.docs());
            int start = lines.indexOf(HEADING);
            if (start < 0) {
                throw new IllegalStateException("docs/conformance.md has no heading '" + HEADING + "'");
            }
            List<Row> rows = new ArrayList<>();
            boolean inTable = false;
            for (int i = start + 1; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith("#")) {
                    break;
                }
                if (!l.startsWith("|")) {
                    if (inTable) {
                        break;
                    }
                    continue;
                }
                inTable = true;
                List<String> cells = cells(l);
                if (cells.size() < 4 || cells.get(0).equals("scenario") || cells.get(0).startsWith("---")) {
                    continue;
                }
                rows.add(new Row(unquote(cells.get(0)), cells.get(1), unquote(cells.get(2)), unquote(cells.get(3))));
            }
            return new KnownDifferences(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '|') {
                cur.append('|');
                i++;
            } else if (c == '|') {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s;
    }
}
