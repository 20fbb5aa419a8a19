package io.quckchat.router.delivery;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;

/** What metrics see of the delivery machinery. Every method is called on a hot path: keep it cheap. */
public interface DeliveryObserver {

    DeliveryObserver NONE = new DeliveryObserver() {};

    /** An event was read from Kafka and routed. */
    default void received(ChatEvent event) {}

    /** A leg of an event ended: delivered, skipped, dead-lettered or dropped. */
    default void resolved(Leg leg) {}

    /** A delivery attempt failed; {@code transientFailure}: the destination was away (retried without limit). */
    default void failed(Leg leg, Throwable cause, boolean transientFailure) {}

    /** A dead letter was written to {@code <topic>.dlq}. */
    default void deadLettered(Leg deadLetter) {}

    /** Every leg of an event ended. */
    default void completed(ChatEvent event) {}
}
