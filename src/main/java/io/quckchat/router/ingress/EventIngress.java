package io.quckchat.router.ingress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.router.event.EventHeaders;
import io.quckchat.router.fanout.InvalidEventException;
import io.quckchat.router.fanout.JsonSchemas;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * The ingress itself: checks a request (topic, caller's topics, media type, JSON, schema, key),
 * publishes what passes to Kafka, and answers. Authentication and the body limit happened before,
 * in {@link IngressFilter}; the routes in {@link IngressRoutes} call in here.
 */
class EventIngress {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String EVENT_KEY = "X-Event-Key";
    static final String RETRY_AFTER = "Retry-After";
    static final String REPLAYED = "Idempotent-Replayed";
    static final String TOPIC = "topic";

    private static final Logger log = LoggerFactory.getLogger(EventIngress.class);

    /** Strict JSON: one value, no duplicate keys, numbers kept exactly as sent. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final IngressContract contract;
    private final JsonSchemas schemas;
    private final IngressPublisher publisher;
    private final Idempotency idempotency;
    private final int maxBatchSize;

    EventIngress(
            IngressContract contract,
            JsonSchemas schemas,
            IngressPublisher publisher,
            Idempotency idempotency,
            int maxBatchSize) {
        this.contract = contract;
        this.schemas = schemas;
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.maxBatchSize = maxBatchSize;
    }

    /** A checked event, ready to publish. */
    private record Event(String topic, String key, byte[] value) {}

    /** The outcome of one event: published (metadata) or refused (problem). */
    private record Outcome(String eventId, Event event, RecordMetadata metadata, Problem problem) {
        ObjectNode toJson() {
            ObjectNode node = JSON.createObjectNode();
            if (problem == null) {
                node.put("eventId", eventId);
                node.put("topic", event.topic());
                node.put("key", event.key());
                node.put("partition", metadata.partition());
                node.put("offset", metadata.offset());
            } else {
                node.set("error", problem.toJson(JSON));
            }
            return node;
        }
    }

    // ---- POST /api/v1/events/{topic} ----

    void single(Exchange exchange) {
        Message message = exchange.getMessage();
        Caller caller = caller(exchange);
        String topic = message.getHeader(TOPIC, String.class);
        String idempotencyKey = message.getHeader(IDEMPOTENCY_KEY, String.class);
        String eventKey = message.getHeader(EVENT_KEY, String.class);
        byte[] body = message.getBody(byte[].class);
        if (caller == null) {
            respond(exchange, Problem.unauthorized("no authenticated caller"));
            return;
        }
        // Media type (415) and size (413) were checked by IngressFilter, before Camel read the body.
        Problem problem = checkTopic(caller, topic, "path topic")
                .or(() -> checkHeader(EVENT_KEY, eventKey, contract::checkEventKey))
                .or(() -> checkHeader(IDEMPOTENCY_KEY, idempotencyKey, contract::checkIdempotencyKey))
                .orElse(null);
        if (problem != null) {
            respond(exchange, problem);
            return;
        }
        JsonNode event;
        try {
            event = RequestBodies.parse(body, JSON);
        } catch (ProblemException e) {
            respond(exchange, e.problem.withTopic(topic));
            return;
        }
        Event checked;
        try {
            checked = check(topic, event, eventKey, body, "$", "header " + EVENT_KEY);
        } catch (ProblemException e) {
            respond(exchange, e.problem);
            return;
        }

        String fingerprint = Idempotency.fingerprint(topic + "\n" + eventKey, body);
        Claiming claiming = claim(exchange, caller.name(), idempotencyKey, fingerprint);
        if (claiming.answered()) {
            return;
        }
        Idempotency.Claimed claim = claiming.claimed();
        String eventId = claim != null ? claim.eventId() : UUID.randomUUID().toString();

        long deadline = System.nanoTime() + publisher.timeout().toNanos();
        Outcome outcome = await(eventId, checked, publish(eventId, checked, caller, deadline), deadline);
        if (outcome.problem() != null) {
            release(claim, fingerprint);
            respond(exchange, outcome.problem());
            return;
        }
        String answer = outcome.toJson().toString();
        remember(claim, fingerprint, 202, answer);
        respond(exchange, 202, "application/json", answer);
    }

    // ---- POST /api/v1/events ----

    void batch(Exchange exchange) {
        Message message = exchange.getMessage();
        Caller caller = caller(exchange);
        String idempotencyKey = message.getHeader(IDEMPOTENCY_KEY, String.class);
        byte[] body = message.getBody(byte[].class);
        if (caller == null) {
            respond(exchange, Problem.unauthorized("no authenticated caller"));
            return;
        }
        Problem problem = checkHeader(IDEMPOTENCY_KEY, idempotencyKey, contract::checkIdempotencyKey)
                .orElse(null);
        if (problem != null) {
            respond(exchange, problem);
            return;
        }
        JsonNode batch;
        try {
            batch = RequestBodies.parse(body, JSON);
        } catch (ProblemException e) {
            respond(exchange, e.problem);
            return;
        }
        if (!batch.isArray()) {
            respond(
                    exchange,
                    new Problem(
                            400,
                            "invalid-batch",
                            "The batch is not an array",
                            "$",
                            "expected a JSON " + "array of {topic, key?, payload}, got " + kind(batch)));
            return;
        }
        if (batch.isEmpty() || batch.size() > maxBatchSize) {
            respond(
                    exchange,
                    new Problem(
                            400,
                            "invalid-batch",
                            "Wrong number of items in the batch",
                            "$",
                            "a batch has " + "1 to " + maxBatchSize + " items, this one has " + batch.size()));
            return;
        }

        String fingerprint = Idempotency.fingerprint("batch", body);
        Claiming claiming = claim(exchange, caller.name(), idempotencyKey, fingerprint);
        if (claiming.answered()) {
            return;
        }
        Idempotency.Claimed claim = claiming.claimed();
        String batchId = claim != null ? claim.eventId() : UUID.randomUUID().toString();

        long deadline = System.nanoTime() + publisher.timeout().toNanos();
        int n = batch.size();
        List<Outcome> outcomes = new ArrayList<>(n);
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // With an Idempotency-Key the item ids derive from the claim, so a retry reuses them.
            String eventId = claim == null
                    ? UUID.randomUUID().toString()
                    : UUID.nameUUIDFromBytes((batchId + "/" + i).getBytes(StandardCharsets.UTF_8))
                            .toString();
            try {
                Event event = checkItem(caller, batch.get(i), "$[" + i + "]");
                outcomes.add(new Outcome(eventId, event, null, null));
                sends.add(publish(eventId, event, caller, deadline));
            } catch (ProblemException e) {
                outcomes.add(new Outcome(null, null, null, e.problem));
                sends.add(null);
            }
        }
        ArrayNode items = JSON.createArrayNode();
        int accepted = 0;
        boolean unavailable = false;
        boolean failed = false;
        List<Integer> statuses = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Outcome outcome = outcomes.get(i);
            if (sends.get(i) != null) {
                outcome = await(outcome.eventId(), outcome.event(), sends.get(i), deadline);
            }
            int status = outcome.problem() == null ? 202 : outcome.problem().status();
            statuses.add(status);
            accepted += status == 202 ? 1 : 0;
            unavailable |= status == 503;
            failed |= status >= 500;
            ObjectNode item = JSON.createObjectNode().put("index", i).put("status", status);
            item.setAll(outcome.toJson());
            items.add(item);
        }
        int status;
        if (accepted == n) {
            status = 202;
        } else if (accepted > 0) {
            status = 207;
        } else if (unavailable) {
            status = 503;
        } else if (statuses.stream().distinct().count() == 1) {
            status = statuses.get(0);
        } else {
            status = 400;
        }
        ObjectNode answer = JSON.createObjectNode().put("accepted", accepted).put("rejected", n - accepted);
        answer.set("items", items);
        String text = answer.toString();
        if (failed) {
            release(claim, fingerprint);
        } else {
            remember(claim, fingerprint, status, text);
        }
        respond(exchange, status, "application/json", text);
        if (status == 503) {
            exchange.getMessage().setHeader(RETRY_AFTER, publisher.retryAfterSeconds());
        }
    }

    // ---- GET /api/v1/openapi.yaml|json ----

    void openApi(Exchange exchange, boolean asJson) {
        respond(
                exchange,
                200,
                asJson ? "application/json" : "application/yaml",
                asJson ? contract.json() : contract.yaml());
    }

    /** Anything the checks did not foresee: 500, logged with its stack trace, never with the request's secrets. */
    void failed(Exchange exchange) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        log.error("Ingress request failed", error);
        respond(
                exchange,
                Problem.internal(
                        error == null ? "unknown error" : error.getClass().getSimpleName()));
    }

    // ---- checks ----

    private Optional<Problem> checkTopic(Caller caller, String topic, String where) {
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

    private static Optional<Problem> checkHeader(
            String name, String value, java.util.function.Function<String, Optional<String>> check) {
        if (value == null) {
            return Optional.empty();
        }
        return check.apply(value)
                .map(why -> new Problem(400, "invalid-header", "Invalid " + name + " header", "header " + name, why));
    }

    /** Schema, key: an event of a known topic that its caller may post. */
    private Event check(String topic, JsonNode event, String eventKey, byte[] value, String at, String keyWhere)
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

    private Event checkItem(Caller caller, JsonNode item, String at) throws ProblemException {
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
        Optional<Problem> refused = checkTopic(caller, topic, at + ".topic");
        if (refused.isPresent()) {
            throw new ProblemException(refused.get());
        }
        JsonNode payload = item.get("payload");
        String key = item.hasNonNull("key") ? item.get("key").asText() : null;
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new ProblemException(
                    new Problem(400, "invalid-item", "The payload cannot be written", at, e.getMessage()));
        }
        return check(topic, payload, key, value, at + ".payload", at + ".key");
    }

    // ---- publishing ----

    private CompletableFuture<RecordMetadata> publish(String eventId, Event event, Caller caller, long deadline) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(event.topic(), event.key().getBytes(StandardCharsets.UTF_8), event.value());
        Headers headers = record.headers();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add(EventHeaders.CE_ID, bytes(eventId));
        headers.add(EventHeaders.CE_TYPE, bytes(event.topic()));
        headers.add(EventHeaders.CE_SOURCE, bytes(caller.name()));
        headers.add(EventHeaders.CE_TIME, bytes(Instant.now().toString()));
        headers.add("content-type", bytes("application/json"));
        return publisher.send(record, deadline);
    }

    private Outcome await(String eventId, Event event, CompletableFuture<RecordMetadata> send, long deadline) {
        try {
            long wait = Math.max(0, deadline - System.nanoTime());
            return new Outcome(eventId, event, send.get(wait, TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException e) {
            return new Outcome(eventId, event, null, unavailable(event, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(eventId, event, null, unavailable(event, e));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Outcome(
                    eventId,
                    event,
                    null,
                    switch (IngressPublisher.classify(cause)) {
                        case UNAVAILABLE -> unavailable(event, cause);
                        case TOO_LARGE ->
                            new Problem(
                                            413,
                                            "record-too-large",
                                            "Kafka refused the record as too large",
                                            "kafka",
                                            cause.getMessage())
                                    .withTopic(event.topic());
                        case OTHER -> {
                            log.warn("Kafka refused an ingress event for {}: {}", event.topic(), cause.toString());
                            yield Problem.internal("Kafka refused the event: "
                                            + cause.getClass().getSimpleName() + ": " + cause.getMessage())
                                    .withTopic(event.topic());
                        }
                    });
        }
    }

    private Problem unavailable(Event event, Throwable cause) {
        String why = cause instanceof TimeoutException
                ? "no acknowledgement within the publish timeout of "
                        + publisher.timeout().toMillis() + " ms"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return Problem.kafkaUnavailable(event.topic(), why, publisher.retryAfterSeconds());
    }

    // ---- idempotency ----

    /** The outcome of claiming an {@code Idempotency-Key}: answered already (a replay, a conflict, the store down), or go on. */
    private record Claiming(boolean answered, Idempotency.Claimed claimed) {}

    /** Claims the key if there is one; when the request is answered here (replay, conflict, store down) says so. */
    private Claiming claim(Exchange exchange, String caller, String idempotencyKey, String fingerprint) {
        if (idempotencyKey == null) {
            return new Claiming(false, null);
        }
        Idempotency.Claim result;
        try {
            result = idempotency.claim(caller, idempotencyKey, fingerprint);
        } catch (DataAccessException e) {
            respond(exchange, storeUnavailable(e));
            return new Claiming(true, null);
        }
        if (!(result instanceof Idempotency.Claimed claimed)) {
            respondToClaim(exchange, result);
            return new Claiming(true, null);
        }
        return new Claiming(false, claimed);
    }

    private void respondToClaim(Exchange exchange, Idempotency.Claim claim) {
        if (claim instanceof Idempotency.Replay replay) {
            respond(exchange, replay.status(), "application/json", replay.body());
            exchange.getMessage().setHeader(REPLAYED, "true");
            if (replay.status() == 503) {
                exchange.getMessage().setHeader(RETRY_AFTER, publisher.retryAfterSeconds());
            }
        } else if (claim instanceof Idempotency.Busy) {
            respond(
                    exchange,
                    new Problem(
                                    409,
                                    "idempotency-key-in-progress",
                                    "A request with this Idempotency-Key is still running",
                                    "header " + IDEMPOTENCY_KEY,
                                    "retry once it has been answered")
                            .retryAfter(1));
        } else {
            respond(
                    exchange,
                    new Problem(
                            422,
                            "idempotency-key-reused",
                            "This Idempotency-Key was used for another request",
                            "header " + IDEMPOTENCY_KEY,
                            "the first request with this key had a different topic, key or body"));
        }
    }

    private Problem storeUnavailable(DataAccessException e) {
        log.warn("Idempotency store (Redis) unavailable: {}", e.getMessage());
        return new Problem(
                        503,
                        "idempotency-store-unavailable",
                        "The Idempotency-Key cannot be honoured now",
                        "header " + IDEMPOTENCY_KEY,
                        "the idempotency store (Redis) is unavailable; nothing was published")
                .retryAfter(publisher.retryAfterSeconds());
    }

    private void remember(Idempotency.Claimed claim, String fingerprint, int status, String answer) {
        if (claim == null) {
            return;
        }
        try {
            idempotency.complete(claim, fingerprint, status, answer);
        } catch (DataAccessException e) {
            // Published already: answer the truth; a retry within the lock window gets 409, later a republish
            // under the same event id, which the fan-out's ledger absorbs.
            log.warn("Could not store the answer of an Idempotency-Key: {}", e.getMessage());
        }
    }

    private void release(Idempotency.Claimed claim, String fingerprint) {
        if (claim == null) {
            return;
        }
        try {
            idempotency.fail(claim, fingerprint);
        } catch (DataAccessException e) {
            log.warn("Could not release an Idempotency-Key: {}", e.getMessage());
        }
    }

    // ---- answers ----

    private static Caller caller(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage http) {
            HttpServletRequest request = http.getRequest();
            if (request != null && request.getAttribute(IngressFilter.CALLER) instanceof Caller caller) {
                return caller;
            }
        }
        return null;
    }

    private static void respond(Exchange exchange, Problem problem) {
        respond(
                exchange,
                problem.status(),
                Problem.MEDIA_TYPE,
                problem.toJson(JSON).toString());
        if (problem.retryAfter() > 0) {
            exchange.getMessage().setHeader(RETRY_AFTER, problem.retryAfter());
        }
    }

    /** The answer, and nothing else: no request header may echo back (Authorization!). */
    private static void respond(Exchange exchange, int status, String contentType, Object body) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().toString().toLowerCase();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
