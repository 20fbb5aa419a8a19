package io.quckchat.router.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quckchat.router.delivery.DeliveryObserver;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of the fan-out, per route and per destination leg. Tags come from routes and
 * topics only (route, topic, destination, target, outcome), never from event ids, so their
 * cardinality is bounded by the route files. See docs/operations.md for the list.
 */
public class DeliveryMetrics implements DeliveryObserver {

    private static final Map<Leg.Outcome, String> OUTCOME_TAGS = new EnumMap<>(Leg.Outcome.class);

    static {
        for (Leg.Outcome outcome : Leg.Outcome.values()) {
            OUTCOME_TAGS.put(outcome, outcome.name().toLowerCase(Locale.ROOT));
        }
    }

    private final MeterRegistry registry;
    private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();
    private final Map<MeterKey, Timer> timers = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void received(ChatEvent event) {
        counter(
                        "quckchat.events.received",
                        "Events read from Kafka and routed",
                        "topic",
                        event.topic(),
                        "route",
                        route(event))
                .increment();
    }

    @Override
    public void resolved(Leg leg) {
        String outcome = OUTCOME_TAGS.get(leg.outcome());
        counter(
                        "quckchat.legs",
                        "Legs that ended, by outcome (delivered, skipped, dead_lettered, dropped)",
                        legTags(leg, "outcome", outcome))
                .increment();
        if (leg.outcome() == Leg.Outcome.DELIVERED) {
            timer(
                            "quckchat.leg.latency",
                            "From routing an event to the destination's confirmation of one leg",
                            "destination",
                            leg.destination().name(),
                            "target",
                            leg.target())
                    .record(System.nanoTime() - leg.createdNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void failed(Leg leg, Throwable cause, boolean transientFailure) {
        counter(
                        "quckchat.leg.failures",
                        "Failed delivery attempts; each is retried (transient: destination away; rejected: by policy)",
                        legTags(leg, "kind", transientFailure ? "transient" : "rejected"))
                .increment();
    }

    @Override
    public void deadLettered(Leg deadLetter) {
        counter(
                        "quckchat.dead.letters",
                        "Dead letters written to <topic>.dlq, by the leg that failed",
                        "route",
                        route(deadLetter.event()),
                        "topic",
                        deadLetter.event().topic(),
                        "leg",
                        deadLetter.target())
                .increment();
    }

    @Override
    public void completed(ChatEvent event) {
        long ageMillis = System.currentTimeMillis() - event.timestamp();
        timer(
                        "quckchat.event.latency",
                        "End to end: from the event's Kafka timestamp until every leg is confirmed or dead-lettered",
                        "topic",
                        event.topic())
                .record(Math.max(0, ageMillis), TimeUnit.MILLISECONDS);
    }

    /** route, destination and target of a leg, then one more tag. */
    private static String[] legTags(Leg leg, String key, String value) {
        return new String[] {
            "route", route(leg.event()), "destination", leg.destination().name(), "target", leg.target(), key, value
        };
    }

    private static String route(ChatEvent event) {
        return event.routeId() == null ? "none" : event.routeId();
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(
                key(name, tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, String... tags) {
        return timers.computeIfAbsent(
                key(name, tags),
                k -> Timer.builder(name)
                        .description(description)
                        .tags(tags)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(5))
                        .register(registry));
    }

    /**
     * A meter's name and tags; looked up per leg, so it keeps the tags array as it is (no joined
     * string, and equality without iterators).
     */
    private record MeterKey(String name, String[] tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof MeterKey other && name.equals(other.name) && Arrays.equals(tags, other.tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(tags);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(tags);
        }
    }

    private static MeterKey key(String name, String... tags) {
        return new MeterKey(name, tags);
    }
}
