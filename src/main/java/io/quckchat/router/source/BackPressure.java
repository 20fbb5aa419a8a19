package io.quckchat.router.source;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the consumer stops fetching because too much is in flight: at {@code max-in-flight} events
 * or {@code max-in-flight-bytes} bytes it pauses every partition (no rebalance: it keeps polling),
 * and it fetches again once both are down to half. The completion that gets it there says so, so
 * that the poll loop does not sit out its poll timeout; while paused by bytes that completion is
 * estimated from the events' average size (the next poll looks again either way).
 */
final class BackPressure {

    private final int maxInFlight;
    private final long maxBytes;
    private volatile boolean paused;
    /** While paused: completions until the in-flight count and bytes are down to half. */
    private final AtomicInteger completionsToResume = new AtomicInteger();

    BackPressure(int maxInFlight, long maxBytes) {
        this.maxInFlight = maxInFlight;
        this.maxBytes = maxBytes;
    }

    /** Decides from the events in flight and their bytes whether fetching pauses; true while it does. */
    boolean update(int inFlight, long bytes) {
        if (!paused && (inFlight >= maxInFlight || bytes >= maxBytes)) {
            paused = true;
        } else if (paused && inFlight <= maxInFlight / 2 && bytes <= maxBytes / 2) {
            paused = false;
        }
        if (paused) {
            long byCount = inFlight - maxInFlight / 2;
            long byBytes = 0;
            if (bytes > maxBytes / 2 && inFlight > 0) {
                long average = Math.max(1, bytes / inFlight);
                byBytes = (bytes - maxBytes / 2 + average - 1) / average;
            }
            completionsToResume.set((int) Math.max(1, Math.min(inFlight, Math.max(byCount, byBytes))));
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
