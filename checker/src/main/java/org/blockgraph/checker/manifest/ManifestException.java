package org.blockgraph.checker.manifest;

import java.util.List;

/**
 * The manifest cannot be used: unreadable, not valid JSON, a field breaks the schema, or the manifest and the
 * files on disk disagree. {@link #problems()} lists every problem found, each naming its field or file.
 */
public class ManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The individual problems, one line each (serialized with the exception). */
    private final List<String> problems;

    /**
     * An exception with one or more problems, each one line.
     *
     * @param summary what failed, e.g. the file that breaks the schema
     * @param problems the individual problems, one line each (may be empty)
     */
    public ManifestException(String summary, List<String> problems) {
        super(summary + (problems.isEmpty() ? "" : ":\n  " + String.join("\n  ", problems)));
        this.problems = List.copyOf(problems);
    }

    /**
     * The individual problems, one line each.
     *
     * @return the problems
     */
    public List<String> problems() {
        return problems;
    }
}
