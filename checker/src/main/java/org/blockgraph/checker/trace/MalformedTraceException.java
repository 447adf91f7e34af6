package org.blockgraph.checker.trace;

/** An ndjson trace that cannot be read as a trace: the line (1-based) and what is wrong there. */
public final class MalformedTraceException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The 1-based ndjson line that is wrong. */
    private final int line;

    /**
     * A malformed trace, with the message {@code line <line>: <message>}.
     *
     * @param line    the 1-based ndjson line that is wrong
     * @param message what is wrong there
     */
    public MalformedTraceException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /**
     * The 1-based line number.
     *
     * @return the ndjson line that is wrong
     */
    public int line() {
        return line;
    }
}
