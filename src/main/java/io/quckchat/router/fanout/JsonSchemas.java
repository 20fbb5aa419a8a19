package io.quckchat.router.fanout;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The JSON Schema (draft 2020-12) of each topic, {@code <topic>.schema.json}, read from the
 * schema folder ({@code config/schemas/} next to the router, else the copy inside the jar). A
 * topic without a schema accepts any JSON object. Formats (date-time, ...) are asserted.
 */
public class JsonSchemas implements EventSchemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_PATH)
            .build();

    private final ResourceLoader resources;
    private final String directory;
    private final Map<String, Optional<JsonSchema>> schemas = new ConcurrentHashMap<>();

    /** @param directory a folder on disk, tried first, then the same path on the classpath */
    public JsonSchemas(ResourceLoader resources, String directory) {
        this.resources = resources;
        this.directory = directory.endsWith("/") ? directory : directory + "/";
    }

    @Override
    public void validate(String topic, JsonNode event) {
        List<SchemaError> problems = check(topic, event);
        if (!problems.isEmpty()) {
            String detail =
                    problems.stream().limit(5).map(SchemaError::toString).collect(Collectors.joining("; "));
            throw new InvalidEventException(topic + " event breaks its schema: " + detail, problems);
        }
    }

    /** Every way the event breaks its topic's schema (at most 50), by path; empty when it passes or has none. */
    public List<SchemaError> check(String topic, JsonNode event) {
        Optional<JsonSchema> schema = schemas.computeIfAbsent(topic, this::load);
        if (schema.isEmpty()) {
            return List.of();
        }
        Set<ValidationMessage> problems = schema.get().validate(event);
        if (problems.isEmpty()) {
            return List.of(); // the usual case, once per event
        }
        return problems.stream()
                .map(JsonSchemas::describe)
                .sorted(Comparator.comparing(SchemaError::path).thenComparing(SchemaError::message))
                .limit(50)
                .toList();
    }

    private static SchemaError describe(ValidationMessage problem) {
        String location = problem.getInstanceLocation().toString();
        String message = problem.getMessage();
        if (message.startsWith(location + ": ")) {
            message = message.substring(location.length() + 2);
        }
        // A missing property is reported at its object; name the property itself.
        if ("required".equals(problem.getType()) && problem.getProperty() != null) {
            String property = problem.getProperty();
            location += property.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + property : "['" + property + "']";
        }
        return new SchemaError(location, message);
    }

    /** Whether a topic has a schema (for the route validator). */
    public boolean hasSchema(String topic) {
        return schemas.computeIfAbsent(topic, this::load).isPresent();
    }

    private Optional<JsonSchema> load(String topic) {
        String name = topic + ".schema.json";
        for (String location : new String[] {"file:" + directory + name, "classpath:" + directory + name}) {
            Resource resource = resources.getResource(location);
            if (resource.exists()) {
                try (InputStream in = resource.getInputStream()) {
                    return Optional.of(FACTORY.getSchema(in, CONFIG));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read schema " + location, e);
                }
            }
        }
        return Optional.empty();
    }
}
