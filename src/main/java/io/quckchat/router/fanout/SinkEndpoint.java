package io.quckchat.router.fanout;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.time.Duration;
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

    @UriParam(
            label = "delivery",
            description = "Attempts to deliver this leg when its destination refuses it (unroutable publish,"
                    + " refused job), the first one included, before it is dead-lettered. Default: the route"
                    + " configuration's, quckchat.delivery.attempts (5). A destination that is away is retried"
                    + " without limit whatever this says.")
    private Integer deliveryAttempts;

    @UriParam(
            label = "delivery",
            javaType = "java.time.Duration",
            description = "Wait before this leg's second attempt after a refusal (e.g. 500ms, 2s); it doubles"
                    + " per attempt up to deliveryMaxBackoff. Default: quckchat.delivery.initial-backoff (1s).")
    private Duration deliveryInitialBackoff;

    @UriParam(
            label = "delivery",
            javaType = "java.time.Duration",
            description = "Longest wait between this leg's attempts (e.g. 30s). Default:"
                    + " quckchat.delivery.max-backoff (30s).")
    private Duration deliveryMaxBackoff;

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

    public Integer getDeliveryAttempts() {
        return deliveryAttempts;
    }

    public void setDeliveryAttempts(Integer deliveryAttempts) {
        this.deliveryAttempts = deliveryAttempts;
    }

    public Duration getDeliveryInitialBackoff() {
        return deliveryInitialBackoff;
    }

    public void setDeliveryInitialBackoff(Duration deliveryInitialBackoff) {
        this.deliveryInitialBackoff = deliveryInitialBackoff;
    }

    public Duration getDeliveryMaxBackoff() {
        return deliveryMaxBackoff;
    }

    public void setDeliveryMaxBackoff(Duration deliveryMaxBackoff) {
        this.deliveryMaxBackoff = deliveryMaxBackoff;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        checkDeliveryPolicy();
        if (payload != null && !payload.isBlank()) {
            mapping = getCamelContext().resolveLanguage("jq").createExpression(payload);
            mapping.init(getCamelContext());
        }
    }

    /** The options that override the route configuration's retry policy must make a policy on their own. */
    private void checkDeliveryPolicy() {
        String uri = getEndpointUri();
        if (deliveryAttempts != null && deliveryAttempts < 1) {
            throw new IllegalArgumentException("deliveryAttempts of " + uri
                    + " must be at least 1 (the first attempt counts), got " + deliveryAttempts);
        }
        for (Duration backoff : new Duration[] {deliveryInitialBackoff, deliveryMaxBackoff}) {
            if (backoff != null && (backoff.isNegative() || backoff.isZero())) {
                throw new IllegalArgumentException("deliveryInitialBackoff and deliveryMaxBackoff of " + uri
                        + " must be positive, got " + backoff);
            }
        }
        if (deliveryInitialBackoff != null
                && deliveryMaxBackoff != null
                && deliveryMaxBackoff.compareTo(deliveryInitialBackoff) < 0) {
            throw new IllegalArgumentException("deliveryMaxBackoff of " + uri + " (" + deliveryMaxBackoff
                    + ") is shorter than its deliveryInitialBackoff (" + deliveryInitialBackoff + ")");
        }
    }

    /**
     * The retry policy of this endpoint's legs: the route configuration's ({@code fallback} when it
     * has none), with what this endpoint's delivery options override. A maximum shorter than an
     * inherited initial backoff is raised to it.
     */
    RetryPolicy policy(RetryPolicy fallback) {
        if (deliveryAttempts == null && deliveryInitialBackoff == null && deliveryMaxBackoff == null) {
            return fallback;
        }
        int attempts = deliveryAttempts != null ? deliveryAttempts : fallback.attempts();
        Duration initial = deliveryInitialBackoff != null ? deliveryInitialBackoff : fallback.initialBackoff();
        Duration max = deliveryMaxBackoff != null ? deliveryMaxBackoff : fallback.maxBackoff();
        if (max.compareTo(initial) < 0) {
            max = initial;
        }
        return new RetryPolicy(attempts, initial, max, fallback.multiplier(), fallback.jitter());
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
                RetryPolicy policy = policy(Sinks.policy(exchange, defaultPolicy()));
                event.addLeg(leg(exchange, event, Sinks.index(exchange), body, policy));
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(getEndpointBaseUri() + " is a sink: use it in to:, not from:");
    }
}
