package io.quckchat.router.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.router.routes.RouteSandbox.Destination;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;

/**
 * What one case expects (its {@code expect:}), ready to compare with what the route did: exactly
 * these deliveries (or these and others, with {@code allowOthers}), or a dead letter. {@link
 * #differences} gives one line per difference, e.g. {@code bullmq push / new-message: opts.priority
 * expected 10, got 9}; none means the case passes.
 */
final class Expectation {

    /** A jq condition and its text. */
    record Condition(String text, Predicate predicate) {}

    /** One expected delivery: its kind ({@code rabbitmq} / {@code bullmq}), queue, and the rest of its YAML. */
    record Expected(Destination destination, JsonNode spec, List<Condition> conditions) {
        String kind() {
            return destination.kind();
        }

        String label() {
            return destination.toString();
        }
    }

    private final List<Expected> deliveries;
    private final boolean allowOthers;
    private final JsonNode deadLetter;
    private final CamelContext context;

    Expectation(List<Expected> deliveries, boolean allowOthers, JsonNode deadLetter, CamelContext context) {
        this.deliveries = deliveries;
        this.allowOthers = allowOthers;
        this.deadLetter = deadLetter;
        this.context = context;
    }

    /** How the route's answer differs from this expectation; empty when it matches. */
    List<String> differences(Simulation actual, JsonNode event) {
        List<String> out = new ArrayList<>();
        if (actual.error() != null) {
            out.add("the route failed: " + actual.error());
            return out;
        }
        if (deadLetter != null) {
            compareDeadLetter(actual, out);
            return out;
        }
        if (actual.deadLetter() != null) {
            JsonNode letter = actual.deadLetter();
            out.add("dead-lettered at stage " + letter.path("stage").asText() + " to "
                    + letter.path("topic").asText() + ": "
                    + letter.path("reason").asText());
            return out;
        }
        compareDeliveries(actual.deliveries(), event, out);
        return out;
    }

    private void compareDeadLetter(Simulation actual, List<String> out) {
        JsonNode letter = actual.deadLetter();
        if (letter == null) {
            List<String> made =
                    actual.deliveries().stream().map(Expectation::label).toList();
            out.add("expected a dead letter (stage " + deadLetter.path("stage").asText() + "), but the route made "
                    + (made.isEmpty() ? "no deliveries" : made.size() + " delivery(ies): " + String.join(", ", made)));
            return;
        }
        String stage = deadLetter.path("stage").asText();
        String reason = letter.path("reason").asText();
        if (!stage.equals(letter.path("stage").asText())) {
            out.add("deadLetter.stage expected \"" + stage + "\", got \""
                    + letter.path("stage").asText() + "\" (reason: " + reason + ")");
        }
        String part = deadLetter.path("reason").asText(null);
        if (part != null && !reason.contains(part)) {
            out.add("deadLetter.reason expected to contain \"" + part + "\", got \"" + reason + "\"");
        }
    }

    private void compareDeliveries(List<ObjectNode> actual, JsonNode event, List<String> out) {
        List<ObjectNode> unused = new ArrayList<>(actual);
        List<Expected> open = new ArrayList<>();
        // first the expectations that some delivery meets exactly, so that a near miss cannot take its place
        for (Expected expected : deliveries) {
            ObjectNode exact = candidates(expected, unused).stream()
                    .filter(candidate -> compare(expected, candidate, event).isEmpty())
                    .findFirst()
                    .orElse(null);
            if (exact != null) {
                unused.remove(exact);
            } else {
                open.add(expected);
            }
        }
        for (Expected expected : open) {
            List<ObjectNode> candidates = candidates(expected, unused);
            if (candidates.isEmpty()) {
                List<String> sameQueue = actual.stream()
                        .filter(node -> expected.destination()
                                .queue()
                                .equals(node.path(expected.kind()).asText()))
                        .map(Expectation::label)
                        .toList();
                out.add("missing " + expected.label()
                        + (sameQueue.isEmpty() ? ": the route made none" : ": the route made " + sameQueue));
                continue;
            }
            Function<ObjectNode, List<String>> diff = candidate -> compare(expected, candidate, event);
            ObjectNode closest = candidates.stream()
                    .min(Comparator.comparingInt(
                            candidate -> diff.apply(candidate).size()))
                    .orElseThrow();
            unused.remove(closest);
            String label = candidates.size() > 1 ? expected.label() + " (" + id(closest) + ")" : expected.label();
            diff.apply(closest).forEach(line -> out.add(label + ": " + line));
        }
        if (!allowOthers) {
            for (ObjectNode other : unused) {
                out.add("not expected: " + label(other) + " (" + id(other) + ")");
            }
        }
    }

    /** Deliveries of the same kind and queue, and for a job with a given name, that name. */
    private static List<ObjectNode> candidates(Expected expected, List<ObjectNode> actual) {
        return actual.stream()
                .filter(node -> expected.destination()
                        .queue()
                        .equals(node.path(expected.kind()).asText(null)))
                .filter(node -> expected.destination().jobName() == null
                        || expected.destination()
                                .jobName()
                                .equals(node.path("name").asText()))
                .toList();
    }

    private List<String> compare(Expected expected, ObjectNode actual, JsonNode event) {
        List<String> out = new ArrayList<>();
        JsonNode spec = expected.spec();
        String content = expected.kind().equals("rabbitmq") ? "body" : "data";
        if (actual.has("refused")) {
            out.add("BullMQ would refuse the job: " + actual.path("refused").asText());
            return out;
        }
        if (spec.has(content)) {
            out.addAll(JsonDiff.exact(content, spec.get(content), actual.path(content)));
        }
        if (spec.path("sameAsEvent").asBoolean()) {
            out.addAll(JsonDiff.exact(content, event, actual.path(content)).stream()
                    .map(line -> line + " (expected the event unchanged)")
                    .toList());
        }
        for (Condition condition : expected.conditions()) {
            String failed = evaluate(condition, actual.path(content));
            if (failed != null) {
                out.add(failed);
            }
        }
        if (expected.kind().equals("rabbitmq")) {
            if (spec.has("properties")) {
                out.addAll(JsonDiff.subset("properties", spec.get("properties"), actual.path("properties")));
            }
        } else {
            for (String field : List.of("jobId", "priority", "delay")) {
                if (spec.has(field)) {
                    out.addAll(JsonDiff.exact(field, spec.get(field), actual.path(field)));
                }
            }
            if (spec.has("opts")) {
                out.addAll(JsonDiff.subset("opts", spec.get("opts"), actual.path("opts")));
            }
        }
        return out;
    }

    /** Null when the condition holds, else why not. */
    private String evaluate(Condition condition, JsonNode content) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(content);
        try {
            return condition.predicate().matches(exchange) ? null : "jq '" + condition.text() + "' is false";
        } catch (RuntimeException e) {
            return "jq '" + condition.text() + "' failed: " + e.getMessage();
        }
    }

    static String label(JsonNode delivery) {
        if (delivery.has("rabbitmq")) {
            return "rabbitmq " + delivery.path("rabbitmq").asText();
        }
        return "bullmq " + delivery.path("bullmq").asText() + " / "
                + delivery.path("name").asText();
    }

    private static String id(JsonNode delivery) {
        return delivery.has("rabbitmq")
                ? "message_id " + delivery.path("properties").path("message_id").asText()
                : "jobId " + delivery.path("jobId").asText();
    }
}
