package io.quckchat.router.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;

/**
 * Camel's per-route Micrometer metrics ({@code camel_exchanges_*}, {@code camel_route_*}) for every
 * route except the fan-out routes (those that start from {@code chat-events:}).
 *
 * <p>A fan-out route only collects an event's legs; what operators need of it is counted by the
 * router's own meters: {@code quckchat_events_received_total} per route, {@code quckchat_legs_total}
 * and {@code quckchat_leg_failures_total} per route and destination, dead letters, and the end-to-end
 * {@code quckchat_event_latency_seconds}. Camel's route policy would count the same events again and
 * time only the route's step of collecting legs, at a cost the router pays per event: it builds a
 * property name with {@code String.format} twice per exchange (measured in
 * docs/benchmark.md#where-the-time-went-and-what-was-fixed, "route policy"). Every other route (HTTP ingress, schedules,
 * dead-letter redrive) keeps Camel's route metrics; JMX statistics per route (Hawtio) cover all
 * routes.
 *
 * <p>Replaces the factory of camel-micrometer-starter ({@code camel.metrics.enable-route-policy:
 * false} in config/application.yml); registered as a bean, which Camel adds to the context.
 */
public class RouteMetricsPolicyFactory extends MicrometerRoutePolicyFactory {

    static final String FANOUT_SCHEME = "chat-events:";

    public RouteMetricsPolicyFactory() {
        // a configuration of its own: the factory's default is a shared static instance
        MicrometerRoutePolicyConfiguration configuration = new MicrometerRoutePolicyConfiguration();
        configuration.setContextEnabled(false);
        configuration.setRouteEnabled(true);
        setPolicyConfiguration(configuration);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return isFanout(route) ? null : super.createRoutePolicy(camelContext, routeId, route);
    }

    static boolean isFanout(NamedNode route) {
        return route instanceof RouteDefinition definition
                && definition.getInput() != null
                && definition.getInput().getEndpointUri() != null
                && definition.getInput().getEndpointUri().startsWith(FANOUT_SCHEME);
    }
}
