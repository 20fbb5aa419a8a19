package io.quckchat.router.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One delivery of one event to one destination: a RabbitMQ task, a BullMQ job, or a dead letter.
 *
 * <p>{@link #name()} identifies the leg within its event (it is the ledger's field, and with the
 * event id it makes the RabbitMQ {@code message_id} and the BullMQ {@code jobId}), so a replayed
 * event produces the same legs with the same names and the ledger can skip those already done.
 */
public final class Leg {

    public enum Outcome {
        /** Confirmed by its destination. */
        DELIVERED,
        /** The ledger says an earlier delivery of this event already did it. */
        SKIPPED,
        /** Failed past its policy and written to the dead-letter topic. */
        DEAD_LETTERED,
        /** Its partition moved to another consumer before it was sent; the new owner delivers it. */
        DROPPED
    }

    private final ChatEvent event;
    private final Destination destination;
    private final String name;
    private final byte[] payload;
    private final Object spec;
    private final RetryPolicy policy;
    private final String target;
    private final OrderingKey orderingKey;

    private final long createdNanos = System.nanoTime();
    private volatile Consumer<Leg> listener = leg -> {};
    private volatile boolean counted;
    private volatile Outcome outcome;
    private long sequence;
    private int attempts;
    private Instant firstFailure;
    private Instant lastFailure;
    private Throwable lastError;

    /**
     * @param destination the lane that delivers it
     * @param name unique within the event, e.g. {@code rabbitmq:notifications} or {@code bullmq:push/new-message}
     * @param payload the bytes to deliver
     * @param spec what the destination needs besides the payload (queue, job options, ...)
     */
    public Leg(ChatEvent event, Destination destination, String name, byte[] payload, Object spec, RetryPolicy policy) {
        this.event = Objects.requireNonNull(event);
        this.destination = Objects.requireNonNull(destination);
        this.name = Objects.requireNonNull(name);
        this.payload = payload;
        this.spec = spec;
        this.policy = Objects.requireNonNull(policy);
        this.target = targetOf(name);
        this.orderingKey = new OrderingKey(target, event.orderingKey());
    }

    /** Where a leg goes: implemented by the delivery lanes. */
    public interface Destination {
        String name();

        void submit(Leg leg);
    }

    public ChatEvent event() {
        return event;
    }

    public Destination destination() {
        return destination;
    }

    public String name() {
        return name;
    }

    public byte[] payload() {
        return payload;
    }

    @SuppressWarnings("unchecked")
    public <T> T spec() {
        return (T) spec;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** When the route made the leg, {@link System#nanoTime()}. */
    public long createdNanos() {
        return createdNanos;
    }

    /**
     * The leg's destination without event-specific parts, for metric tags: e.g. {@code
     * notifications}, {@code push/new-message}, {@code event}. A bounded set: it comes from routes.
     */
    public String target() {
        return target;
    }

    /** Leg names come from routes (a bounded set), so each target is computed once. */
    private static final Map<String, String> TARGETS = new ConcurrentHashMap<>();

    private static String targetOf(String name) {
        String target = TARGETS.get(name);
        if (target == null) {
            String afterScheme = name.substring(name.indexOf(':') + 1);
            int index = afterScheme.indexOf('#');
            target = index < 0 ? afterScheme : afterScheme.substring(0, index);
            if (TARGETS.size() < 10_000) { // a bound, in case names ever carry event data
                TARGETS.put(name, target);
            }
        }
        return target;
    }

    /**
     * Legs with the same ordering key reach their destination one after another, in offset order:
     * the event's key (conversation, user, else partition) on one target (queue, job queue and name).
     * An event's legs to different targets go out side by side.
     */
    public OrderingKey orderingKey() {
        return orderingKey;
    }

    /**
     * The key that orders legs on a lane: a target and the event's ordering key. Looked up in the
     * lane's map for every leg sent and confirmed, so its hash is computed once.
     */
    public static final class OrderingKey {
        private final String target;
        private final String eventKey;
        private final int hash;

        public OrderingKey(String target, String eventKey) {
            this.target = target;
            this.eventKey = eventKey;
            this.hash = 31 * target.hashCode() + eventKey.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OrderingKey other
                    && hash == other.hash
                    && target.equals(other.target)
                    && eventKey.equals(other.eventKey);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return target + "|" + eventKey;
        }
    }

    /** What else happens when the leg resolves, before its event hears of it. */
    public void onResolved(Consumer<Leg> listener) {
        this.listener = listener;
    }

    /** Set when the leg is one of its event's legs (and so holds back the event's completion). */
    void counted() {
        this.counted = true;
    }

    /** Marks the leg done. Only the first call counts. */
    public void resolve(Outcome outcome) {
        synchronized (this) {
            if (this.outcome != null) {
                return;
            }
            this.outcome = outcome;
        }
        listener.accept(this);
        if (counted) {
            event.legResolved();
        }
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean isResolved() {
        return outcome != null;
    }

    // Bookkeeping of the lane that owns the leg; only touched under that lane's lock.

    public long sequence() {
        return sequence;
    }

    public void sequence(long sequence) {
        this.sequence = sequence;
    }

    public int attempts() {
        return attempts;
    }

    /** Counts a failed attempt and returns how many there have been. */
    public int failed(Throwable error) {
        Instant now = Instant.now();
        if (firstFailure == null) {
            firstFailure = now;
        }
        lastFailure = now;
        lastError = error;
        return ++attempts;
    }

    public Instant firstFailure() {
        return firstFailure;
    }

    public Instant lastFailure() {
        return lastFailure;
    }

    public Throwable lastError() {
        return lastError;
    }

    /** "where" for log lines: event id, route, leg. */
    public String describe() {
        return "leg " + name + " of " + event.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
