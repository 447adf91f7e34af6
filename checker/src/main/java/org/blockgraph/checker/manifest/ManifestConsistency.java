package org.blockgraph.checker.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks that the manifest and the spec folder agree, in the spirit of tlaplus/Examples: every entry's module
 * and cfg exist; every {@code .cfg} on disk has exactly one entry; every {@code MC*.tla} module is run by some
 * entry. TLC's own droppings ({@code *_TTrace_*}, {@code states/}) and hidden folders are ignored.
 */
public final class ManifestConsistency {

    private ManifestConsistency() {
    }

    /** Every disagreement between the manifest and the disk, one line each; empty when they agree. */
    public static List<String> problems(Manifest manifest) {
        Path dir = manifest.specDir();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> entriesByCfg = new TreeMap<>();
        TreeSet<String> usedModules = new TreeSet<>();
        for (ModelEntry e : manifest.models()) {
            if (!Files.isRegularFile(manifest.resolve(e.module()))) {
                problems.add("missing file: " + e.module() + " (module of entry " + e.name() + ")");
            }
            if (!Files.isRegularFile(manifest.resolve(e.cfg()))) {
                problems.add("missing file: " + e.cfg() + " (cfg of entry " + e.name() + ")");
            }
            entriesByCfg.computeIfAbsent(e.cfg(), k -> new ArrayList<>()).add(e.name());
            usedModules.add(e.module());
        }
        entriesByCfg.forEach((cfg, names) -> {
            if (names.size() > 1) {
                problems.add("cfg " + cfg + " has " + names.size() + " entries (" + String.join(", ", names)
                        + "); each cfg must have exactly one");
            }
        });
        for (String file : filesOnDisk(dir)) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            if (file.endsWith(".cfg") && !entriesByCfg.containsKey(file)) {
                problems.add("orphan file: " + file + " has no manifest entry");
            } else if (file.endsWith(".tla") && base.startsWith("MC") && !usedModules.contains(file)) {
                problems.add("orphan file: " + file + " (an MC module) is not the module of any manifest entry");
            }
        }
        return problems;
    }

    /** The .tla and .cfg files under the spec folder, relative, with '/' separators, sorted. */
    static List<String> filesOnDisk(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p))
                    .filter(ManifestConsistency::relevant)
                    .map(p -> p.toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean relevant(Path rel) {
        for (Path part : rel) {
            String s = part.toString();
            if (s.startsWith(".") || s.equals("states") || s.equals("target")) {
                return false;
            }
        }
        String name = rel.getFileName().toString();
        return (name.endsWith(".tla") || name.endsWith(".cfg")) && !name.contains("_TTrace_");
    }
}
