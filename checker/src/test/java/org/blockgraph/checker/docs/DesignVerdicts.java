package org.blockgraph.checker.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.CounterexampleFormatter;
import org.blockgraph.checker.tlc.TlcOutput;
import org.blockgraph.checker.tlc.TlcOutputParser;

/**
 * The verdict tables of docs/design-debates.md, generated from a {@code blockgraph check --report DIR} run's
 * {@code results.json}: one row per model of the manifest that sets a design-debate constant ({@value #CONSTANTS_TEXT})
 * in its cfg, with the alternative it checks, what the manifest expects, what TLC gave, the length of TLC's
 * counterexample and the states explored.
 *
 * <p>The committed table must equal the table generated from the manifest's own expectations (expected result,
 * distinct states, counterexample length). CI's {@code blockgraph check} compares every run with the same manifest,
 * so the committed table is what the last recorded runs gave; a run that disagrees shows up in the generated table as
 * "<b>fails X</b> (manifest expects Y)" and the docs test fails until the manifest (and with it the page) is updated.
 */
final class DesignVerdicts {
    static final String BEGIN = "<!-- verdicts:begin -->";
    static final String END = "<!-- verdicts:end -->";
    /** The model constants that encode a design debate, per family page. */
    static final List<String> CONSTANTS = List.of("DrainDesign", "GraphChangeRule", "StreamBaseRule");
    static final String CONSTANTS_TEXT = "DrainDesign, GraphChangeRule, StreamBaseRule";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The generated page of counterexamples, linked from design-debates.md. */
    static final String COUNTEREXAMPLES_PAGE = "design-debates-counterexamples.md";
    private static final Pattern SECTION = Pattern.compile("(?m)^### `([A-Za-z0-9_]+)`");
    private static final Pattern REAL_STATE = Pattern.compile("(?m)^State \\d+: <");

    /**
     * One model's run as a report gives it.
     *
     * @param model          the manifest name
     * @param result         {@code ok} or what TLC found
     * @param distinctStates distinct states, or null
     * @param depth          counterexample length for a failure, else the state-graph depth; or null
     * @param output         TLC's full output file, or null when the source is the manifest
     */
    record Run(String model, String result, Long distinctStates, Integer depth, Path output) {
    }

    private DesignVerdicts() {
    }

    /** The runs a {@code results.json} of {@code blockgraph check --report} holds. */
    static Map<String, Run> readReport(Path resultsJson) throws IOException {
        JsonNode rows = JSON.readTree(Files.readString(resultsJson));
        if (rows == null || !rows.isArray()) {
            throw new IOException(resultsJson + ": not a results.json of blockgraph check --report (no array)");
        }
        Map<String, Run> runs = new LinkedHashMap<>();
        for (JsonNode r : rows) {
            JsonNode model = r.get("model");
            JsonNode result = r.get("result");
            if (model == null || !model.isTextual() || result == null || !result.isTextual()) {
                throw new IOException(resultsJson + ": a row without model or result: " + r);
            }
            JsonNode d = r.get("distinctStates");
            JsonNode k = r.get("depth");
            JsonNode out = r.get("output");
            runs.put(model.asText(), new Run(model.asText(), result.asText(),
                    d == null || d.isNull() ? null : d.asLong(), k == null || k.isNull() ? null : k.asInt(),
                    out == null || !out.isTextual() ? null : resultsJson.resolveSibling(out.asText())));
        }
        return runs;
    }

    /** The runs the manifest expects: each model's expected result, distinct states and depth. */
    static Map<String, Run> expected(Manifest m) {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (ModelEntry e : m.models()) {
            runs.put(e.name(), new Run(e.name(), e.expected(),
                    e.distinctStates().isPresent() ? e.distinctStates().getAsLong() : null,
                    e.depth().isPresent() ? e.depth().getAsInt() : null, null));
        }
        return runs;
    }

