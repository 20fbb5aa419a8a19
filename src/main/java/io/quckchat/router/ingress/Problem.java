package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A refusal, as an RFC 9457 problem document: what went wrong ({@code title}, {@code code}), where
 * ({@code where}: a JSON path into the body, a header, the path) and why ({@code why}). The
 * routing simulator answers bad requests with the same documents.
 */
public record Problem(int status, String code, String title, String where, String why, String topic, int retryAfter) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(int status, String code, String title, String where, String why) {
        this(status, code, title, where, why, null, 0);
    }

    Problem withTopic(String topic) {
        return new Problem(status, code, title, where, why, topic, retryAfter);
    }

    Problem retryAfter(int seconds) {
        return new Problem(status, code, title, where, why, topic, seconds);
    }

    public ObjectNode toJson(ObjectMapper json) {
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

    /** Answers the request with this problem: its status, and the document as application/problem+json. */
    public void writeTo(HttpServletResponse response, ObjectMapper json) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        if (status == 413) {
            // Do not keep reading what the client still sends.
            response.setHeader("Connection", "close");
        }
        response.getOutputStream().write(json.writeValueAsBytes(toJson(json)));
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

    public static Problem unsupportedMediaType(String contentType) {
        return new Problem(
                415,
                "unsupported-media-type",
                "Unsupported Content-Type",
                "header Content-Type",
                contentType == null
                        ? "no Content-Type; send application/json"
                        : "'" + contentType + "' is not application/json (UTF-8)");
    }

    public static Problem tooLarge(long limit, String why) {
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
