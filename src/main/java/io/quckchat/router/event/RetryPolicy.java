package io.quckchat.router.event;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Attempts and capped exponential backoff with jitter for a leg (docs/contract.md §8). The fan-out route
 * configuration attaches it to every event; sinks hand it to their legs.
 *
 * @param attempts tries of a leg that its destination rejects, before it is dead-lettered
 * @param jitter fraction of each backoff that is random, 0..1
 */
public record RetryPolicy(
        int attempts, Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter) {

    /** Exchange property holding the policy of the current route's legs. */
    public static final String PROPERTY = "QuckChatRetryPolicy";

    /** The wait before attempt {@code failures + 1}, after {@code failures} failed ones (≥ 1). */
    public Duration backoff(int failures) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        double capped = Math.min(base, maxBackoff.toMillis());
        double random = ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.round(capped * (1 - jitter) + capped * jitter * random));
    }
}
