package org.blockgraph.checker.tlc;

/** TLC 2.18's process exit codes (tlc2.output.EC.ExitStatus), with what each means for a model. */
public enum TlcExitCode {
    /** No error found. */
    SUCCESS(0, "ok"),
    /** An ASSUME of the spec does not hold. */
    ASSUMPTION(10, "assumption violated"),
    /** A reachable state has no successor (deadlock checking on). */
    DEADLOCK(11, "deadlock"),
    /** An invariant or action property is violated. */
    SAFETY(12, "safety violation"),
    /** A temporal property is violated. */
    LIVENESS(13, "liveness violation"),
    /** An {@code Assert} evaluated to FALSE. */
    ASSERT(14, "assertion failed"),
    /** SANY could not parse or resolve the spec. */
    SPEC_PARSE(150, "parse or semantic error"),
    /** The cfg names something the spec does not define. */
    CONFIG_PARSE(151, "cfg error"),
    /** The state space exceeds TLC's limits. */
    STATESPACE_TOO_LARGE(152, "state space too large"),
    /** TLC failed for a system reason (disk, memory). */
    SYSTEM(153, "system error"),
    /** An error TLC does not classify further; with a bad cfg (unknown keyword) this is what it returns. */
    ERROR(255, "error (bad cfg or other)"),
    /** TLC crashed (uncaught exception, killed JVM). */
    CRASH(1, "crash"),
    /** Any other code. */
    UNKNOWN(-1, "unknown exit code");

    private final int code;
    private final String meaning;

    TlcExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /**
     * The numeric exit code ({@code -1} for {@link #UNKNOWN}).
     *
     * @return the exit code
     */
    public int code() {
        return code;
    }

    /**
     * A short phrase for messages.
     *
     * @return the phrase
     */
    public String meaning() {
        return meaning;
    }

    /**
     * The constant for a process exit code; {@link #UNKNOWN} when TLC does not define it.
     *
     * @param code a process exit code
     * @return its constant
     */
    public static TlcExitCode of(int code) {
        for (TlcExitCode c : values()) {
            if (c.code == code && c != UNKNOWN) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
