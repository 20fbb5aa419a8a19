package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import io.quckchat.router.fanout.InvalidEventException;
import io.quckchat.router.fanout.JsonSchemas;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The checks of an ingress request, in the order the caller sees their answers: the topic (known,
 * and one the caller may post to), the headers, then the event (a JSON object that passes its
 * topic's schema, with a record key). Each refusal is a {@link Problem} saying what, where and why.
 */
class IngressChecks {

    /** A checked event, ready to publish. */
    record Event(String topic, String key, byte[] value) {}

    private final IngressContract contract;
    private final JsonSchemas schemas;

    IngressChecks(IngressContract contract, JsonSchemas schemas) {
        this.contract = contract;
        this.schemas = schemas;
    }

    /** A topic this router has a schema for and the caller may post to. */
    Optional<Problem> topic(Caller caller, String topic, String where) {
        if (topic == null || topic.isEmpty()) {
            return Optional.of(Problem.unknownTopic(String.valueOf(topic), where));
        }
        Optional<String> malformed = contract.checkTopic(topic);
        if (malformed.isPresent() || !schemas.hasSchema(topic)) {
            return Optional.of(Problem.unknownTopic(topic, where));
        }
        if (!caller.mayPost(topic)) {
            return Optional.of(Problem.forbiddenTopic(caller.name(), topic));
        }
        return Optional.empty();
    }

    Optional<Problem> eventKeyHeader(String value) {
        return header(EventIngress.EVENT_KEY, value, contract::checkEventKey);
    }

    Optional<Problem> idempotencyKeyHeader(String value) {
        return header(EventIngress.IDEMPOTENCY_KEY, value, contract::checkIdempotencyKey);
    }

    private static Optional<Problem> header(String name, String value, Function<String, Optional<String>> check) {
        if (value == null) {
            return Optional.empty();
        }
        return check.apply(value)
                .map(why -> new Problem(400, "invalid-header", "Invalid " + name + " header", "header " + name, why));
    }

    /** Schema, key: an event of a known topic that its caller may post. */
    Event event(String topic, JsonNode event, String eventKey, byte[] value, String at, String keyWhere)
            throws ProblemException {
        if (!event.isObject()) {
            throw new ProblemException(new Problem(
                            400,
                            "not-an-object",
                            "The event is not a JSON object",
                            at,
                            "expected an object, got " + kind(event))
                    .withTopic(topic));
        }
        try {
            schemas.validate(topic, event);
        } catch (InvalidEventException e) {
            String path = e.path() == null ? at : at + e.path().substring(1);
            throw new ProblemException(new Problem(
                            400,
                            "schema-violation",
                            "The event breaks the schema of " + topic,
                            path,
                            e.reason() == null ? e.getMessage() : e.reason())
                    .withTopic(topic));
        }
        String key =
                eventKey != null ? eventKey : EventKeys.fromEvent(topic, event).orElse(null);
        if (key == null) {
            String why = EventKeys.field(topic)
                    .map(field -> "the event has no " + field + " string to key it by; set " + keyWhere)
                    .orElse("topic " + topic + " has no key field in the contract; set " + keyWhere);
            throw new ProblemException(
                    new Problem(400, "missing-key", "No record key", keyWhere, why).withTopic(topic));
        }
        return new Event(topic, key, value);
    }

    /** One item of a batch: {@code {topic, key?, payload}}, then the same checks as a single event. */
    Event batchItem(Caller caller, JsonNode item, String at) throws ProblemException {
        Optional<String[]> envelope = contract.checkBatchItem(item);
        if (envelope.isPresent()) {
            throw new ProblemException(new Problem(
                    400,
                    "invalid-item",
                    "The batch item is not {topic, key?, payload}",
                    at + envelope.get()[0].substring(1),
                    envelope.get()[1]));
        }
        String topic = item.get("topic").asText();
        Optional<Problem> refused = topic(caller, topic, at + ".topic");
        if (refused.isPresent()) {
            throw new ProblemException(refused.get());
        }
        JsonNode payload = item.get("payload");
        String key = item.hasNonNull("key") ? item.get("key").asText() : null;
        byte[] value;
        try {
            value = EventIngress.JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new ProblemException(
                    new Problem(400, "invalid-item", "The payload cannot be written", at, e.getMessage()));
        }
        return event(topic, payload, key, value, at + ".payload", at + ".key");
    }

    /** The whole batch: an array of 1 to {@code max} items. */
    static Optional<Problem> batch(JsonNode batch, int max) {
        if (!batch.isArray()) {
            return Optional.of(new Problem(
                    400,
                    "invalid-batch",
                    "The batch is not an array",
                    "$",
                    "expected a JSON array of {topic, key?, payload}, got " + kind(batch)));
        }
        if (batch.isEmpty() || batch.size() > max) {
            return Optional.of(new Problem(
                    400,
                    "invalid-batch",
                    "Wrong number of items in the batch",
                    "$",
                    "a batch has 1 to " + max + " items, this one has " + batch.size()));
        }
        return Optional.empty();
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().toString().toLowerCase();
    }
}
