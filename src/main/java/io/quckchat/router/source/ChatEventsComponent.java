package io.quckchat.router.source;

import io.quckchat.router.fanout.EventRejecter;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code chat-events:<topic>}: consumes one Kafka topic of chat events for a fan-out route, with
 * the router's delivery guarantees: the offset of an event is committed only when every leg the
 * route gave it is delivered or dead-lettered (see {@link ChatEventSource}).
 */
@Component("chat-events")
public class ChatEventsComponent extends DefaultComponent {

    private final ChatEventRoutes source;
    private final EventRejecter deadLetters;

    /**
     * @param source where started routes register: the Kafka poll loop, or a route sandbox
     * @param deadLetters takes the events a route fails on
     */
    public ChatEventsComponent(ChatEventRoutes source, EventRejecter deadLetters) {
        this.source = source;
        this.deadLetters = deadLetters;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("chat-events needs a topic: chat-events:<topic>, got " + uri);
        }
        ChatEventsEndpoint endpoint = new ChatEventsEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    ChatEventRoutes source() {
        return source;
    }

    EventRejecter deadLetters() {
        return deadLetters;
    }
}
