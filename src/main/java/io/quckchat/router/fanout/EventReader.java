package io.quckchat.router.fanout;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * First step of every fan-out route (through the {@code fanout} route configuration): parses the
 * record value into a JSON object, checks it against its topic's schema, and attaches the leg
 * retry policy. Anything else is an {@link InvalidEventException}, which dead-letters the event.
 */
public class EventReader implements Processor {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final EventSchemas schemas;
    private final RetryPolicy policy;

    public EventReader(EventSchemas schemas, RetryPolicy policy) {
        this.schemas = schemas;
        this.policy = policy;
    }

    @Override
    public void process(Exchange exchange) {
        ChatEvent event = ChatEvent.of(exchange);
        exchange.setProperty(RetryPolicy.PROPERTY, policy);
        byte[] value = event.value();
        if (value.length == 0) {
            throw new InvalidEventException(event.topic() + " event has an empty value; expected a JSON object");
        }
        JsonNode json;
        try {
            json = JSON.readTree(value);
        } catch (JacksonException e) {
            throw new InvalidEventException(event.topic() + " event is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw new InvalidEventException(event.topic() + " event cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidEventException(event.topic() + " event must be a JSON object, got "
                    + (json == null ? "nothing" : json.getNodeType().toString().toLowerCase()));
        }
        schemas.validate(event.topic(), json);
        event.parsed(json);
        exchange.getMessage().setBody(json);
    }
}
