package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quckchat.router.ops.MeterHistory.Charts;
import io.quckchat.router.ops.MeterHistory.EdgeRate;
import io.quckchat.router.ops.MeterHistory.Rates;
import io.quckchat.router.ops.MeterHistory.SeriesView;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The charts' history on a real {@link SimpleMeterRegistry}, sampled by hand on a manual clock: the
 * meters are registered with the names, tags and histogram settings {@link DeliveryMetrics} gives
 * them, and the histograms count since the start as the Prometheus registry's do (a filter sets
 * what PrometheusHistogram sets: no expiry, one buffer).
 */
class MeterHistoryTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final Map<TopicPartition, Long> lag = new HashMap<>();

    MeterHistoryTest() {
        registry.config().meterFilter(prometheusBuckets(false));
    }

    /**
     * A SimpleMeterRegistry gives the percentile-histogram buckets to no timer (it does not publish
     * aggregable percentiles): this filter makes the same bounds, those the Prometheus registry
     * uses, service-level objectives, so the histogram has them. Unless {@code rotating}, it also
     * does what PrometheusHistogram does: no expiry, one buffer, so the buckets count since the
     * start.
     */
    private static MeterFilter prometheusBuckets(boolean rotating) {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                DistributionStatisticConfig.Builder builder = DistributionStatisticConfig.builder()
                        .serviceLevelObjectives(config.getHistogramBuckets(true).stream()
                                .mapToDouble(Double::doubleValue)
                                .toArray());
                if (!rotating) {
                    builder.expiry(Duration.ofDays(1825)).bufferLength(1);
                }
                return builder.build().merge(config);
            }
        };
    }

    private MeterHistory history(int maxSeries) {
        return new MeterHistory(registry, () -> Map.copyOf(lag), clock, INTERVAL, maxSeries);
    }

    private void tick(MeterHistory history) {
        clock.add(INTERVAL);
        history.sample();
    }

    @Test
    void ratesPerTopicAndDestinationAndTheLastIntervalsEdges() {
        MeterHistory history = history(MeterHistory.MAX_SERIES);
        received("message.sent", "message-sent").increment(7); // before the first reading: not charted
        history.sample();
        long start = clock.wallTime();

        received("message.sent", "message-sent").increment(50);
        received("user.updated", "user-updated").increment(20);
        legs("message-sent", "rabbitmq", "notifications", "delivered").increment(30);
        legs("message-sent", "bullmq", "push/new-message", "delivered").increment(10);
        legs("message-sent", "rabbitmq", "analytics", "dead_lettered").increment(2);
        failures("message-sent", "rabbitmq", "analytics", "transient").increment(4);
        failures("message-sent", "rabbitmq", "analytics", "rejected").increment(1);
        deadLetters("message-sent", "message.sent", "analytics").increment(2);
        lag.put(new TopicPartition("message.sent", 0), 3L);
        lag.put(new TopicPartition("message.sent", 1), 4L);
        lag.put(new TopicPartition("user.updated", 0), 1L);
        tick(history);

        Charts charts = history.charts();
        assertThat(charts.interval()).isEqualTo(10.0);
        assertThat(charts.timestamps()).containsExactly(start + 10_000);
        assertThat(value(charts, "events", "message.sent")).isEqualTo(5.0);
        assertThat(value(charts, "events", "user.updated")).isEqualTo(2.0);
        assertThat(value(charts, "legs", "rabbitmq/notifications")).isEqualTo(3.0);
        assertThat(value(charts, "legs", "bullmq/push/new-message")).isEqualTo(1.0);
        assertThat(find(charts, "legs", "rabbitmq/analytics"))
                .as("only delivered legs are charted")
                .isNull();
        assertThat(value(charts, "lag", "message.sent")).isEqualTo(7.0);
        assertThat(value(charts, "lag", "user.updated")).isEqualTo(1.0);
        assertThat(value(charts, "failures", "retries")).isEqualTo(0.5);
        assertThat(value(charts, "failures", "dead letters")).isEqualTo(0.2);
        assertThat(find(charts, "events", "message.sent").unit()).isEqualTo("events/s");
        assertThat(charts.series())
                .extracting(SeriesView::chart)
                .as("in the order the charts are drawn")
                .containsExactly("events", "events", "legs", "legs", "lag", "lag", "failures", "failures");

        Rates rates = history.rates();
        assertThat(rates.at()).isEqualTo(start + 10_000);
        assertThat(rates.interval()).isEqualTo(10.0);
        assertThat(rates.topics())
                .containsExactly(
                        new MeterHistory.TopicRate("message.sent", 5.0, 7L),
                        new MeterHistory.TopicRate("user.updated", 2.0, 1L));
        assertThat(rates.routes())
                .containsExactly(
                        new MeterHistory.RouteRate("message.sent", "message-sent", 5.0),
                        new MeterHistory.RouteRate("user.updated", "user-updated", 2.0));
        assertThat(rates.edges())
                .containsExactly(
                        new EdgeRate("message-sent", "bullmq", "push/new-message", 1.0, 10, 0, 0),
                        new EdgeRate("message-sent", "rabbitmq", "analytics", 0.2, 0, 5, 2),
                        new EdgeRate("message-sent", "rabbitmq", "notifications", 3.0, 30, 0, 0));

        // A quiet interval: zero rates, the edges still there for the flow map
        received("message.sent", "message-sent").increment(5);
        clock.add(Duration.ofSeconds(5)); // a late sample: rates over the time that really passed
        tick(history);
        charts = history.charts();
        assertThat(charts.timestamps()).containsExactly(start + 10_000, start + 25_000);
        assertThat(find(charts, "events", "message.sent").values()).containsExactly(5.0, round(5 / 15.0));
        assertThat(find(charts, "events", "user.updated").values()).containsExactly(2.0, 0.0);
        assertThat(history.rates().edges()).extracting(EdgeRate::perSecond).containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void latencyPercentilesAreOfTheIntervalNotSinceTheStart() {
        MeterHistory history = history(MeterHistory.MAX_SERIES);
        history.sample();

        record(latency("rabbitmq", "notifications"), 60, 10);
        record(latency("rabbitmq", "analytics"), 40, 10); // merged with the other target
        record(latency("bullmq", "push/new-message"), 10, 3);
        tick(history);
        assertThat(value(history.charts(), "latency", "rabbitmq p50"))
                .as("halfway through the bucket (8.9, 11.2] ms")
                .isBetween(9.5, 10.6);
        assertThat(value(history.charts(), "latency", "rabbitmq p99")).isBetween(8.0, 11.2);
        assertThat(value(history.charts(), "latency", "bullmq p50")).isBetween(2.0, 3.5);

        // Since the start the median would still be ~10 ms: 100 legs at 10 ms and 100 at 1 s
        record(latency("rabbitmq", "notifications"), 100, 1000);
        tick(history);
        assertThat(last(history.charts(), "latency", "rabbitmq p50")).isBetween(850.0, 1100.0);
        assertThat(last(history.charts(), "latency", "bullmq p50"))
                .as("no legs of bullmq in the interval: no point")
                .isNull();

        record(latency("rabbitmq", "notifications"), 97, 5);
        record(latency("rabbitmq", "analytics"), 3, 200);
        tick(history);
        assertThat(last(history.charts(), "latency", "rabbitmq p50")).isBetween(4.0, 6.0);
        assertThat(last(history.charts(), "latency", "rabbitmq p99")).isBetween(170.0, 230.0);
        assertThat(find(history.charts(), "latency", "rabbitmq p99").unit()).isEqualTo("ms");
    }

    @Test
    void aHistogramThatRotatesLeavesAGapNotAWrongPercentile() {
        // The SimpleMeterRegistry's own histograms: a 2-minute window in 3 buffers
        SimpleMeterRegistry rotating = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        rotating.config().meterFilter(prometheusBuckets(true));
        MeterHistory history = new MeterHistory(rotating, Map::of, clock, INTERVAL, MeterHistory.MAX_SERIES);
        Timer timer = timer(rotating, "rabbitmq", "notifications");
        history.sample();
        record(timer, 50, 1000);
        tick(history);
        assertThat(last(history.charts(), "latency", "rabbitmq p50")).isBetween(850.0, 1100.0);
        // Fast legs every interval while the window moves on: each rotation empties a buffer (the 50
        // slow legs leave too), a gap there; the intervals between are right
        for (int i = 0; i < 20; i++) {
            record(timer, 5, 10);
            tick(history);
        }
        Double[] points = find(history.charts(), "latency", "rabbitmq p50").values();
        List<Double> after = Arrays.asList(points).subList(1, points.length);
        assertThat(after).as("where the buckets went down").containsNull();
        assertThat(after)
                .filteredOn(Objects::nonNull)
                .hasSizeGreaterThanOrEqualTo(10)
                .allSatisfy(p50 -> assertThat(p50)
                        .as("deltas again from the next reading on")
                        .isBetween(8.0, 11.2));
    }

    @Test
    void theRingKeepsOneHourAndLetsGoOfSeriesThatStopped() {
        MeterHistory history = history(MeterHistory.MAX_SERIES);
        assertThat(history.capacity()).isEqualTo(360);
        history.sample();
        long start = clock.wallTime();
        Counter events = received("message.sent", "message-sent");
        lag.put(new TopicPartition("gone.topic", 0), 9L);
        for (int i = 1; i <= 370; i++) {
            events.increment(i * 10);
            if (i == 5) {
                lag.clear();
            }
            tick(history);
            if (i == 4) {
                assertThat(find(history.charts(), "lag", "gone.topic").values()).containsExactly(9.0, 9.0, 9.0, 9.0);
            }
            if (i == 361) {
                // the ring went round: the newest point is in the slot the first one had
                Double[] gone = find(history.charts(), "lag", "gone.topic").values();
                assertThat(gone[0]).isEqualTo(9.0);
                assertThat(gone[359]).as("not the point of an hour ago").isNull();
            }
        }
        Charts charts = history.charts();
        assertThat(charts.timestamps()).hasSize(360);
        assertThat(charts.timestamps()[0]).isEqualTo(start + 11 * 10_000);
        assertThat(charts.timestamps()[359]).isEqualTo(start + 370 * 10_000);
        Double[] values = find(charts, "events", "message.sent").values();
        assertThat(values).hasSize(360);
        assertThat(values[0]).isEqualTo(11.0);
        assertThat(values[359]).isEqualTo(370.0);
        for (int i = 1; i < 360; i++) {
            assertThat(charts.timestamps()[i] - charts.timestamps()[i - 1]).isEqualTo(10_000);
            assertThat(values[i] - values[i - 1]).isCloseTo(1.0, within(1e-9));
        }
        assertThat(find(charts, "lag", "gone.topic"))
                .as("no point for an hour: let go")
                .isNull();
    }

    @Test
    void theSeriesAreCappedAndTheFailureLinesComeFirst() {
        MeterHistory history = history(10);
        history.sample();
        for (int i = 0; i < 30; i++) {
            received("topic." + (char) ('a' + i % 26) + i, "route").increment();
            legs("route", "rabbitmq", "queue" + i, "delivered").increment();
        }
        latency("rabbitmq", "queue0").record(5, TimeUnit.MILLISECONDS);
        tick(history);
        Charts charts = history.charts();
        assertThat(charts.series()).hasSize(10);
        assertThat(charts.maxSeries()).isEqualTo(10);
        assertThat(charts.droppedSeries()).isEqualTo(2 + 30 + 30 + 2 - 10);
        assertThat(charts.series())
                .extracting(SeriesView::chart)
                .containsExactly(
                        "events",
                        "events",
                        "events",
                        "events",
                        "events",
                        "events",
                        "latency",
                        "latency",
                        "failures",
                        "failures");

        // New meters later on get no slot either; the kept series go on
        received("late.topic", "route").increment();
        tick(history);
        charts = history.charts();
        assertThat(charts.series()).hasSize(10);
        assertThat(find(charts, "events", "late.topic")).isNull();
        assertThat(find(charts, "failures", "retries").values()).containsExactly(0.0, 0.0);
    }

    private Counter received(String topic, String route) {
        return registry.counter(MeterHistory.EVENTS_RECEIVED, "topic", topic, "route", route);
    }

    private Counter legs(String route, String destination, String target, String outcome) {
        return registry.counter(
                MeterHistory.LEGS, "route", route, "destination", destination, "target", target, "outcome", outcome);
    }

    private Counter failures(String route, String destination, String target, String kind) {
        return registry.counter(
                MeterHistory.LEG_FAILURES, "route", route, "destination", destination, "target", target, "kind", kind);
    }

    private Counter deadLetters(String route, String topic, String leg) {
        return registry.counter(MeterHistory.DEAD_LETTERS, "route", route, "topic", topic, "leg", leg);
    }

    private Timer latency(String destination, String target) {
        return timer(registry, destination, target);
    }

    /** As DeliveryMetrics builds it. */
    private static Timer timer(SimpleMeterRegistry registry, String destination, String target) {
        return Timer.builder(MeterHistory.LEG_LATENCY)
                .tags("destination", destination, "target", target)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    private static void record(Timer timer, int times, long millis) {
        for (int i = 0; i < times; i++) {
            timer.record(millis, TimeUnit.MILLISECONDS);
        }
    }

    private static SeriesView find(Charts charts, String chart, String name) {
        return charts.series().stream()
                .filter(s -> s.chart().equals(chart) && s.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    /** The only point of a series. */
    private static Double value(Charts charts, String chart, String name) {
        SeriesView series = find(charts, chart, name);
        assertThat(series).as(chart + " " + name).isNotNull();
        assertThat(series.values()).hasSize(1);
        return series.values()[0];
    }

    private static Double last(Charts charts, String chart, String name) {
        SeriesView series = find(charts, chart, name);
        assertThat(series).as(chart + " " + name).isNotNull();
        return series.values()[series.values().length - 1];
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
