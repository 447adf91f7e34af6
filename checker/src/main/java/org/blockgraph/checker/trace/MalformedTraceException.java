package org.blockgraph.checker.trace;

/** An ndjson trace that cannot be read as a trace: the line (1-based) and what is wrong there. */
public final class MalformedTraceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public MalformedTraceException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }
}
