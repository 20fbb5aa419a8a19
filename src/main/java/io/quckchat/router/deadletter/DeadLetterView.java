package io.quckchat.router.deadletter;

import java.time.Instant;

/**
 * A dead letter as the API shows it.
 *
 * @param id {@code <dlq topic>/<partition>/<offset>}, what redrive takes
 * @param redrivenAt when it was redriven, or null
 */
public record DeadLetterView(
        String id,
        String topic,
        int partition,
        long offset,
        String eventId,
        String route,
        String stage,
        String leg,
        String errorClass,
        String errorMessage,
        int attempts,
        String firstFailure,
        String lastFailure,
        Instant deadLetteredAt,
        String key,
        String value,
        Instant redrivenAt,
        String redriveScope) {}
