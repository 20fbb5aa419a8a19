package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A refusal, as an RFC 9457 problem document: what went wrong ({@code title}, {@code code}), where
 * ({@code where}: a JSON path into the body, a header, the path) and why ({@code why}).
 */
record Problem(int status, String code, String title, String where, String why, String topic, int retryAfter) {

    static final String MEDIA_TYPE = "application/problem+json";

    Problem(int status, String code, String title, String where, String why) {
        this(status, code, title, where, why, null, 0);
    }

    Problem withTopic(String topic) {
        return new Problem(status, code, title, where, why, topic, retryAfter);
    }

    Problem retryAfter(int seconds) {
        return new Problem(status, code, title, where, why, topic, seconds);
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "urn:quckchat:ingress:" + code);
        node.put("title", title);
        node.put("status", status);
        node.put("code", code);
        node.put("where", where);
        node.put("why", why);
        node.put("detail", title + " at " + where + ": " + why);
        if (topic != null) {
            node.put("topic", topic);
        }
        return node;
    }

    static Problem unauthorized(String why) {
        return new Problem(401, "unauthorized", "Authentication required", "header Authorization", why);
    }

    static Problem forbiddenTopic(String caller, String topic) {
        return new Problem(
                        403,
                        "forbidden-topic",
                        "This caller may not post to " + topic,
                        "path topic",
                        "the token '" + caller + "' is not allowed to post to topic " + topic)
                .withTopic(topic);
    }

    static Problem unknownTopic(String topic, String where) {
        return new Problem(
                        404,
                        "unknown-topic",
                        "Unknown topic " + topic,
                        where,
                        "no event schema for topic '" + topic + "' in the router's schema folder")
                .withTopic(topic);
    }

    static Problem unsupportedMediaType(String contentType) {
        return new Problem(
                415,
                "unsupported-media-type",
                "Unsupported Content-Type",
                "header Content-Type",
                contentType == null
                        ? "no Content-Type; send application/json"
                        : "'" + contentType + "' is not application/json (UTF-8)");
    }

    static Problem tooLarge(long limit, String why) {
        return new Problem(
                413, "body-too-large", "Request body too large", "body", why + " (limit " + limit + " bytes)");
    }

    static Problem kafkaUnavailable(String topic, String why, int retryAfter) {
        return new Problem(503, "kafka-unavailable", "Kafka did not acknowledge the event", "kafka", why)
                .withTopic(topic)
                .retryAfter(retryAfter);
    }

    static Problem internal(String why) {
        return new Problem(500, "internal-error", "The router failed to process the request", "router", why);
    }
}
