package org.blockgraph.checker.tlc;

/**
 * A parse, semantic or cfg error located in a file, printed as {@code file:line:column: message}.
 *
 * @param file    the file (absolute when TLC's output allowed resolving it, else the module name)
 * @param line    1-based line, or 0 if unknown
 * @param column  1-based column, or 0 if unknown
 * @param message what is wrong
 */
public record SpecError(String file, int line, int column, String message) {

    /** {@code file:line:column: message}, the form editors and terminals link to. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.append(": ").append(message).toString();
    }
}
