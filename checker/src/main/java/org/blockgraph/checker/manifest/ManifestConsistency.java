package org.blockgraph.checker.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.blockgraph.checker.tlc.CfgFile;

/**
 * Checks that the manifest and the spec folder agree, in the spirit of tlaplus/Examples: every entry's module
 * and cfg exist; every {@code .cfg} on disk has exactly one entry; every {@code MC*.tla} module is run by some
 * entry; a negative model's cfg checks the invariant or property it is expected to violate. TLC's own
 * droppings ({@code *_TTrace_*}, {@code states/}) and hidden folders are ignored.
 */
public final class ManifestConsistency {

    private ManifestConsistency() {
    }

    /**
     * Every disagreement between the manifest and the disk, one line each; empty when they agree.
     *
     * @param manifest the loaded manifest
     * @return the problems, one line each
     */
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
            expectedNameProblem(manifest, e).ifPresent(problems::add);
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

    /**
     * Advice that does not stop a check: a negative exhaustive model whose cfg leaves out invariants that the
     * family's passing models of the same MC module check (an invariant defined in another MC module, such as
     * MC030's OutcomeInv, cannot be listed). The manifest rule is that a negative cfg lists all of them, so that "fails with
     * exactly the named invariant" means the others held up to that point; a model with a reason not to says so
     * in its description, which is why this is a note and not an error.
     *
     * @param manifest the loaded manifest
     * @return the notes, one line each
     */
    public static List<String> notes(Manifest manifest) {
        Map<String, TreeSet<String>> familyInvariants = new TreeMap<>();
        for (ModelEntry e : manifest.models()) {
            if (!e.isNegative()) {
                readCfg(manifest, e).ifPresent(cfg -> familyInvariants
                        .computeIfAbsent(e.module(), k -> new TreeSet<>()).addAll(cfg.invariants()));
            }
        }
        List<String> notes = new ArrayList<>();
        for (ModelEntry e : manifest.models()) {
            if (!e.isNegative() || e.mode() != Mode.EXHAUSTIVE) {
                continue;
            }
            Optional<CfgFile> cfg = readCfg(manifest, e);
            if (cfg.isEmpty()) {
                continue;
            }
            TreeSet<String> missing = new TreeSet<>(familyInvariants.getOrDefault(e.module(), new TreeSet<>()));
            missing.removeAll(cfg.get().invariants());
            if (!missing.isEmpty()) {
                notes.add("negative model " + e.name() + " does not check " + String.join(", ", missing) + ", which"
                        + " the " + e.family() + " models expected to pass check; list them in " + e.cfg()
                        + " or say why not in the description");
            }
        }
        return notes;
    }

    private static Optional<CfgFile> readCfg(Manifest manifest, ModelEntry e) {
        try {
            Path p = manifest.resolve(e.cfg());
            return Files.isRegularFile(p) ? Optional.of(CfgFile.read(p)) : Optional.empty();
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    /**
     * A negative model can only match if its cfg checks the invariant or property it is expected to violate; a
     * typo there would otherwise surface only as a confusing mismatch after the model ran.
     */
    private static Optional<String> expectedNameProblem(Manifest manifest, ModelEntry e) {
        Path cfgPath = manifest.resolve(e.cfg());
        if (!e.isNegative() || ModelEntry.DEADLOCK.equals(e.expected()) || !Files.isRegularFile(cfgPath)) {
            return Optional.empty();
        }
        CfgFile cfg;
        try {
            cfg = CfgFile.read(cfgPath);
        } catch (IOException ex) {
            return Optional.of("cannot read " + e.cfg() + " (cfg of entry " + e.name() + "): " + ex.getMessage());
        }
        if (cfg.invariants().contains(e.expected()) || cfg.properties().contains(e.expected())) {
            return Optional.empty();
        }
        return Optional.of("entry " + e.name() + " expects " + e.expected() + " to be violated, but " + e.cfg()
                + " checks no INVARIANT or PROPERTY of that name (it checks: "
                + String.join(", ", concat(cfg.invariants(), cfg.properties())) + ")");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
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
