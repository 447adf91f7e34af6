package org.blockgraph.lincheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the report of each broken twin's failure in {@code target/lincheck-twins/<suite>.txt}, so that the
 * interleaving Lincheck found can be read (and quoted in docs/lincheck.md) without digging in surefire output.
 */
final class Reports {
    private Reports() {
    }

    static void record(String suite, Throwable failure) {
        Path dir = Path.of("target", "lincheck-twins");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(suite + ".txt"), String.valueOf(failure.getMessage()),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
