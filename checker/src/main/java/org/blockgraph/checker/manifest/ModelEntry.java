package org.blockgraph.checker.manifest;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One TLC model of {@code spec/manifest.json}: one {@code .cfg} with the MC module it configures and the
 * result TLC must reproduce. Paths are relative to the spec folder.
 *
 * @param name           unique name, what {@code check --model} takes
 * @param family         the spec family, which is also the folder under {@code spec/} ({@code drain}, {@code chain})
 * @param module         the MC module TLC runs, e.g. {@code drain/MCDrain.tla}
 * @param cfg            its configuration, e.g. {@code drain/MCDrainMain.cfg}
 * @param mode           exhaustive search or simulation
 * @param modelClass     {@code ci} or {@code deep}
 * @param expected       {@code ok}, {@code Deadlock}, or the invariant or property a negative model violates
 * @param distinctStates exact distinct-state count (exhaustive models)
 * @param totalStates    exact generated-state count (exhaustive models)
 * @param depth          state-graph depth (ok models) or counterexample length (negative models), if recorded
 * @param simulate       simulation settings (simulate models only)
 * @param tlcArgs        extra TLC arguments, e.g. {@code -deadlock}
 * @param seconds        measured wall time (informational)
 * @param description    what the model checks
 */
public record ModelEntry(
        String name,
        String family,
        String module,
        String cfg,
        Mode mode,
        ModelClass modelClass,
        String expected,
        OptionalLong distinctStates,
        OptionalLong totalStates,
        OptionalInt depth,
        Optional<SimulateSettings> simulate,
        List<String> tlcArgs,
        Optional<Double> seconds,
        String description) {

    /** The expected result of a model that must pass. */
    public static final String OK = "ok";
    /** The expected result of a model that must reach a deadlock. */
    public static final String DEADLOCK = "Deadlock";

    /**
     * Copies the TLC arguments, so the entry is immutable.
     *
     * @param name unique name, what {@code check --model} takes
     * @param family the spec family, which is also the folder under {@code spec/} ({@code drain}, {@code chain})
     * @param module the MC module TLC runs, e.g. {@code drain/MCDrain.tla}
     * @param cfg its configuration, e.g. {@code drain/MCDrainMain.cfg}
     * @param mode exhaustive search or simulation
     * @param modelClass {@code ci} or {@code deep}
     * @param expected {@code ok}, {@code Deadlock}, or the invariant or property a negative model violates
     * @param distinctStates exact distinct-state count (exhaustive models)
     * @param totalStates exact generated-state count (exhaustive models)
     * @param depth state-graph depth (ok models) or counterexample length (negative models), if recorded
     * @param simulate simulation settings (simulate models only)
     * @param tlcArgs extra TLC arguments, e.g. {@code -deadlock}
     * @param seconds measured wall time (informational)
     * @param description what the model checks
     */
    public ModelEntry {
        tlcArgs = List.copyOf(tlcArgs);
    }

    /**
     * A negative model is one expected to fail: its counts are deterministic only with one worker.
     *
     * @return true unless the expected result is {@code ok}
     */
    public boolean isNegative() {
        return !OK.equals(expected);
    }
}
