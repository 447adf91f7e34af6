package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The pictures in docs/img cannot rot: the DOT is regenerated from the real jobs on every build and must equal the
 * committed file, and each committed SVG must show every edge and edge label of its DOT (so it was rendered from
 * this DOT, not an older one). Graphviz is not needed by the build: the SVGs are rendered once, by
 * docs/img/render.sh, and committed. With {@code -Dblockgraph.docs.regenerate=true} the test writes the DOT files.
 */
class GraphPicturesTest {
    private static final Path IMG = Fixtures.repoRoot().resolve("docs/img");
    /** The one command that rewrites every .dot from the code and renders every .svg. */
    static final String REGENERATE = "mvn -B -o -pl checker -am verify -Dtest=GraphPicturesTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dblockgraph.docs.regenerate=true && docs/img/render.sh";

    @Test
    void committedDotFilesMatchTheGraphsTheCoreBuilds() throws IOException {
        boolean regenerate = Boolean.getBoolean("blockgraph.docs.regenerate");
        for (Map.Entry<String, String> e : GraphPictures.all().entrySet()) {
            Path file = IMG.resolve(e.getKey() + ".dot");
            if (regenerate) {
                Files.createDirectories(IMG);
                Files.writeString(file, e.getValue());
            }
            assertTrue(Files.isRegularFile(file), file + " is missing; regenerate: " + REGENERATE);
            assertEquals(Files.readString(file), e.getValue(),
                    file + " differs from the graph the code builds; regenerate: " + REGENERATE);
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
        for (Map.Entry<String, String> e : GraphPictures.all().entrySet()) {
            Path svg = IMG.resolve(e.getKey() + ".svg");
            assertTrue(Files.isRegularFile(svg), svg + " is missing; regenerate: " + REGENERATE);
            List<String> problems = svgProblems(e.getValue(), Files.readString(svg));
            assertEquals(List.of(), problems, svg + " was not rendered from " + e.getKey() + ".dot; regenerate: "
                    + REGENERATE);
        }
    }

    @Test
    void anSvgRenderedFromAnOlderDotIsCaught() throws IOException {
        String dot = GraphPictures.stream();
        String svg = Files.readString(IMG.resolve("stream.svg"));
        assertEquals(List.of(), svgProblems(dot, svg));
        String older = dot.replace("[label=\"intermediate node\\n-/CU\"", "[label=\"intermediate node\\n-/CWU\"")
                .replace("\"node:stream-cor\" -> \"node:top\"", "\"node:stream-cor\" -> \"node:mid\"");
        assertTrue(!older.equals(dot));
        List<String> problems = svgProblems(older, svg);
        assertTrue(problems.stream().anyMatch(p -> p.contains("no edge node:stream&#45;cor&#45;&gt;node:mid")),
                problems::toString);
    }

    /**
     * What an SVG lacks of its DOT: Graphviz writes each edge as {@code <title>from->to</title>} and each label line
     * as a {@code <text>}; an SVG rendered from another DOT misses some.
     */
    static List<String> svgProblems(String dot, String svg) {
        List<String> problems = new java.util.ArrayList<>();
        java.util.regex.Pattern edge =
                java.util.regex.Pattern.compile("^  \"([^\"]+)\" -> \"([^\"]+)\" \\[label=\"([^\"]+)\"");
        for (String line : dot.split("\n")) {
            java.util.regex.Matcher m = edge.matcher(line);
            if (!m.find()) {
                continue;
            }
            String title = xml(m.group(1)) + "&#45;&gt;" + xml(m.group(2));
            if (!svg.contains("<title>" + title + "</title>")) {
                problems.add("no edge " + title);
            }
            for (String labelLine : m.group(3).split("\\\\n")) {
                if (!svg.contains(">" + xml(labelLine) + "</text>")) {
                    problems.add("no label " + labelLine);
                }
            }
        }
        return problems;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("-", "&#45;");
    }
}
