package org.blockgraph.checker.tlc;

import java.nio.file.Path;
import java.util.List;

/**
 * A finished TLC subprocess.
 *
 * @param command    the command line that ran
 * @param exitCode   its exit code
 * @param seconds    wall time
 * @param output     the parsed output
 * @param outputFile where the full output is kept
 * @param stopped    the run was destroyed at its time limit (its exit code then means nothing)
 */
public record TlcRun(List<String> command, int exitCode, double seconds, TlcOutput output, Path outputFile,
                     boolean stopped) {

    /**
     * Copies the command line, so the run is immutable.
     *
     * @param command the command line that ran
     * @param exitCode its exit code
     * @param seconds wall time
     * @param output the parsed output
     * @param outputFile where the full output is kept
     * @param stopped the run was destroyed at its time limit (its exit code then means nothing)
     */
    public TlcRun {
        command = List.copyOf(command);
    }

    /**
     * A run that ended by itself.
     *
     * @param command the command line that ran
     * @param exitCode the process's exit code
     * @param seconds wall time
     * @param output the parsed output
     * @param outputFile where the full output is kept
     */
    public TlcRun(List<String> command, int exitCode, double seconds, TlcOutput output, Path outputFile) {
        this(command, exitCode, seconds, output, outputFile, false);
    }
}
