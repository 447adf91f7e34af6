package org.blockgraph.checker.tlc;

import java.util.Objects;

/**
 * What a TLC run ended with, in manifest terms: {@link #label()} is what the manifest's {@code expected} field
 * must equal for a match ({@code ok}, {@code Deadlock}, or the invariant/property name).
 *
 * @param kind   the kind of result
 * @param name   the violated invariant or property for {@link OutcomeKind#INVARIANT}/{@link OutcomeKind#PROPERTY},
 *               else {@code null}
 * @param detail a one-line explanation (assertion message, crash reason), or {@code null}
 */
public record Outcome(OutcomeKind kind, String name, String detail) {

    /**
     * Requires a kind.
     *
     * @param kind the kind of result
     * @param name the violated invariant or property for {@link OutcomeKind#INVARIANT}/{@link OutcomeKind#PROPERTY}, else {@code null}
     * @param detail a one-line explanation (assertion message, crash reason), or {@code null}
     */
    public Outcome {
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * The short result shown in the table and compared with the manifest's {@code expected}.
     *
     * @return {@code ok}, the violated invariant or property, {@code Deadlock}, or the kind of error
     */
    public String label() {
        return switch (kind) {
            case OK -> "ok";
            case DEADLOCK -> "Deadlock";
            case INVARIANT, PROPERTY -> name == null ? kind.name().toLowerCase() + " (unnamed)" : name;
            case TEMPORAL_UNNAMED -> "temporal properties";
            case ASSERTION -> "assert failed";
            case ASSUMPTION -> "assumption failed";
            case PARSE_ERROR -> "parse error";
            case CONFIG_ERROR -> "cfg error";
            case ERROR -> "error";
        };
    }

    /**
     * Whether this outcome is what a manifest entry with this {@code expected} value asks for.
     *
     * @param expected a manifest {@code expected} value
     * @return true if this outcome satisfies it
     */
    public boolean satisfies(String expected) {
        return switch (kind) {
            case OK -> "ok".equals(expected);
            case DEADLOCK -> "Deadlock".equals(expected);
            case INVARIANT, PROPERTY -> name != null && name.equals(expected);
            default -> false;
        };
    }

    /**
     * Whether TLC found a violation that comes with a counterexample.
     *
     * @return true for an invariant, property, deadlock or assertion violation
     */
    public boolean isViolation() {
        return switch (kind) {
            case DEADLOCK, INVARIANT, PROPERTY, TEMPORAL_UNNAMED, ASSERTION -> true;
            default -> false;
        };
    }
}
