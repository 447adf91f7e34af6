package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The model table in docs/specs.md is a copy of spec/manifest.json for reading; this test fails when the two differ
 * (a model added, removed, or its expected result or counts re-recorded without the docs).
 */
class SpecsModelTableTest {
    private static final Path ROOT = Fixtures.repoRoot();
    private static final String MARK = "Current models (from `spec/manifest.json`";

    @Test
    void theTableInSpecsMdIsTheManifest() throws IOException {
        List<String> expected = fromManifest(new ObjectMapper().readTree(ROOT.resolve("spec/manifest.json").toFile()));
        List<String> actual = fromDocs(Files.readString(ROOT.resolve("docs/specs.md")));
        assertEquals(expected, actual, "docs/specs.md's model table differs from spec/manifest.json; rows expected:\n"
                + String.join("\n", expected));
    }

    @Test
    void aChangedCountIsNoticed() throws IOException {
        String docs = Files.readString(ROOT.resolve("docs/specs.md"));
        List<String> rows = fromDocs(docs);
        assertTrue(rows.size() >= 2, rows::toString);
        String first = rows.get(0);
        String changed = docs.replace(first, first.replaceFirst("\\| ([0-9,]+) \\|", "| 1 |"));
        List<String> expected = fromManifest(new ObjectMapper().readTree(ROOT.resolve("spec/manifest.json").toFile()));
        assertTrue(!fromDocs(changed).equals(expected), "a changed count must make the table differ");
    }

    static List<String> fromManifest(JsonNode manifest) {
        List<String> rows = new ArrayList<>();
        for (JsonNode m : manifest.get("models")) {
            String expected = m.get("expected").asText();
            rows.add("| `" + m.get("name").asText() + "` | " + m.get("class").asText() + " | "
                    + (expected.equals("ok") ? "ok" : "`" + expected + "`") + " | " + count(m, "distinctStates")
                    + " | " + count(m, "totalStates") + " |");
        }
        return rows;
    }

    private static String count(JsonNode m, String field) {
        JsonNode n = m.get(field);
        return n == null || n.isNull() ? "—" : String.format(java.util.Locale.ROOT, "%,d", n.asLong());
    }

    static List<String> fromDocs(String specsMd) {
        int at = specsMd.indexOf(MARK);
        if (at < 0) {
            throw new AssertionError("docs/specs.md has no model table (a line starting with " + MARK + ")");
        }
        List<String> rows = new ArrayList<>();
        String[] lines = specsMd.substring(at).split("\n");
        int i = 1;
        while (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        i += 2; // header and separator
        for (; i < lines.length && lines[i].startsWith("|"); i++) {
            rows.add(lines[i].strip());
        }
        return rows;
    }
}
