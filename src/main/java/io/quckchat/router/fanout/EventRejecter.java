package io.quckchat.router.fanout;

import io.quckchat.router.event.ChatEvent;

/** Takes an event the route could not fan out and sends it, whole, to the dead-letter path with the reason. */
public interface EventRejecter {

    void reject(ChatEvent event, Throwable cause, Class<?> rejectedBy);
}
