package org.blockgraph.checker.tlc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parts of a TLC {@code .cfg} the checker needs: the INVARIANT(S) and PROPERTY(PROPERTIES) names. TLC does
 * not name the temporal property it found violated, so a liveness result is attributed to the cfg's single
 * PROPERTY. Comments ({@code \*} and {@code (* *)}) are skipped.
 *
 * @param invariants the invariant names, in cfg order
 * @param properties the property names, in cfg order
 */
public record CfgFile(List<String> invariants, List<String> properties) {

    private static final Set<String> KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "INIT", "NEXT", "SPECIFICATION",
            "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "SYMMETRY", "VIEW", "CONSTRAINT", "CONSTRAINTS",
            "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS");

    /**
     * Copies both lists, so the value is immutable.
     *
     * @param invariants the invariant names, in cfg order
     * @param properties the property names, in cfg order
     */
    public CfgFile {
        invariants = List.copyOf(invariants);
        properties = List.copyOf(properties);
    }

    /**
     * Reads and parses a cfg file.
     *
     * @param file the cfg file
     * @return its invariants and properties
     * @throws IOException if the file cannot be read
     */
    public static CfgFile read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * Parses cfg text.
     *
     * @param text the cfg's content
     * @return its invariants and properties
     */
    public static CfgFile parse(String text) {
        String clean = stripComments(text);
        List<String> invariants = new ArrayList<>();
        List<String> properties = new ArrayList<>();
        List<String> into = null;
        for (String token : clean.split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (KEYWORDS.contains(token)) {
                into = switch (token) {
                    case "INVARIANT", "INVARIANTS" -> invariants;
                    case "PROPERTY", "PROPERTIES" -> properties;
                    default -> null;
                };
            } else if (into != null && token.matches("[A-Za-z_][A-Za-z0-9_!]*")) {
                into.add(token);
            }
        }
        return new CfgFile(invariants, properties);
    }

    private static String stripComments(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char n = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
            if (c == '(' && n == '*') {
                depth++;
                i++;
            } else if (depth > 0 && c == '*' && n == ')') {
                depth--;
                i++;
            } else if (depth == 0 && c == '\\' && n == '*') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
