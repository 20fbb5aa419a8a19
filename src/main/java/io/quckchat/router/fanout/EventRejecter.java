package io.quckchat.router.fanout;

/** Takes an event the route could not fan out and sends it, whole, to the dead-letter path with the reason. */
public interface EventRejecter {

    void reject(ChatEvent event, Throwable cause, Class<?> rejectedBy);
}
