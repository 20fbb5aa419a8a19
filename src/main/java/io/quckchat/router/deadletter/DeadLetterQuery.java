package io.quckchat.router.deadletter;

import java.time.Instant;

/**
 * Which dead letters: each field null means "any".
 *
 * @param topic the source topic, e.g. message.sent
 * @param errorClass the exception class, simple or fully qualified name
 * @param from dead-lettered at or after
 * @param to dead-lettered before
 */
public record DeadLetterQuery(
        String topic, String eventId, String leg, String errorClass, Instant from, Instant to, Boolean redriven) {

    public static final DeadLetterQuery ALL = new DeadLetterQuery(null, null, null, null, null, null, null);

    boolean matches(DeadLetterView letter) {
        return (topic == null || topic.equals(letter.topic()))
                && (eventId == null || eventId.equals(letter.eventId()))
                && (leg == null || leg.equals(letter.leg()))
                && (errorClass == null
                        || errorClass.equals(letter.errorClass())
                        || (letter.errorClass() != null && letter.errorClass().endsWith("." + errorClass)))
                && (from == null || !letter.deadLetteredAt().isBefore(from))
                && (to == null || letter.deadLetteredAt().isBefore(to))
                && (redriven == null || redriven == (letter.redrivenAt() != null));
    }
}
