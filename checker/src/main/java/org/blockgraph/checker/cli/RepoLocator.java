package org.blockgraph.checker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the blockgraph repository: the nearest folder at or above a start folder that holds
 * {@code spec/manifest.json}; failing that, the folder in the environment variable {@code BLOCKGRAPH_ROOT} (set by
 * the {@code ./blockgraph} launcher, so the tool works from any working directory).
 */
public final class RepoLocator {

    /** The environment variable the launcher sets to the repository root. */
    public static final String ROOT_ENV = "BLOCKGRAPH_ROOT";

    private RepoLocator() {
    }

    /**
     * The repository root at or above {@code start}, else the one {@code BLOCKGRAPH_ROOT} names, if valid.
     *
     * @param start the folder to search up from
     * @return the root (the folder holding {@code spec/manifest.json}), or empty
     */
    public static Optional<Path> findRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("spec").resolve("manifest.json"))) {
                return Optional.of(p);
            }
        }
        String env = System.getenv(ROOT_ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env).toAbsolutePath().normalize();
            if (Files.isRegularFile(p.resolve("spec").resolve("manifest.json"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
