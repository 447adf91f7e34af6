package org.blockgraph.checker.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.blockgraph.checker.check.ModelResult;

/**
 * One model's line of the summary: the row of the table, one object of {@code --json} and {@code results.json}.
 *
 * @param model          the manifest name
 * @param mode           exhaustive or simulate
 * @param expected       the manifest's expected result
 * @param result         what TLC gave, in the same terms
 * @param distinctStates distinct states, or {@code null} if TLC reported none
 * @param totalStates    states generated, or {@code null}
 * @param depth          state-graph depth or counterexample length, or {@code null}
 * @param seconds        wall time, rounded to 0.1 s
 * @param match          whether the run matched the entry
 * @param mismatches     the reasons when it did not
 * @param output         the file with TLC's full output
 */
@JsonPropertyOrder({"model", "mode", "expected", "result", "distinctStates", "totalStates", "depth", "seconds",
        "match", "mismatches", "output"})
public record SummaryRow(String model, String mode, String expected, String result, Long distinctStates,
                         Long totalStates, Integer depth, double seconds, boolean match, List<String> mismatches,
                         String output) {

    /**
     * The row of one result.
     *
     * @param r a judged result
     * @return its row
     */
    public static SummaryRow of(ModelResult r) {
        return new SummaryRow(r.entry().name(), r.entry().mode().json(), r.entry().expected(),
                r.outcome().label(),
                r.distinctStates().isPresent() ? r.distinctStates().getAsLong() : null,
                r.totalStates().isPresent() ? r.totalStates().getAsLong() : null,
                r.depth().isPresent() ? r.depth().getAsInt() : null,
                Math.round(r.seconds() * 10) / 10.0, r.matches(), r.mismatches(), r.outputFile().toString());
    }
}
