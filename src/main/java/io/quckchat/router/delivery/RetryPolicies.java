package io.quckchat.router.delivery;

import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.event.RetryPolicy;

/** The two retry policies of the settings ({@code quckchat.delivery.*}). */
public final class RetryPolicies {

    private RetryPolicies() {}

    /** The policy of legs that a destination rejects: attempts, then dead letter. */
    public static RetryPolicy legs(RouterProperties.Delivery delivery) {
        return new RetryPolicy(
                delivery.attempts(),
                delivery.initialBackoff(),
                delivery.maxBackoff(),
                delivery.backoffMultiplier(),
                delivery.jitter());
    }

    /** The policy while a destination is unreachable: retried without limit, never dead-lettered. */
    public static RetryPolicy outage(RouterProperties.Delivery delivery) {
        return new RetryPolicy(
                Integer.MAX_VALUE,
                delivery.initialBackoff().dividedBy(2),
                delivery.outageMaxBackoff(),
                delivery.backoffMultiplier(),
                delivery.jitter());
    }
}
