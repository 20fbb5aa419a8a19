package io.quckchat.router.event;

import org.slf4j.MDC;

/**
 * Puts the event id, topic, route and leg of what a log line is about into the MDC, so that
 * structured (JSON) logs carry them as fields: {@code try (var ignored = LogContext.of(leg)) { log... }}.
 */
public final class LogContext implements AutoCloseable {

    public static final String EVENT_ID = "eventId";
    public static final String TOPIC = "topic";
    public static final String ROUTE = "route";
    public static final String LEG = "leg";

    private LogContext() {}

    public static LogContext of(ChatEvent event) {
        MDC.put(EVENT_ID, event.id());
        MDC.put(TOPIC, event.topic());
        if (event.routeId() != null) {
            MDC.put(ROUTE, event.routeId());
        }
        return new LogContext();
    }

    public static LogContext of(Leg leg) {
        LogContext context = of(leg.event());
        MDC.put(LEG, leg.name());
        return context;
    }

    @Override
    public void close() {
        MDC.remove(EVENT_ID);
        MDC.remove(TOPIC);
        MDC.remove(ROUTE);
        MDC.remove(LEG);
    }
}
