package org.blockgraph.checker.check;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.Outcome;
import org.blockgraph.checker.tlc.TlcOutput;

/**
 * One model checked against its manifest entry.
 *
 * @param entry          the manifest entry
 * @param outcome        what TLC's run ended with
 * @param distinctStates distinct states TLC reported (exhaustive runs)
 * @param totalStates    states generated (or checked, in simulation)
 * @param depth          state-graph depth, or the counterexample's length when TLC found a violation
 * @param seconds        wall time of the TLC subprocess
 * @param workers        the worker count TLC ran with
 * @param output         the parsed TLC output
 * @param outputFile     where TLC's full output is kept
 * @param mismatches     why the run does not match the entry, one line each; empty for a match
 */
public record ModelResult(ModelEntry entry, Outcome outcome, OptionalLong distinctStates, OptionalLong totalStates,
                          OptionalInt depth, double seconds, int workers, TlcOutput output, Path outputFile,
                          List<String> mismatches) {

    /**
     * Copies the mismatch list, so the result is immutable.
     *
     * @param entry the manifest entry
     * @param outcome what TLC's run ended with
     * @param distinctStates distinct states TLC reported (exhaustive runs)
     * @param totalStates states generated (or checked, in simulation)
     * @param depth state-graph depth, or the counterexample's length when TLC found a violation
     * @param seconds wall time of the TLC subprocess
     * @param workers the worker count TLC ran with
     * @param output the parsed TLC output
     * @param outputFile where TLC's full output is kept
     * @param mismatches why the run does not match the entry, one line each; empty for a match
     */
    public ModelResult {
        mismatches = List.copyOf(mismatches);
    }

    /**
     * Whether TLC reproduced the entry: same result and, for exhaustive models, the same counts.
     *
     * @return true if there are no mismatches
     */
    public boolean matches() {
        return mismatches.isEmpty();
    }
}
