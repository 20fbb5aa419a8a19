package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The {@code schedules} route configuration: a slot whose job cannot be added (Redis away) is
 * retried with capped exponential backoff for about an hour, without blocking other schedules; a
 * job BullMQ would refuse is logged and not retried.
 */
public class SchedulesRouteConfiguration extends RouteConfigurationBuilder {

    public static final String ID = "schedules";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(70)
                        .redeliveryDelay(1000)
                        .useExponentialBackOff()
                        .maximumRedeliveryDelay(60_000)
                        .asyncDelayedRedelivery()
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logExhausted(true))
                .onException(BullMqException.class)
                .handled(true)
                .maximumRedeliveries(0)
                .log(LoggingLevel.ERROR, "Schedule ${routeId} could not add its job: ${exception.message}");
    }
}
