package io.quckchat.router.source;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the consumer stops fetching because too many events are in flight: at {@code max-in-flight}
 * it pauses every partition (no rebalance: it keeps polling), and it fetches again once half of
 * them completed. The completion that gets it there says so, so that the poll loop does not sit
 * out its poll timeout.
 */
final class BackPressure {

    private final int maxInFlight;
    private volatile boolean paused;
    /** While paused: completions until the in-flight count is down to half. */
    private final AtomicInteger completionsToResume = new AtomicInteger();

    BackPressure(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** Decides from the events in flight whether fetching pauses; true while it does. */
    boolean update(int inFlight) {
        if (!paused && inFlight >= maxInFlight) {
            paused = true;
        } else if (paused && inFlight <= maxInFlight / 2) {
            paused = false;
        }
        if (paused) {
            completionsToResume.set(Math.max(1, inFlight - maxInFlight / 2));
        }
        return paused;
    }

    boolean paused() {
        return paused;
    }

    /** An event completed; true when enough did for fetching to resume now. */
    boolean completed() {
        return paused && completionsToResume.decrementAndGet() == 0;
    }
}
