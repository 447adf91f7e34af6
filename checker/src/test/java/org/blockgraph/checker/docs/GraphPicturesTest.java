package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The pictures in docs/img cannot rot: the DOT is regenerated from the core on every build and must equal the
 * committed file (Graphviz is not needed here; the SVGs are rendered from the committed DOT by docs/img/render.sh).
 * With {@code -Dblockgraph.docs.regenerate=true} the test writes the files instead.
 */
class GraphPicturesTest {
    private static final Path IMG = Fixtures.repoRoot().resolve("docs/img");

    @Test
    void committedDotFilesMatchTheGraphsTheCoreBuilds() throws IOException {
        boolean regenerate = Boolean.getBoolean("blockgraph.docs.regenerate");
        for (Map.Entry<String, String> e : GraphPictures.all().entrySet()) {
            Path file = IMG.resolve(e.getKey() + ".dot");
            if (regenerate) {
                Files.createDirectories(IMG);
                Files.writeString(file, e.getValue());
            }
            assertTrue(Files.isRegularFile(file), file + " is missing; regenerate with -Dblockgraph.docs.regenerate=true");
            assertEquals(Files.readString(file), e.getValue(),
                    file + " differs from the graph the core builds; regenerate with -Dblockgraph.docs.regenerate=true"
                            + " and re-render the SVG with docs/img/render.sh");
        }
    }

    @Test
    void thePicturesShowTheRealJobsFiltersJobEdgesAndFrozenLinks() {
        String stream = GraphPictures.stream();
        assertTrue(stream.contains("\"block device 'vda'\" -> \"node:stream-cor\""), stream);
        assertTrue(stream.contains("\"node:stream-cor\" -> \"node:top\" [label=\"file (frozen)"), stream);
        assertTrue(stream.contains("\"node:top\" -> \"node:mid\" [label=\"backing (frozen)"), stream);
        assertTrue(stream.contains("\"node:mid\" -> \"node:base\" [label=\"backing\\ncow"), stream);
        assertTrue(stream.contains("\"stream job 'job0'\" -> \"node:mid\" [label=\"intermediate node\\n-/CU\""),
                stream);
        String commit = GraphPictures.commit();
        assertTrue(commit.contains("\"node:top\" -> \"node:commit-top\" [label=\"backing\\n"), commit);
        assertTrue(commit.contains("\"node:commit-top\" -> \"node:mid\" [label=\"backing (frozen)"), commit);
        assertTrue(commit.contains("\"node:mid\" -> \"node:base\" [label=\"backing (frozen)"), commit);
        assertTrue(commit.contains("\"commit job 'job0'\" -> \"node:base\" [label=\"base\\n-/CWUR\""), commit);
        String active = GraphPictures.activeCommit();
        assertTrue(active.contains("\"block device 'vda'\" -> \"node:commit-active\""), active);
        assertTrue(active.contains("\"node:commit-active\" -> \"node:top\""), active);
        assertTrue(active.contains("\"node:mid\" -> \"node:base\" [label=\"backing (frozen)"), active);
    }

    @Test
    void theSvgFilesWereRenderedFromTheCommittedDot() throws IOException {
        // Graphviz writes the graph name and every node name into the SVG; a stale SVG shows a different set.
        for (Map.Entry<String, String> e : GraphPictures.all().entrySet()) {
            Path svg = IMG.resolve(e.getKey() + ".svg");
            assertTrue(Files.isRegularFile(svg), svg + " is missing; render it with docs/img/render.sh");
            String text = Files.readString(svg);
            for (String line : e.getValue().split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^  \"([^\"]+)\" -> \"([^\"]+)\" \\[label=\"([^\"\\\\]+)")
                        .matcher(line);
                if (m.find()) {
                    String title = xml(m.group(1)) + "&#45;&gt;" + xml(m.group(2));
                    assertTrue(text.contains("<title>" + title + "</title>"), svg + " has no edge " + title
                            + ": it is older than " + e.getKey() + ".dot; re-render with docs/img/render.sh");
                    assertTrue(text.contains(">" + xml(m.group(3)) + "</text>"), svg + " lacks the label "
                            + m.group(3) + ": re-render with docs/img/render.sh");
                }
            }
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("-", "&#45;");
    }
}
