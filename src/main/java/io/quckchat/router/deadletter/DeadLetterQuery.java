package io.quckchat.router.deadletter;

import java.time.Instant;

/**
 * Which dead letters: each field null means "any".
 *
 * @param topic the source topic, e.g. message.sent
 * @param errorClass the exception class: a fully qualified name matches that class, a simple name
 *     (no dot) the class of that name in any package
 * @param from dead-lettered at or after
 * @param to dead-lettered before
 */
public record DeadLetterQuery(
        String topic, String eventId, String leg, String errorClass, Instant from, Instant to, Boolean redriven) {

    public static final DeadLetterQuery ALL = new DeadLetterQuery(null, null, null, null, null, null, null);
}
