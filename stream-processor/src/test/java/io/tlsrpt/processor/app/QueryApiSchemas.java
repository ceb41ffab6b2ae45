package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schemas of the processor's OpenAPI description ({@link QueryApiDescription}), each as a JSON Schema 2020-12
 * document of its own, so that tests hold the endpoints' real answers to what the description promises.
 */
final class QueryApiSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private QueryApiSchemas() {
    }

    /** The description, parsed. */
    static JsonNode description() {
        try {
            return JSON.readTree(QueryApiDescription.text());
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code components/schemas/name} with the components it refers to. */
    static Schema schema(String name) {
        return SCHEMAS.computeIfAbsent(name, n -> {
            JsonNode components = description().get("components");
            assertThat(components.at("/schemas/" + n).isObject()).as("schema %s described", n).isTrue();
            ObjectNode root = JSON.createObjectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", "#/components/schemas/" + n);
            root.set("components", components);
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root);
        });
    }

    /** Asserts that {@code answer} is what {@code components/schemas/name} describes. */
    static void assertConforms(String name, JsonNode answer) {
        assertThat(schema(name).validate(answer)).as("%s: %s", name, answer).isEmpty();
    }

    /** The schema of the answer with {@code status}: the error's for anything but a 200. */
    static void assertConforms(int status, String okSchema, JsonNode answer) {
        assertConforms(status == 200 ? okSchema : "Error", answer);
    }
}
