package org.blockgraph.checker.tlc;

import java.util.List;

/**
 * Maps a TLC exit code plus the parsed output (and the cfg, for liveness) to an {@link Outcome}. The exit code
 * decides the kind; the output supplies the name. TLC does not name the temporal property a liveness
 * counterexample violates, so it is taken from the cfg, which must then list exactly one PROPERTY.
 */
public final class Outcomes {

    private Outcomes() {
    }

    /**
     * Classifies a finished run. {@code cfg} may be {@code null} when the cfg could not be read.
     *
     * @param exitCode TLC's exit code
     * @param out TLC's parsed output
     * @param cfg the run's cfg, or {@code null}
     * @return how the run ended
     */
    public static Outcome classify(int exitCode, TlcOutput out, CfgFile cfg) {
        TlcExitCode code = TlcExitCode.of(exitCode);
        return switch (code) {
            case SUCCESS -> new Outcome(OutcomeKind.OK, null, null);
            case DEADLOCK -> new Outcome(OutcomeKind.DEADLOCK, null, null);
            case SAFETY -> {
                if (out.violatedInvariant() != null) {
                    yield new Outcome(OutcomeKind.INVARIANT, out.violatedInvariant(), null);
                }
                if (out.violatedProperty() != null) {
                    yield new Outcome(OutcomeKind.PROPERTY, out.violatedProperty(), null);
                }
                yield new Outcome(OutcomeKind.INVARIANT, null, "exit 12 but TLC's output names no invariant");
            }
            case LIVENESS -> liveness(out, cfg);
            case ASSERT -> new Outcome(OutcomeKind.ASSERTION, null, out.assertionMessage());
            case ASSUMPTION -> new Outcome(OutcomeKind.ASSUMPTION, null, first(out.errorMessages()));
            case SPEC_PARSE -> new Outcome(OutcomeKind.PARSE_ERROR, null,
                    out.specErrors().isEmpty() ? first(out.errorMessages()) : out.specErrors().get(0).toString());
            case CONFIG_PARSE -> new Outcome(OutcomeKind.CONFIG_ERROR, null, first(out.errorMessages()));
            case ERROR -> {
                boolean cfgProblem = out.errorMessages().stream().anyMatch(m -> m.contains("configuration file"));
                yield new Outcome(cfgProblem ? OutcomeKind.CONFIG_ERROR : OutcomeKind.ERROR, null,
                        "exit 255: " + first(out.errorMessages()));
            }
            default -> new Outcome(OutcomeKind.ERROR, null, "exit " + exitCode + " (" + code.meaning() + "): "
                    + first(out.errorMessages()));
        };
    }

    private static Outcome liveness(TlcOutput out, CfgFile cfg) {
        if (out.violatedProperty() != null) {
            return new Outcome(OutcomeKind.PROPERTY, out.violatedProperty(), null);
        }
        List<String> properties = cfg == null ? List.of() : cfg.properties();
        if (properties.size() == 1) {
            return new Outcome(OutcomeKind.PROPERTY, properties.get(0), null);
        }
        return new Outcome(OutcomeKind.TEMPORAL_UNNAMED, null, "TLC does not say which temporal property was"
                + " violated and the cfg lists " + properties.size() + " (" + String.join(", ", properties)
                + "); a negative liveness model's cfg must list exactly the one PROPERTY it violates");
    }

    private static String first(List<String> messages) {
        return messages.isEmpty() ? "(no error message; see the TLC output)" : messages.get(0);
    }
}
