package io.quckchat.router.delivery;

import io.quckchat.router.event.RetryPolicy;

/** The backoff of a lane whose destination is unreachable (a bean of its own, apart from the legs' policy). */
public record OutagePolicy(RetryPolicy backoff) {}