    /** The debate constants a model's cfg sets, in {@link #CONSTANTS} order; empty if none. */
    static Map<String, String> alternative(Manifest m, ModelEntry e) {
        String cfg;
        try {
            cfg = Files.readString(m.resolve(e.cfg()));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        Map<String, String> set = new LinkedHashMap<>();
        for (String c : CONSTANTS) {
            Matcher v = Pattern.compile("(?m)^\\s*" + c + "\\s*=\\s*\"?([A-Za-z0-9_]+)\"?").matcher(cfg);
            if (v.find()) {
                set.put(c, v.group(1));
            }
        }
        return set;
    }

    /** The markdown tables, one per family, for the CI-class debate models of {@code m} as {@code runs} gave them. */
    static String tables(Manifest m, Map<String, Run> runs) {
        Map<String, List<String>> byFamily = new LinkedHashMap<>();
        for (ModelEntry e : m.models()) {
            Map<String, String> alt = alternative(m, e);
            if (alt.isEmpty() || !e.modelClass().name().equals("CI")) {
                continue;
            }
            String alternative = String.join(", ", alt.entrySet().stream()
                    .map(x -> x.getKey() + "=" + x.getValue()).toList());
            String kind = e.description().startsWith("Negative") ? "planted bug"
                    : e.description().startsWith("Design alternative") ? "design alternative"
                    : e.name().contains("030") ? "iotest 030 case" : "main model";
            Run r = runs.get(e.name());
            String verdict;
            String cex;
            String states;
            if (r == null) {
                verdict = "not run";
                cex = "";
                states = "";
            } else {
                String said = ModelEntry.OK.equals(r.result()) ? "holds" : "**fails** `" + r.result() + "`";
                verdict = r.result().equals(e.expected()) ? said : said + " (manifest expects `" + e.expected() + "`)";
                cex = ModelEntry.OK.equals(r.result()) || r.depth() == null ? "—" : r.depth().toString();
                states = r.distinctStates() == null ? "—" : String.format(java.util.Locale.ROOT, "%,d",
                        r.distinctStates());
            }
            byFamily.computeIfAbsent(e.family(), f -> new ArrayList<>()).add("| `" + e.name() + "` | " + alternative
                    + " | " + kind + " | " + verdict + " | " + cex + " | " + states + " |");
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<String>> f : byFamily.entrySet()) {
            b.append("\n**").append(f.getKey()).append("** (`spec/").append(f.getKey()).append("/`)\n\n");
            b.append("| model | alternative | kind | TLC's verdict | counterexample (states) | distinct states |\n");
            b.append("|---|---|---|---|---|---|\n");
            f.getValue().forEach(row -> b.append(row).append('\n'));
        }
        return b.toString();
    }

    /**
     * The counterexample page: for every CI debate model that {@code runs} says failed, TLC's shortest
     * counterexample, parsed from the run's output file and rendered by the checker's formatter (every variable in
     * the first state, then only what changed).
     */
    static String counterexamples(Manifest m, Map<String, Run> runs) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# Counterexamples of the design debates, from TLC runs\n\n");
        b.append("Generated by `DesignVerdicts` (checker tests) from the TLC outputs of the `blockgraph check --report`"
                + " run that produced the verdict tables of [design-debates.md](design-debates.md); do not edit."
                + " `DesignVerdictsTest` checks that every failing model of those tables has its counterexample here,"
                + " with as many states as the manifest records. Each trace shows every variable in the first state,"
                + " then only the variables each step changed.\n");
        String family = null;
        for (ModelEntry e : m.models()) {
            Run r = runs.get(e.name());
            if (r == null || ModelEntry.OK.equals(r.result()) || alternative(m, e).isEmpty()
                    || !e.modelClass().name().equals("CI")) {
                continue;
            }
            if (r.output() == null || !Files.isRegularFile(r.output())) {
                throw new IOException(e.name() + ": the report names no TLC output file to take the counterexample from");
            }
            TlcOutput out = TlcOutputParser.parse(Files.readString(r.output()), m.resolve(e.cfg()));
            if (!e.family().equals(family)) {
                family = e.family();
                b.append("\n## ").append(family).append("\n");
            }
            b.append("\n### `").append(e.name()).append("`: ").append(String.join(", ", alternative(m, e).entrySet()
                    .stream().map(x -> x.getKey() + "=" + x.getValue()).toList())).append(" fails `").append(r.result())
                    .append("` (").append(out.traceLength()).append(" states)\n\n```text\n")
                    .append(CounterexampleFormatter.format(out.trace(), "")).append("```\n");
        }
        return b.toString();
    }

    /**
     * What the committed counterexample page lacks against the tables the manifest gives: a failing model without a
     * section, a section whose trace has a different number of states than the manifest's depth, or a section for
     * a model that does not fail.
     */
    static List<String> counterexampleProblems(Manifest m, String page) {
        List<String> problems = new ArrayList<>();
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher s = SECTION.matcher(page);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (s.find()) {
            names.add(s.group(1));
            spans.add(new int[] {s.start(), 0});
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : page.length();
            sections.put(names.get(i), page.substring(spans.get(i)[0], end));
        }
        for (ModelEntry e : m.models()) {
            if (!e.isNegative() || alternative(m, e).isEmpty() || !e.modelClass().name().equals("CI")) {
                continue;
            }
            String section = sections.remove(e.name());
            if (section == null) {
                problems.add(e.name() + ": fails " + e.expected() + " but has no counterexample");
                continue;
            }
            long states = REAL_STATE.matcher(section).results().count();
            if (e.depth().isPresent() && states != e.depth().getAsInt()) {
                problems.add(e.name() + ": the counterexample has " + states + " states, the manifest records "
                        + e.depth().getAsInt());
            }
            if (!section.contains(" fails `" + e.expected() + "`")) {
                problems.add(e.name() + ": the counterexample is not for " + e.expected());
            }
        }
        sections.keySet().forEach(n -> problems.add(n + ": a counterexample for a model that is not a failing debate model"));
        return problems;
    }

    /** The generated part of {@code markdown}, between the markers; empty if the markers are missing. */
    static Optional<String> section(String markdown) {
        int a = markdown.indexOf(BEGIN);
        int z = markdown.indexOf(END);
        if (a < 0 || z < a) {
            return Optional.empty();
        }
        return Optional.of(markdown.substring(a + BEGIN.length(), z));
    }

    /** {@code markdown} with the generated part replaced by {@code tables}. */
    static String replace(String markdown, String tables) {
        int a = markdown.indexOf(BEGIN);
        int z = markdown.indexOf(END);
        if (a < 0 || z < a) {
            throw new IllegalArgumentException("no " + BEGIN + " ... " + END + " section");
        }
        return markdown.substring(0, a + BEGIN.length()) + tables + markdown.substring(z);
    }
}
