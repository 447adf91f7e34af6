package org.blockgraph.checker.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model manifest of a spec folder ({@code spec/manifest.json}): every TLC model with its expected result.
 * Load it with {@link ManifestLoader}; check it against the disk with {@link ManifestConsistency}.
 *
 * @param specDir the spec folder; every path of an entry is relative to it
 * @param models  the entries in manifest order
 */
public record Manifest(Path specDir, List<ModelEntry> models) {

    /** The manifest's file name inside the spec folder. */
    public static final String FILE_NAME = "manifest.json";

    /**
     * Copies the model list, so the manifest is immutable.
     *
     * @param specDir the spec folder; every path of an entry is relative to it
     * @param models the entries in manifest order
     */
    public Manifest {
        models = List.copyOf(models);
    }

    /**
     * The entry with this name, if any.
     *
     * @param name a model name
     * @return the entry, or empty
     */
    public Optional<ModelEntry> find(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * The absolute path of a path that the manifest gives relative to the spec folder.
     *
     * @param relative a path relative to the spec folder
     * @return the absolute path
     */
    public Path resolve(String relative) {
        return specDir.resolve(relative).normalize();
    }
}
