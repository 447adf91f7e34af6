package org.blockgraph.lincheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jetbrains.kotlinx.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.function.Executable;

/**
 * How a broken twin's test asserts that Lincheck caught the planted bug: the check must fail with a
 * {@link LincheckAssertionError} whose report is "Invalid execution results" (no sequential order explains the
 * results) or a failed {@code @Validate} invariant. A hang report, an exception thrown by the test's own code or a
 * Lincheck internal error does not count: that would be a twin "caught" for the wrong reason.
 */
final class Twins {
    private Twins() {
    }

    /** Runs {@code check}, asserts it failed as described above, and keeps the report for docs/lincheck.md. */
    static LincheckAssertionError assertCaught(String suite, Executable check) {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, check);
        Reports.record(suite, e);
        String report = String.valueOf(e.getMessage());
        assertTrue(report.contains("= Invalid execution results =") || report.contains("= Validation function"),
                () -> suite + " twin failed for another reason than wrong results:\n" + report);
        return e;
    }
}
