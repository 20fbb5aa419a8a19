package io.quckchat.router.fanout;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The {@code fanout} route configuration that every YAML route names with {@code
 * routeConfigurationId: fanout}. It holds the policy in one place:
 *
 * <ul>
 *   <li>every event is read, checked against its schema and given the leg {@link RetryPolicy}
 *       (attempts, capped exponential backoff with jitter) by the {@link EventReader};
 *   <li>an event that fails there, or that the route cannot map, is not fanned out: it goes whole
 *       to {@code <topic>.dlq} with the reason, and the partition goes on.
 * </ul>
 *
 * Delivery failures of single legs are handled by the lanes under the same policy.
 */
public class FanoutRouteConfiguration extends RouteConfigurationBuilder {

    public static final String ID = "fanout";

    private final EventReader reader;
    private final EventRejecter deadLetters;

    public FanoutRouteConfiguration(EventReader reader, EventRejecter deadLetters) {
        this.reader = reader;
        this.deadLetters = deadLetters;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .interceptFrom("chat-events:*")
                .process(reader)
                .end()
                .onException(Exception.class)
                .handled(true)
                .process(this::reject);
    }

    private void reject(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        deadLetters.reject(ChatEvent.of(exchange), cause, FanoutRouteConfiguration.class);
    }
}
