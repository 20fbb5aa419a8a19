package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The Kafka record key of an event, as QuckChat's producers set it (docs/contract.md §3): {@code
 * conversationId} for message, conversation and call events, {@code userId} for user and
 * notification events. Other topic families need an explicit key.
 */
final class EventKeys {

    private EventKeys() {}

    /** The field that holds the key of a topic's events, if the contract names one. */
    static Optional<String> field(String topic) {
        String family = topic.substring(0, topic.indexOf('.'));
        return switch (family) {
            case "message", "conversation", "call" -> Optional.of("conversationId");
            case "user", "notification" -> Optional.of("userId");
            default -> Optional.empty();
        };
    }

    /** The key from the event's key field, if it is a non-empty string. */
    static Optional<String> fromEvent(String topic, JsonNode event) {
        return field(topic)
                .map(event::get)
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText)
                .filter(k -> !k.isEmpty());
    }
}
