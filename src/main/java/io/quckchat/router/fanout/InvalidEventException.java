package io.quckchat.router.fanout;

import java.util.List;

/**
 * The event cannot be fanned out as it is: not JSON, not an object, or against its topic's schema.
 * Not retried: the event is dead-lettered whole.
 */
public class InvalidEventException extends RuntimeException {

    private final List<SchemaError> schemaErrors;

    /** The event is not a JSON object. */
    public InvalidEventException(String message) {
        this(message, List.of());
    }

    /** The event breaks its schema in these ways (at least one). */
    public InvalidEventException(String message, List<SchemaError> schemaErrors) {
        super(message);
        this.schemaErrors = List.copyOf(schemaErrors);
    }

    /** True for a schema violation, false for an event that is not a JSON object at all. */
    public boolean isSchemaViolation() {
        return !schemaErrors.isEmpty();
    }

    /** The ways the event breaks its schema, first by path; empty when it is not a JSON object. */
    public List<SchemaError> schemaErrors() {
        return schemaErrors;
    }

    /** The JSON path of the first problem, or null when the event is not a JSON object. */
    public String path() {
        return schemaErrors.isEmpty() ? null : schemaErrors.get(0).path();
    }

    /** What is wrong at {@link #path()}, or null. */
    public String reason() {
        return schemaErrors.isEmpty() ? null : schemaErrors.get(0).message();
    }
}
