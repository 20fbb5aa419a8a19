package io.quckchat.router.ingress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.router.event.EventHeaders;
import io.quckchat.router.fanout.JsonSchemas;
import io.quckchat.router.ingress.IngressChecks.Event;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress itself: a request is checked ({@link IngressChecks}: topic, caller's topics, JSON,
 * schema, key), its Idempotency-Key claimed ({@link IdempotentRequests}), what passes published to
 * Kafka, and the answer given (a batch's by {@link BatchAnswer}). Authentication, the media type and
 * the body limit were checked before, by {@link IngressGate}; {@link IngressEndpoint} calls in here.
 */
class EventIngress {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String EVENT_KEY = "X-Event-Key";
    static final String RETRY_AFTER = "Retry-After";
    static final String REPLAYED = "Idempotent-Replayed";

    private static final Logger log = LoggerFactory.getLogger(EventIngress.class);

    /** Strict JSON: one value, no duplicate keys, numbers kept exactly as sent. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final IngressContract contract;
    private final IngressChecks checks;
    private final IngressPublisher publisher;
    private final IdempotentRequests idempotency;
    private final int maxBatchSize;

    EventIngress(
            IngressContract contract,
            JsonSchemas schemas,
            IngressPublisher publisher,
            Idempotency idempotency,
            int maxBatchSize) {
        this.contract = contract;
        this.checks = new IngressChecks(contract, schemas);
        this.publisher = publisher;
        this.idempotency = new IdempotentRequests(idempotency, publisher.retryAfterSeconds());
        this.maxBatchSize = maxBatchSize;
    }

    /** The outcome of one event: published (metadata) or refused (problem). */
    record Outcome(String eventId, Event event, RecordMetadata metadata, Problem problem) {
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

    IngressAnswer single(Caller caller, String topic, String idempotencyKey, String eventKey, byte[] body) {
        Problem problem = checks.topic(caller, topic, "path topic")
                .or(() -> checks.eventKeyHeader(eventKey))
                .or(() -> checks.idempotencyKeyHeader(idempotencyKey))
                .orElse(null);
        if (problem != null) {
            return IngressAnswer.of(problem);
        }
        JsonNode event;
        try {
            event = RequestBodies.parse(body, JSON);
        } catch (ProblemException e) {
            return IngressAnswer.of(e.problem.withTopic(topic));
        }
        Event checked;
        try {
            checked = checks.event(topic, event, eventKey, body, "$", "header " + EVENT_KEY);
        } catch (ProblemException e) {
            return IngressAnswer.of(e.problem);
        }

        String fingerprint = Idempotency.fingerprint(topic + "\n" + eventKey, body);
        IdempotentRequests.Claiming claiming = idempotency.claim(caller.name(), idempotencyKey, fingerprint);
        if (claiming.answered()) {
            return claiming.answer();
        }
        Idempotency.Claimed claim = claiming.claimed();
        String eventId = claim != null ? claim.eventId() : UUID.randomUUID().toString();

        long deadline = System.nanoTime() + publisher.timeout().toNanos();
        Outcome outcome = await(eventId, checked, publish(eventId, checked, caller, deadline), deadline);
        if (outcome.problem() != null) {
            idempotency.release(claim, fingerprint);
            return IngressAnswer.of(outcome.problem());
        }
        String answer = outcome.toJson().toString();
        idempotency.remember(claim, fingerprint, 202, answer);
        return IngressAnswer.json(202, answer);
    }

    // ---- POST /api/v1/events ----

    IngressAnswer batch(Caller caller, String idempotencyKey, byte[] body) {
        Problem problem = checks.idempotencyKeyHeader(idempotencyKey).orElse(null);
        if (problem != null) {
            return IngressAnswer.of(problem);
        }
        JsonNode batch;
        try {
            batch = RequestBodies.parse(body, JSON);
        } catch (ProblemException e) {
            return IngressAnswer.of(e.problem);
        }
        Optional<Problem> shape = IngressChecks.batch(batch, maxBatchSize);
        if (shape.isPresent()) {
            return IngressAnswer.of(shape.get());
        }

        String fingerprint = Idempotency.fingerprint("batch", body);
        IdempotentRequests.Claiming claiming = idempotency.claim(caller.name(), idempotencyKey, fingerprint);
        if (claiming.answered()) {
            return claiming.answer();
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
                Event event = checks.batchItem(caller, batch.get(i), "$[" + i + "]");
                outcomes.add(new Outcome(eventId, event, null, null));
                sends.add(publish(eventId, event, caller, deadline));
            } catch (ProblemException e) {
                outcomes.add(new Outcome(null, null, null, e.problem));
                sends.add(null);
            }
        }
        for (int i = 0; i < n; i++) {
            if (sends.get(i) != null) {
                Outcome sent = outcomes.get(i);
                outcomes.set(i, await(sent.eventId(), sent.event(), sends.get(i), deadline));
            }
        }
        BatchAnswer answer = BatchAnswer.of(outcomes);
        if (answer.failed()) {
            idempotency.release(claim, fingerprint);
        } else {
            idempotency.remember(claim, fingerprint, answer.status(), answer.json());
        }
        IngressAnswer http = IngressAnswer.json(answer.status(), answer.json());
        return answer.status() == 503 ? http.with(RETRY_AFTER, Integer.toString(publisher.retryAfterSeconds())) : http;
    }

    // ---- GET /api/v1/openapi.yaml|json ----

    IngressAnswer openApi(boolean asJson) {
        return new IngressAnswer(
                200,
                asJson ? "application/json" : "application/yaml",
                asJson ? contract.json() : contract.yaml(),
                java.util.Map.of());
    }

    /** Anything the checks did not foresee: 500, logged with its stack trace, never with the request's secrets. */
    IngressAnswer failed(String request, Exception error) {
        log.error("Ingress request {} failed", request, error);
        return IngressAnswer.of(Problem.internal(error.getClass().getSimpleName()));
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

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
