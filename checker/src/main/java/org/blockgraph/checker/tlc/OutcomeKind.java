package org.blockgraph.checker.tlc;

/** The kind of result a TLC run ended with. */
public enum OutcomeKind {
    /** No error: matches {@code "expected": "ok"}. */
    OK,
    /** Deadlock: matches {@code "expected": "Deadlock"}. */
    DEADLOCK,
    /** A named invariant was violated. */
    INVARIANT,
    /** A named property (temporal or action property) was violated. */
    PROPERTY,
    /** A temporal property was violated but TLC does not say which and the cfg lists several. */
    TEMPORAL_UNNAMED,
    /** An {@code Assert} failed. */
    ASSERTION,
    /** An ASSUME failed. */
    ASSUMPTION,
    /** SANY rejected the spec. */
    PARSE_ERROR,
    /** TLC rejected the cfg. */
    CONFIG_ERROR,
    /** TLC crashed or ended with an exit code the checker does not know. */
    ERROR
}
