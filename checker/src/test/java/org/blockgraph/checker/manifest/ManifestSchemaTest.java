package org.blockgraph.checker.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.blockgraph.checker.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Keeps spec/manifest.schema.json (the published contract) and {@link ManifestLoader} (which enforces it) in step:
 * the same fields, the same required fields, the same enumerations and patterns.
 */
class ManifestSchemaTest {

    private static JsonNode model() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Fixtures.repoRoot().resolve("spec/manifest.schema.json")
                .toFile());
        return schema.path("$defs").path("model");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void fieldsAndRequiredFieldsAgree() throws Exception {
        JsonNode model = model();
        List<String> fields = new ArrayList<>();
        model.path("properties").fieldNames().forEachRemaining(fields::add);
        assertEquals(ManifestLoader.ENTRY_FIELDS, fields);
        assertEquals(ManifestLoader.REQUIRED_FIELDS, texts(model.path("required")));
        assertEquals(List.of("distinctStates", "totalStates"), texts(model.path("else").path("required")));
        assertEquals(List.of("simulate"), texts(model.path("then").path("required")));
    }

    @Test
    void enumerationsAndPatternsAgree() throws Exception {
        JsonNode p = model().path("properties");
        assertEquals(ManifestLoader.FAMILIES, texts(p.path("family").path("enum")));
        assertEquals(List.of(Mode.EXHAUSTIVE.json(), Mode.SIMULATE.json()), texts(p.path("mode").path("enum")));
        assertEquals(List.of(ModelClass.CI.json(), ModelClass.DEEP.json()), texts(p.path("class").path("enum")));
        assertEquals(ManifestLoader.RESERVED_TLC_ARGS,
                texts(p.path("tlcArgs").path("items").path("not").path("enum")));
        assertEquals(ManifestLoader.NAME.pattern(), p.path("name").path("pattern").asText());
        assertEquals(ManifestLoader.EXPECTED.pattern(), p.path("expected").path("pattern").asText());
        assertEquals(ManifestLoader.MODULE.pattern(), p.path("module").path("pattern").asText());
        assertEquals(ManifestLoader.CFG.pattern(), p.path("cfg").path("pattern").asText());
    }
}
