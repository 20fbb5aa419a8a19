package io.quckchat.router.fanout;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * What every fan-out sink endpoint does: in a route that starts from {@code chat-events}, turn the
 * exchange into one leg of its event — the task body (the event itself, or what the {@code
 * payload} jq expression makes of it), the split index when inside a split, and the route
 * configuration's retry policy — and add it to the event. Delivery happens after the route.
 */
public abstract class SinkEndpoint extends DefaultEndpoint {

    @UriParam(
            description = "jq expression that makes the task body from the current body (the event), e.g."
                    + " '{to: .email, userId: .userId}'. Default: the current body unchanged; an unchanged event"
                    + " is delivered byte for byte.")
    private String payload;

    private Expression mapping;

    protected SinkEndpoint(String uri, Component component) {
        super(uri, component);
    }

    public String getPayload() {
        return payload;
    }

    public void setPayload(String payload) {
        this.payload = payload;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (payload != null && !payload.isBlank()) {
            mapping = getCamelContext().resolveLanguage("jq").createExpression(payload);
            mapping.init(getCamelContext());
        }
    }

    /** The leg for this exchange; {@code index} is the split index or null. */
    protected abstract Leg leg(Exchange exchange, ChatEvent event, Integer index, byte[] payload, RetryPolicy policy);

    /** The policy for legs of routes that name no route configuration. */
    protected abstract RetryPolicy defaultPolicy();

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) {
                ChatEvent event = ChatEvent.of(exchange);
                byte[] body = mapping == null
                        ? Sinks.payload(exchange, event)
                        : Sinks.json(event, mapping.evaluate(exchange, Object.class));
                event.addLeg(
                        leg(exchange, event, Sinks.index(exchange), body, Sinks.policy(exchange, defaultPolicy())));
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(getEndpointBaseUri() + " is a sink: use it in to:, not from:");
    }
}
