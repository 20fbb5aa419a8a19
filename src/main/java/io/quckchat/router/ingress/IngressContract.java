package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ingress's OpenAPI document ({@code src/main/resources/openapi/ingress.yaml}), read once at
 * start-up. Request checks take their rules from it rather than from a second copy in code: the
 * topic, {@code Idempotency-Key} and {@code X-Event-Key} parameter schemas, the batch item schema
 * and the accepted media type. It is also what {@code /api/v1/openapi.yaml|json} serves.
 */
class IngressContract {

    static final String LOCATION = "/openapi/ingress.yaml";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_PATH)
            .formatAssertionsEnabled(true)
            .build();

    private final byte[] yaml;
    private final byte[] jsonDocument;
    private final JsonSchema topic;
    private final JsonSchema idempotencyKey;
    private final JsonSchema eventKey;
    private final JsonSchema batchItem;
    private final Set<String> mediaTypes;

    IngressContract(ObjectMapper json) {
        try (InputStream in = IngressContract.class.getResourceAsStream(LOCATION)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI document " + LOCATION + " is missing from the classpath");
            }
            yaml = in.readAllBytes();
            JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            jsonDocument = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
            JsonNode components = document.path("components");
            topic = schema(document, components.path("parameters").path("Topic").path("schema"));
            idempotencyKey = schema(
                    document,
                    components.path("parameters").path("IdempotencyKey").path("schema"));
            eventKey = schema(
                    document, components.path("parameters").path("EventKey").path("schema"));
            batchItem = schema(document, components.path("schemas").path("BatchItem"));
            JsonNode content = document.path("paths")
                    .path("/api/v1/events/{topic}")
                    .path("post")
                    .path("requestBody")
                    .path("content");
            Set<String> types = new HashSet<>();
            content.fieldNames().forEachRemaining(types::add);
            mediaTypes = Set.copyOf(types);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the OpenAPI document " + LOCATION, e);
        }
    }

    byte[] yaml() {
        return yaml;
    }

    byte[] json() {
        return jsonDocument;
    }

    /** Whether a Content-Type is one the document accepts (charset, if any, must be UTF-8). */
    boolean acceptsMediaType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";", -1);
        if (!mediaTypes.contains(parts[0].trim().toLowerCase())) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")
                    && !(parameter.length == 2
                            && parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
                return false;
            }
        }
        return true;
    }

    /** Why the topic name breaks the document's Topic parameter, if it does. */
    Optional<String> checkTopic(String value) {
        return check(topic, TextNode.valueOf(value));
    }

    Optional<String> checkIdempotencyKey(String value) {
        return check(idempotencyKey, TextNode.valueOf(value));
    }

    Optional<String> checkEventKey(String value) {
        return check(eventKey, TextNode.valueOf(value));
    }

    /** The first problem of a batch item against BatchItem: {path, why}. */
    Optional<String[]> checkBatchItem(JsonNode item) {
        return batchItem.validate(item).stream()
                .sorted(Comparator.comparing(
                                (ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getMessage))
                .findFirst()
                .map(m -> {
                    String location = m.getInstanceLocation().toString();
                    String message = m.getMessage();
                    if (message.startsWith(location + ": ")) {
                        message = message.substring(location.length() + 2);
                    }
                    if ("required".equals(m.getType()) && m.getProperty() != null) {
                        location += "." + m.getProperty();
                    }
                    return new String[] {location, message};
                });
    }

    private static Optional<String> check(JsonSchema schema, JsonNode value) {
        return schema.validate(value).stream()
                .map(ValidationMessage::getMessage)
                .map(m -> m.startsWith("$: ") ? m.substring(3) : m)
                .sorted()
                .findFirst();
    }

    /** A schema of the document, with its local {@code $ref}s inlined. */
    private static JsonSchema schema(JsonNode document, JsonNode node) {
        if (node.isMissingNode()) {
            throw new IllegalStateException("OpenAPI document " + LOCATION + " lacks a schema the ingress needs");
        }
        return FACTORY.getSchema(inline(document, node.deepCopy()), CONFIG);
    }

    private static JsonNode inline(JsonNode document, JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.asText().startsWith("#/")) {
                return inline(document, document.at(ref.asText().substring(1)).deepCopy());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                field.setValue(inline(document, field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, inline(document, array.get(i)));
            }
        }
        return node;
    }
}
