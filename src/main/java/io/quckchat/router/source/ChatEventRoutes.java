package io.quckchat.router.source;

/**
 * Where started {@code chat-events} routes register: the Kafka poll loop ({@link ChatEventSource})
 * in the router, or a route sandbox that hands records to {@link ChatEventsConsumer#route} itself
 * (route tests, the routing simulator).
 */
public interface ChatEventRoutes {

    /** A route started: its topic is consumed from now on. */
    void register(ChatEventsConsumer route);

    /** A route stopped: finish its in-flight events and stop consuming its topic. Blocks until done. */
    void unregister(ChatEventsConsumer route) throws Exception;

    /** Suspends or resumes a topic (route suspend / resume). */
    void pause(String topic, boolean pause);
}
