package org.blockgraph.checker.distributed;

import org.blockgraph.checker.tlc.Outcome;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.TlcOutput;
import org.blockgraph.checker.tlc.TlcRun;

/**
 * Classifies a distributed TLC server run. The server of TLC 2.18 exits 0 whatever happened, so unlike
 * {@code Outcomes} this reads the output only: a finished search prints the state-graph depth; a violation prints
 * "The behavior up to this point is" and a trace but neither the invariant's name nor whether it was a deadlock
 * (the worker's message is dropped), and that trace can start mid-behaviour. Negative models therefore never run
 * distributed; a violation here is always a failure of a model expected to pass.
 */
public final class DistributedOutcomes {

    private DistributedOutcomes() {
    }

    /**
     * The outcome of a server run; {@code why} explains a run that was stopped by the tool (may be null).
     *
     * @param run the finished server run
     * @param why why the tool stopped it, or null
     * @return the outcome, in the same terms as a local run's
     */
    public static Outcome classify(TlcRun run, String why) {
        TlcOutput out = run.output();
        boolean cfgProblem = out.errorMessages().stream().anyMatch(m -> m.contains("configuration file"));
        if (cfgProblem) {
            return new Outcome(OutcomeKind.CONFIG_ERROR, null, out.errorMessages().stream()
                    .filter(m -> m.contains("configuration file")).findFirst().orElseThrow());
        }
        if (!out.specErrors().isEmpty()) {
            return new Outcome(OutcomeKind.PARSE_ERROR, null, out.specErrors().get(0).toString());
        }
        if (!out.trace().isEmpty()) {
            return new Outcome(OutcomeKind.ERROR, null, "distributed TLC found a violation (it does not say which"
                    + " invariant, or whether it is a deadlock; rerun without --distributed for the name and a"
                    + " trace from an initial state)");
        }
        if (run.stopped() || why != null) {
            return new Outcome(OutcomeKind.ERROR, null, why != null ? why : "the server was stopped");
        }
        if (out.depth().isPresent() && out.distinctStates().isPresent()) {
            return new Outcome(OutcomeKind.OK, null, null);
        }
        String first = out.errorMessages().isEmpty() ? "the server ended without a result (exit " + run.exitCode()
                + "); see its output" : out.errorMessages().get(0);
        return new Outcome(OutcomeKind.ERROR, null, first);
    }
}
