package org.blockgraph.checker.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The assumption register of {@code docs/assumptions.md}, read as data and checked against the repository.
 *
 * <p>The register is the markdown table between {@code <!-- register:begin -->} and {@code <!-- register:end -->}
 * with the fixed columns {@value #HEADER}. Every cell but the assumption's text holds code spans:
 * <ul>
 *   <li>spec: the non-MC {@code .tla} module (path from the repository root) that defines the invariant, or
 *       {@code —} when no spec models the assumption yet;</li>
 *   <li>invariant: the TLA+ invariant or property (a name ending in {@code Inv} or {@code Prop}), or {@code —};</li>
 *   <li>upheld by: fully qualified main classes ({@code <module>/src/main/java/...});</li>
 *   <li>tests: fully qualified test classes ({@code <module>/src/test/java/...} of any module: impl, checker,
 *       linearizability-tests, ...), optionally {@code Class#method}; the class must be one surefire runs (named
 *       {@code *Test}, {@code *Tests}, {@code *TestCase} or {@code Test*}) and declare a test method, and a named
 *       method must be a JUnit 5 test method, so a row cannot point at a helper the build never runs.</li>
 * </ul>
 * {@link #check} lists every problem: a name that does not exist, and every invariant or property defined in a
 * non-MC spec module that no row covers. Existence is decided from the source files, so the register can name
 * classes of any module.
 */
final class AssumptionRegister {
    static final String HEADER = "| id | assumption | spec | invariant | upheld by | tests |";
    static final String BEGIN = "<!-- register:begin -->";
    static final String END = "<!-- register:end -->";
    static final String NONE = "—";

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern DEFINITION =
            Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\([^)]*\\))?\\s*==", Pattern.MULTILINE);
    private static final Pattern FQCN = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.[A-Z][A-Za-z0-9_]*");
    private static final Pattern ID = Pattern.compile("A[0-9]+");
    /** Class names surefire runs by default; a test named otherwise is silently skipped by the build. */
    private static final Pattern SUREFIRE_NAME = Pattern.compile("Test[A-Za-z0-9_]*|[A-Za-z0-9_]*(Test|Tests|TestCase)");
    /** A JUnit 5 test-method annotation, with its arguments. */
    private static final Pattern TEST_ANNOTATION =
            Pattern.compile("@(?:Test|ParameterizedTest|RepeatedTest|TestFactory)\\b(?:\\([^)]*\\))?");

    /** One row of the register. */
    record Row(int line, String id, String assumption, String spec, String invariant, List<String> upheldBy,
               List<String> tests) {
    }

    private AssumptionRegister() {
    }

    /** Reads the rows; malformed rows are reported in {@code problems} and skipped. */
    static List<Row> parse(String markdown, List<String> problems) {
        String[] lines = markdown.split("\n", -1);
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals(BEGIN)) {
                begin = i;
            } else if (lines[i].strip().equals(END)) {
                end = i;
            }
        }
        List<Row> rows = new ArrayList<>();
        if (begin < 0 || end < begin) {
            problems.add("no register table between " + BEGIN + " and " + END);
            return rows;
        }
        int i = begin + 1;
        while (i < end && lines[i].isBlank()) {
            i++;
        }
        if (i >= end || !lines[i].strip().equals(HEADER)) {
            problems.add("line " + (i + 1) + ": the register's header must be exactly " + HEADER);
            return rows;
        }
        i += 2; // header and separator
        Set<String> ids = new HashSet<>();
        for (; i < end; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            if (!line.startsWith("|") || !line.endsWith("|")) {
                problems.add("line " + lineNo + ": not a table row");
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
            if (cells.length != 6) {
                problems.add("line " + lineNo + ": " + cells.length + " cells, the register has 6 columns");
                continue;
            }
            String id = cells[0].strip();
            if (!ID.matcher(id).matches()) {
                problems.add("line " + lineNo + ": id '" + id + "' is not of the form A<number>");
            } else if (!ids.add(id)) {
                problems.add("line " + lineNo + ": duplicate id " + id);
            }
            String assumption = cells[1].strip();
            if (assumption.isEmpty()) {
                problems.add(id + ": the assumption is empty");
            }
            String spec = single(cells[2], id, "spec", problems);
            String invariant = single(cells[3], id, "invariant", problems);
            if (spec != null && invariant != null && (spec.equals(NONE) != invariant.equals(NONE))) {
                problems.add(id + ": spec and invariant must both be given or both be " + NONE);
            }
            List<String> upheldBy = codes(cells[4]);
            List<String> tests = codes(cells[5]);
            if (upheldBy.isEmpty()) {
                problems.add(id + ": no class upholds it");
            }
            if (tests.isEmpty()) {
                problems.add(id + ": no test exercises it");
            }
            rows.add(new Row(lineNo, id, assumption, spec, invariant, upheldBy, tests));
        }
        if (rows.isEmpty()) {
            problems.add("the register has no rows");
        }
        return rows;
    }

    private static String single(String cell, String id, String column, List<String> problems) {
        String c = cell.strip();
        if (c.equals(NONE)) {
            return NONE;
        }
        List<String> cs = codes(c);
        if (cs.size() != 1) {
            problems.add(id + ": the " + column + " column must hold one code span or " + NONE);
            return null;
        }
        return cs.get(0);
    }

    private static List<String> codes(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1).strip());
        }
        return out;
    }

    /** Invariants and properties ({@code ...Inv}, {@code ...Prop}) per non-MC module under {@code specDir}. */
    static Map<String, Set<String>> specInvariants(Path root) {
        Map<String, Set<String>> byModule = new TreeMap<>();
        Path specDir = root.resolve("spec");
        try (Stream<Path> walk = Files.walk(specDir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String file = p.getFileName().toString();
                if (!Files.isRegularFile(p) || !file.endsWith(".tla") || file.startsWith("MC")) {
                    continue;
                }
                Set<String> names = new java.util.TreeSet<>();
                for (String name : definitions(Files.readString(p))) {
                    if (name.endsWith("Inv") || name.endsWith("Prop")) {
                        names.add(name);
                    }
                }
                byModule.put(root.relativize(p).toString().replace('\\', '/'), names);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byModule;
    }

    private static Set<String> definitions(String tla) {
        Set<String> names = new HashSet<>();
        Matcher m = DEFINITION.matcher(tla);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Every problem of the register text against the repository at {@code root}; empty when it is right. */
    static List<String> check(Path root, String markdown) {
        List<String> problems = new ArrayList<>();
        List<Row> rows = parse(markdown, problems);
        Map<String, Set<String>> specs = specInvariants(root);
        Map<String, String> covered = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.spec() != null && r.invariant() != null && !r.spec().equals(NONE)) {
                Path module = root.resolve(r.spec());
                String file = module.getFileName().toString();
                if (!r.spec().startsWith("spec/") || !file.endsWith(".tla") || file.startsWith("MC")) {
                    problems.add(r.id() + ": spec " + r.spec() + " is not a non-MC module under spec/");
                } else if (!Files.isRegularFile(module)) {
                    problems.add(r.id() + ": spec module " + r.spec() + " does not exist");
                } else if (!(r.invariant().endsWith("Inv") || r.invariant().endsWith("Prop"))) {
                    problems.add(r.id() + ": " + r.invariant() + " is not named ...Inv or ...Prop");
                } else if (!specs.getOrDefault(r.spec(), Set.of()).contains(r.invariant())) {
                    problems.add(r.id() + ": " + r.invariant() + " is not defined in " + r.spec());
                } else {
                    covered.put(r.spec() + "!" + r.invariant(), r.id());
                }
            }
            for (String c : r.upheldBy()) {
                String problem = classProblem(root, c, "main");
                if (problem != null) {
                    problems.add(r.id() + ": upheld by " + problem);
                }
            }
            for (String t : r.tests()) {
                String problem = classProblem(root, t, "test");
                if (problem != null) {
                    problems.add(r.id() + ": test " + problem);
                }
            }
        }
        for (Map.Entry<String, Set<String>> e : specs.entrySet()) {
            for (String inv : e.getValue()) {
                if (!covered.containsKey(e.getKey() + "!" + inv)) {
                    problems.add("no row for " + inv + " (" + e.getKey() + ")");
                }
            }
        }
        return problems;
    }

    /** Null if {@code ref} ({@code pkg.Class} or {@code pkg.Class#method}) exists in some module's source set. */
    static String classProblem(Path root, String ref, String sourceSet) {
        String cls = ref;
        String method = null;
        int hash = ref.indexOf('#');
        if (hash >= 0) {
            cls = ref.substring(0, hash);
            method = ref.substring(hash + 1);
        }
        if (!FQCN.matcher(cls).matches()) {
            return ref + ": not a fully qualified class name";
        }
        Path source = findSource(root, cls, sourceSet);
        if (source == null) {
            return ref + ": no " + sourceSet + " class " + cls + " in any module";
        }
        if (sourceSet.equals("test")) {
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            if (!SUREFIRE_NAME.matcher(simple).matches()) {
                return ref + ": " + simple + " is not a test class surefire runs (*Test, *Tests, *TestCase, Test*)";
            }
            String text;
            try {
                text = Files.readString(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (method == null && !TEST_ANNOTATION.matcher(text).find()) {
                return ref + ": " + root.relativize(source) + " declares no test method";
            }
            if (method != null) {
                Pattern declared = Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(");
                Pattern test = Pattern.compile(TEST_ANNOTATION.pattern() + "(?:\\s*@[A-Za-z.]+(?:\\([^)]*\\))?)*"
                        + "\\s*(?:public\\s+|protected\\s+)?void\\s+" + Pattern.quote(method) + "\\s*\\(");
                if (!declared.matcher(text).find()) {
                    return ref + ": " + root.relativize(source) + " has no method " + method;
                }
                if (!test.matcher(text).find()) {
                    return ref + ": " + method + " in " + root.relativize(source) + " is not a test method (@Test,"
                            + " @ParameterizedTest, @RepeatedTest or @TestFactory)";
                }
            }
        }
        return null;
    }

    private static Path findSource(Path root, String cls, String sourceSet) {
        String rel = "src/" + sourceSet + "/java/" + cls.replace('.', '/') + ".java";
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : (Iterable<Path>) modules::iterator) {
                Path candidate = m.resolve(rel);
                if (Files.isDirectory(m) && !m.getFileName().toString().startsWith(".")
                        && Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }
}
