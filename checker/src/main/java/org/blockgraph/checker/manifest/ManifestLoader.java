package org.blockgraph.checker.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code manifest.json} and validates it against the rules of {@code spec/manifest.schema.json}, reporting
 * every broken field with its JSON path ({@code models[2].mode: ...}). The schema file is the published contract;
 * this class enforces the same rules (a test keeps the two in step) plus the cross-field rules a JSON Schema
 * states awkwardly (the module lies in its family's folder, names are unique).
 */
public final class ManifestLoader {

    /** Every field an entry may have, in the order the schema lists them. */
    public static final List<String> ENTRY_FIELDS = List.of("name", "family", "module", "cfg", "mode", "class",
            "expected", "distinctStates", "totalStates", "depth", "simulate", "tlcArgs", "seconds", "description");
    /** The fields every entry must have. */
    public static final List<String> REQUIRED_FIELDS = List.of("name", "family", "module", "cfg", "mode", "class",
            "expected", "description");
    /** The spec families, one folder each under {@code spec/}. */
    public static final List<String> FAMILIES = List.of("drain", "chain");
    /** TLC arguments the checker sets itself and an entry may therefore not pass in {@code tlcArgs}. */
    public static final List<String> RESERVED_TLC_ARGS = List.of("-workers", "-metadir", "-config", "-simulate",
            "-depth");
    /**
     * Set by the checker for simulate models (from {@code simulate.seed}). An exhaustive model may pass it: there it
     * fixes the order of TLC's liveness search, which makes a liveness counterexample's length reproducible.
     */
    static final String SEED_ARG = "-seed";

    static final Pattern NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_-]*$");
    static final Pattern EXPECTED = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    static final Pattern MODULE = Pattern.compile("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/MC[A-Za-z0-9_]*\\.tla$");
    static final Pattern CFG = Pattern.compile("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/[A-Za-z0-9_]+\\.cfg$");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ManifestLoader() {
    }

    /**
     * Loads {@code specDir/manifest.json}.
     *
     * @param specDir the spec folder
     * @return the manifest
     * @throws ManifestException if the file is missing, unreadable, not JSON or breaks the schema
     */
    public static Manifest load(Path specDir) throws ManifestException {
        Path file = specDir.resolve(Manifest.FILE_NAME);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ManifestException("no manifest at " + file, List.of());
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e.getMessage(), List.of());
        }
        return parse(specDir.toAbsolutePath().normalize(), file, text);
    }

    /**
     * Parses manifest text; {@code file} is only used in messages.
     *
     * @param specDir the spec folder, against which the entries' paths are resolved
     * @param file the manifest file
     * @param text the manifest's content
     * @return the manifest
     * @throws ManifestException if the text is not JSON or breaks the schema
     */
    public static Manifest parse(Path specDir, Path file, String text) throws ManifestException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new ManifestException(file + where + ": not valid JSON: " + e.getOriginalMessage(), List.of());
        }
        List<String> problems = new ArrayList<>();
        List<ModelEntry> models = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new ManifestException(file + " breaks the schema", List.of("(root): must be an object"));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("$schema") && !field.equals("models")) {
                problems.add(field + ": unknown field (allowed: $schema, models)");
            }
        }
        JsonNode schema = root.get("$schema");
        if (schema != null && !schema.isTextual()) {
            problems.add("$schema: must be a string");
        }
        JsonNode list = root.get("models");
        if (list == null) {
            problems.add("models: required field is missing");
        } else if (!list.isArray()) {
            problems.add("models: must be an array");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "models[" + i + "]";
                JsonNode node = list.get(i);
                if (!node.isObject()) {
                    problems.add(path + ": must be an object");
                    continue;
                }
                String label = node.path("name").isTextual() ? path + " (" + node.get("name").asText() + ")" : path;
                ModelEntry entry = entry(node, label, problems);
                if (entry != null) {
                    if (!names.add(entry.name())) {
                        problems.add(label + ".name: duplicate name \"" + entry.name() + "\"");
                    }
                    models.add(entry);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(file + " breaks the schema", problems);
        }
        return new Manifest(specDir, models);
    }

    private static ModelEntry entry(JsonNode node, String at, List<String> problems) {
        int before = problems.size();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!ENTRY_FIELDS.contains(field)) {
                problems.add(at + "." + field + ": unknown field (allowed: " + String.join(", ", ENTRY_FIELDS) + ")");
            }
        }
        for (String field : REQUIRED_FIELDS) {
            if (!node.has(field)) {
                problems.add(at + "." + field + ": required field is missing");
            }
        }
        String name = text(node, at, "name", NAME, "a name of letters, digits, '_' and '-' starting with a letter",
                problems);
        String family = enumText(node, at, "family", FAMILIES, problems);
        String module = text(node, at, "module", MODULE,
                "a relative path to an MC*.tla module, e.g. drain/MCDrain.tla", problems);
        String cfg = text(node, at, "cfg", CFG, "a relative path to a .cfg file, e.g. drain/MCDrainMain.cfg",
                problems);
        String modeText = enumText(node, at, "mode", List.of("exhaustive", "simulate"), problems);
        String classText = enumText(node, at, "class", List.of("ci", "deep"), problems);
        String expected = text(node, at, "expected", EXPECTED,
                "\"ok\", \"Deadlock\", or the name of an invariant or property", problems);
        String description = text(node, at, "description", null, "a non-empty string", problems);
        OptionalLong distinct = count(node, at, "distinctStates", 1, problems);
        OptionalLong total = count(node, at, "totalStates", 1, problems);
        OptionalLong depthValue = count(node, at, "depth", 0, problems);
        OptionalInt depth = depthValue.isPresent() ? OptionalInt.of((int) Math.min(Integer.MAX_VALUE,
                depthValue.getAsLong())) : OptionalInt.empty();
        Optional<SimulateSettings> simulate = simulate(node, at, problems);
        List<String> tlcArgs = tlcArgs(node, at, problems);
        Optional<Double> seconds = Optional.empty();
        if (node.has("seconds")) {
            JsonNode s = node.get("seconds");
            if (!s.isNumber() || s.asDouble() < 0) {
                problems.add(at + ".seconds: must be a number >= 0");
            } else {
                seconds = Optional.of(s.asDouble());
            }
        }
        if (family != null && module != null && !module.startsWith(family + "/")) {
            problems.add(at + ".module: must lie in the family's folder \"" + family + "/\", was \"" + module + "\"");
        }
        if (family != null && cfg != null && !cfg.startsWith(family + "/")) {
            problems.add(at + ".cfg: must lie in the family's folder \"" + family + "/\", was \"" + cfg + "\"");
        }
        if (ModelEntry.DEADLOCK.equals(expected) && tlcArgs.contains("-deadlock")) {
            problems.add(at + ".tlcArgs: contains -deadlock, which turns deadlock checking off, but the model is"
                    + " expected to deadlock");
        }
        Mode mode = modeText == null ? null : modeText.equals("simulate") ? Mode.SIMULATE : Mode.EXHAUSTIVE;
        if (mode == Mode.EXHAUSTIVE) {
            for (String f : List.of("distinctStates", "totalStates")) {
                if (!node.has(f)) {
                    problems.add(at + "." + f + ": required for an exhaustive model (copy it from TLC's output)");
                }
            }
            if (node.has("simulate")) {
                problems.add(at + ".simulate: only allowed with \"mode\": \"simulate\"");
            }
        } else if (mode == Mode.SIMULATE) {
            if (tlcArgs.contains(SEED_ARG)) {
                problems.add(at + ".tlcArgs: -seed is set by the checker itself for a simulate model"
                        + " (use simulate.seed)");
            }
            if (!node.has("simulate")) {
                problems.add(at + ".simulate: required for a simulate model ({\"num\": N, \"depth\": D, \"seed\": S})");
            }
            for (String f : List.of("distinctStates", "totalStates", "depth")) {
                if (node.has(f)) {
                    problems.add(at + "." + f + ": not allowed for a simulate model (simulation counts are not"
                            + " compared)");
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        ModelClass modelClass = classText.equals("deep") ? ModelClass.DEEP : ModelClass.CI;
        return new ModelEntry(name, family, module, cfg, mode, modelClass, expected, distinct, total, depth,
                simulate, tlcArgs, seconds, description);
    }

    private static String text(JsonNode node, String at, String field, Pattern pattern, String what,
                               List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank() || (pattern != null && !pattern.matcher(v.asText()).matches())) {
            problems.add(at + "." + field + ": must be " + what + ", was " + v);
            return null;
        }
        return v.asText();
    }

    private static String enumText(JsonNode node, String at, String field, List<String> allowed,
                                   List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            problems.add(at + "." + field + ": must be one of " + String.join(", ", allowed) + ", was " + v);
            return null;
        }
        return v.asText();
    }

    private static OptionalLong count(JsonNode node, String at, String field, long min, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
            problems.add(at + "." + field + ": must be an integer >= " + min + ", was " + v);
            return OptionalLong.empty();
        }
        return OptionalLong.of(v.asLong());
    }

    private static Optional<SimulateSettings> simulate(JsonNode node, String at, List<String> problems) {
        JsonNode v = node.get("simulate");
        if (v == null) {
            return Optional.empty();
        }
        String path = at + ".simulate";
        if (!v.isObject()) {
            problems.add(path + ": must be an object {\"num\": N, \"depth\": D, \"seed\": S}");
            return Optional.empty();
        }
        int before = problems.size();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            String f = it.next().getKey();
            if (!List.of("num", "depth", "seed").contains(f)) {
                problems.add(path + "." + f + ": unknown field (allowed: num, depth, seed)");
            }
        }
        for (String f : List.of("num", "depth", "seed")) {
            if (!v.has(f)) {
                problems.add(path + "." + f + ": required field is missing");
            }
        }
        OptionalLong num = count(v, path, "num", 1, problems);
        OptionalLong depth = count(v, path, "depth", 1, problems);
        JsonNode seed = v.get("seed");
        if (seed != null && (!seed.isIntegralNumber() || !seed.canConvertToLong())) {
            problems.add(path + ".seed: must be an integer, was " + seed);
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new SimulateSettings(num.getAsLong(),
                (int) Math.min(Integer.MAX_VALUE, depth.getAsLong()), seed.asLong()));
    }

    private static List<String> tlcArgs(JsonNode node, String at, List<String> problems) {
        JsonNode v = node.get("tlcArgs");
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add(at + ".tlcArgs: must be an array of strings");
            return List.of();
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode a = v.get(i);
            if (!a.isTextual()) {
                problems.add(at + ".tlcArgs[" + i + "]: must be a string, was " + a);
            } else if (RESERVED_TLC_ARGS.contains(a.asText())) {
                problems.add(at + ".tlcArgs[" + i + "]: " + a.asText() + " is set by the checker itself"
                        + " (use mode/simulate or --workers)");
            } else {
                args.add(a.asText());
            }
        }
        return args;
    }
}
