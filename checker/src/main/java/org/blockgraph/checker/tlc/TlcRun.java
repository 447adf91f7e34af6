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
 */
public record TlcRun(List<String> command, int exitCode, double seconds, TlcOutput output, Path outputFile) {

    public TlcRun {
        command = List.copyOf(command);
    }
}
