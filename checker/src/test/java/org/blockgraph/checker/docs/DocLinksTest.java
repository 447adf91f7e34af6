package org.blockgraph.checker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's links hold: every docs page is reachable from docs/README.md, every family's design-debate page from
 * docs/design-debates.md, and every relative link (and its #anchor, as GitHub derives it from a heading) in docs/
 * and the top-level README.md resolves.
 */
class DocLinksTest {
    private static final Path ROOT = Fixtures.repoRoot();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$", Pattern.MULTILINE);

    @Test
    void everyPageIsIndexedAndEveryLinkResolves() throws IOException {
        List<String> problems = problems(ROOT);
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void aBrokenLinkAnAnchorAndAnUnindexedPageAreReported(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("repo");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("README.md"), "See [docs](docs/README.md).\n");
        Files.writeString(root.resolve("docs/README.md"),
                "# Index\n[a](a.md) [debates](design-debates.md) [gone](missing.md) [web](https://example.org/x.md)\n");
        Files.writeString(root.resolve("docs/a.md"), "# A page\n## Its part (one)\n[ok](#its-part-one) [bad](#nope)\n");
        Files.writeString(root.resolve("docs/design-debates.md"), "# Debates\n[a](a.md#a-page)\n");
        Files.writeString(root.resolve("docs/design-debates-x.md"), "# X\n");
        Files.writeString(root.resolve("docs/orphan.md"), "# Orphan\n");
        List<String> problems = problems(root);
        assertTrue(problems.contains("docs/README.md: link missing.md: no such file"), problems::toString);
        assertTrue(problems.contains("docs/a.md: link #nope: no heading with that anchor"), problems::toString);
        assertTrue(problems.contains("docs/README.md does not link orphan.md"), problems::toString);
        assertTrue(problems.contains("docs/README.md does not link design-debates-x.md"), problems::toString);
        assertTrue(problems.contains("docs/design-debates.md does not link design-debates-x.md"), problems::toString);
        assertEquals(5, problems.size(), problems::toString);
    }

    static List<String> problems(Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        Path docs = root.resolve("docs");
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> s = Files.list(docs)) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<Path> checked = new ArrayList<>(pages);
        checked.add(0, root.resolve("README.md"));
        for (Path page : checked) {
            String text = Files.readString(page);
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not checked offline
                }
                String file = target;
                String anchor = null;
                int hash = target.indexOf('#');
                if (hash >= 0) {
                    file = target.substring(0, hash);
                    anchor = target.substring(hash + 1);
                }
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = root.relativize(page).toString().replace('\\', '/');
                if (!Files.exists(resolved)) {
                    problems.add(where + ": link " + target + ": no such file");
                } else if (anchor != null && !anchors(Files.readString(resolved)).contains(anchor)) {
                    problems.add(where + ": link " + target + ": no heading with that anchor");
                }
            }
        }
        String index = Files.readString(docs.resolve("README.md"));
        String debates = Files.exists(docs.resolve("design-debates.md"))
                ? Files.readString(docs.resolve("design-debates.md")) : "";
        for (Path page : pages) {
            String name = page.getFileName().toString();
            if (name.equals("README.md")) {
                continue;
            }
            if (!index.contains("](" + name + ")") && !index.contains("](" + name + "#")) {
                problems.add("docs/README.md does not link " + name);
            }
            if (name.startsWith("design-debates-") && !debates.contains("](" + name)) {
                problems.add("docs/design-debates.md does not link " + name);
            }
        }
        return problems;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(String markdown) {
        Set<String> out = new HashSet<>();
        Matcher m = HEADING.matcher(markdown.replaceAll("(?s)```.*?```", ""));
        while (m.find()) {
            String slug = m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
            out.add(slug);
        }
        return out;
    }
}
