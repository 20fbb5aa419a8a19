package io.quckchat.router.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.RetryPolicy;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/** What the sink endpoints share: the payload of the current body, the split index, the retry policy. */
public final class Sinks {

    private Sinks() {}

    /**
     * The bytes to deliver for the exchange's current body: the event's original bytes while the
     * body is the event itself, so an unchanged event is delivered byte for byte; otherwise the
     * body as JSON.
     */
    public static byte[] payload(Exchange exchange, ChatEvent event) {
        Object body = exchange.getMessage().getBody();
        if (body == event.parsed() || body == event.record().value()) {
            return event.value();
        }
        return json(event, body);
    }

    /** A body as JSON bytes: bytes and text as they are, anything else written by Jackson. */
    public static byte[] json(ChatEvent event, Object body) {
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return EventReader.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the body of " + event.describe() + " as JSON", e);
        }
    }

    /** Inside a split (one task per attachment), the index of the part; else null. */
    public static Integer index(Exchange exchange) {
        return exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
    }

    /** {@code base}, or {@code base<separator><index>} inside a split. */
    public static String indexed(String base, String separator, Integer index) {
        return index == null ? base : base + separator + index;
    }

    public static RetryPolicy policy(Exchange exchange, RetryPolicy fallback) {
        RetryPolicy policy = exchange.getProperty(RetryPolicy.PROPERTY, RetryPolicy.class);
        return policy != null ? policy : fallback;
    }
}
