package io.quckchat.router.routes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.rabbitmq.client.AMQP;
import io.quckchat.camel.bullmq.BullMqException;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.camel.bullmq.BullMqJobPreview;
import io.quckchat.router.deadletter.DeadLetter;
import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.deadletter.DeadLetterLane;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.fanout.InvalidEventException;
import io.quckchat.router.fanout.SchemaError;
import io.quckchat.router.rabbitmq.RabbitMqLane;
import io.quckchat.router.rabbitmq.RabbitMqTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;

/**
 * What a route does with one event, or a schedule with one firing, as {@link RouteSandbox} found it:
 * every delivery as its lane would send it, or the dead letter. The JSON shape is what the
 * simulator answers and what route tests compare (docs/route-tests.md).
 *
 * @param route the route id
 * @param eventId the event id (null for a schedule)
 * @param valid whether the event is a JSON object that passes its topic's schema
 * @param schemaErrors how it breaks the schema (empty when it passes, or is not JSON at all)
 * @param deliveries RabbitMQ tasks ({@code rabbitmq: <queue>}) and BullMQ jobs ({@code bullmq:
 *     <queue>}), in the order the route made them
 * @param deadLetter the dead letter of a rejected event, or null
 * @param error why a schedule failed to make its job, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Simulation(
        String route,
        String eventId,
        boolean valid,
        List<SchemaError> schemaErrors,
        List<ObjectNode> deliveries,
        ObjectNode deadLetter,
        String error) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Dead-letter stages: the event is not a JSON object, breaks its schema, or the route failed on it. */
    public static final String STAGE_JSON = "json";

    public static final String STAGE_SCHEMA = "schema";
    public static final String STAGE_ROUTE = "route";

    static Simulation of(ChatEvent event, List<Leg> legs, Throwable rejection, RouteSandbox.Parts parts) {
        List<ObjectNode> deliveries = new ArrayList<>();
        ObjectNode deadLetter = null;
        for (Leg leg : legs) {
            Object spec = leg.spec();
            if (spec instanceof RabbitMqTask task) {
                deliveries.add(rabbitmq(leg, task, parts));
            } else if (spec instanceof BullMqJob job) {
                deliveries.add(bullmq(leg.name(), job, parts));
            } else if (spec instanceof DeadLetter letter) {
                deadLetter = deadLetter(leg, letter, rejection);
            } else {
                throw new IllegalStateException("Unknown kind of leg " + leg.describe());
            }
        }
        InvalidEventException invalid = rejection instanceof InvalidEventException e ? e : null;
        return new Simulation(
                event.routeId(),
                event.id(),
                invalid == null,
                invalid == null ? List.of() : invalid.schemaErrors(),
                deliveries,
                deadLetter,
                null);
    }

    static Simulation ofSlot(String routeId, List<BullMqJob> jobs, Throwable failure, RouteSandbox.Parts parts) {
        List<ObjectNode> deliveries = new ArrayList<>();
        for (BullMqJob job : jobs) {
            deliveries.add(bullmq(null, job, parts));
        }
        return new Simulation(
                routeId, null, true, List.of(), deliveries, null, failure == null ? null : failure.getMessage());
    }

    /** A RabbitMQ task: queue, routing, AMQP properties and headers, body. */
    private static ObjectNode rabbitmq(Leg leg, RabbitMqTask task, RouteSandbox.Parts parts) {
        AMQP.BasicProperties amqp = RabbitMqLane.properties(leg);
        ObjectNode node = JSON.createObjectNode();
        node.put("rabbitmq", task.routingKey());
        node.put("leg", leg.name());
        node.put("queue", task.queue());
        node.put("exchange", parts.topology().exchange());
        node.put("routingKey", task.routingKey());
        node.put("mandatory", RabbitMqLane.MANDATORY);
        ObjectNode properties = node.putObject("properties");
        properties.put("message_id", amqp.getMessageId());
        properties.put("content_type", amqp.getContentType());
        properties.put("delivery_mode", amqp.getDeliveryMode());
        properties.put("type", amqp.getType());
        properties.put("timestamp", amqp.getTimestamp().toInstant().toString());
        ObjectNode headers = properties.putObject("headers");
        new TreeMap<>(amqp.getHeaders()).forEach((name, value) -> headers.set(name, JSON.valueToTree(value)));
        node.set("body", json(leg.payload()));
        return node;
    }

    /** A BullMQ job as the add script would store it: id, name, priority, options, data. */
    private static ObjectNode bullmq(String legName, BullMqJob job, RouteSandbox.Parts parts) {
        ObjectNode node = JSON.createObjectNode();
        node.put("bullmq", job.queue());
        if (legName != null) {
            node.put("leg", legName);
        }
        try {
            BullMqJobPreview stored = parts.jobs().preview(job);
            node.put("key", stored.key());
            node.put("jobId", stored.id());
            node.put("name", stored.name());
            node.put("priority", stored.priority());
            node.put("delay", stored.delay());
            node.put("lifo", stored.lifo());
            node.put("state", stored.state().nodeName());
            node.put("timestamp", stored.timestamp());
            node.set("opts", json(stored.opts().getBytes(StandardCharsets.UTF_8)));
            node.set("data", json(stored.data().getBytes(StandardCharsets.UTF_8)));
        } catch (BullMqException refused) {
            // the lane would get the same refusal: retried by policy, then dead-lettered
            node.put("name", job.name());
            node.put("refused", refused.getMessage());
        }
        return node;
    }

    /** The dead letter as the dead-letter lane writes it, with the stage it was rejected at. */
    private static ObjectNode deadLetter(Leg leg, DeadLetter letter, Throwable rejection) {
        ChatEvent event = leg.event();
        ObjectNode node = JSON.createObjectNode();
        node.put("topic", event.topic() + DeadLetterLane.SUFFIX);
        node.put("key", event.key());
        node.put("stage", stage(rejection));
        node.put("leg", letter.failedLeg());
        node.put("reason", letter.errorMessage());
        node.put("error", letter.errorClass());
        ObjectNode headers = node.putObject("headers");
        Map<String, String> sorted = new TreeMap<>();
        for (Header header : DeadLetterLane.headers(leg)) {
            if (!header.key().equals(DeadLetterHeaders.EXCEPTION_STACKTRACE)) {
                sorted.put(
                        header.key(),
                        header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        sorted.forEach(headers::put);
        return node;
    }

    private static String stage(Throwable rejection) {
        if (rejection instanceof InvalidEventException invalid) {
            return invalid.isSchemaViolation() ? STAGE_SCHEMA : STAGE_JSON;
        }
        return STAGE_ROUTE;
    }

    /** JSON bytes as a tree; anything else as text. */
    private static JsonNode json(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            return node == null ? TextNode.valueOf("") : node;
        } catch (IOException e) {
            return TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
