package io.quckchat.router.ops;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last hour of the router's own meters, for the dashboard's charts (no Prometheus needed): a
 * scheduler thread reads the {@link MeterRegistry} once per interval and appends one point per
 * series to fixed ring buffers of {@code ceil(1 h / interval)} points. Nothing here runs on the
 * fan-out path: the meters are read, never wrapped.
 *
 * <p>Series, each a rate over the interval unless said otherwise:
 *
 * <ul>
 *   <li>{@code events}: events received per second, per topic ({@code quckchat.events.received});
 *   <li>{@code legs}: legs delivered per second, per destination and target ({@code quckchat.legs},
 *       outcome delivered);
 *   <li>{@code latency}: leg latency p50 and p99 per destination, in ms, of the legs confirmed in
 *       the interval: from the deltas of {@code quckchat.leg.latency}'s histogram buckets, merged
 *       over the destination's targets and interpolated within a bucket as Prometheus'
 *       {@code histogram_quantile} does (so as exact as the buckets); no point without legs;
 *   <li>{@code lag}: the fan-out consumer's lag per topic, summed over its partitions, in records;
 *   <li>{@code failures}: failed delivery attempts (retries) and dead letters per second.
 * </ul>
 *
 * <p>Memory is bounded whatever the tags: at most {@code maxSeries} series are kept, each a {@code
 * double[]} of one hour, and a series that had no point for an hour is let go. Series the cap
 * refuses are counted in {@link Charts#droppedSeries()}; slots go first to retries and dead
 * letters, then latency, events, lag, and legs, the widest group, last. The deltas need the previous reading of each meter, one number per counter and one
 * array per timer the registry already holds.
 *
 * <p>The histogram deltas assume buckets that count since the start, as the Prometheus registry's
 * do (they never expire); a bucket that goes down (a registry whose histograms rotate) makes that
 * timer sit out the interval instead of drawing a wrong percentile.
 *
 * <p>Besides the charts, {@link #rates()} is the last interval alone, per topic, per topic and
 * route, and per route, destination and target (the edges of a flow map).
 */
public class MeterHistory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MeterHistory.class);

    /** What the charts cover. */
    public static final Duration WINDOW = Duration.ofHours(1);
    /** The default cap on the series kept: 200 x 360 points x 8 bytes = 576 KiB at 10 s. */
    public static final int MAX_SERIES = 200;

    static final String EVENTS_RECEIVED = "quckchat.events.received";
    static final String LEGS = "quckchat.legs";
    static final String LEG_FAILURES = "quckchat.leg.failures";
    static final String DEAD_LETTERS = "quckchat.dead.letters";
    static final String LEG_LATENCY = "quckchat.leg.latency";

    /** The chart groups, in the order the dashboard draws them. */
    public enum Chart {
        EVENTS("events", "events/s", 2),
        LEGS("legs", "legs/s", 4),
        LATENCY("latency", "ms", 1),
        LAG("lag", "records", 3),
        FAILURES("failures", "per s", 0);

        private final String id;
        private final String unit;
        /** Who gets a series slot first when the cap is near: the two failure lines, legs last. */
        private final int slotPriority;

        Chart(String id, String unit, int slotPriority) {
            this.id = id;
            this.unit = unit;
            this.slotPriority = slotPriority;
        }

        public String id() {
            return id;
        }

        public String unit() {
            return unit;
        }
    }

    /**
     * The charts: {@code interval} seconds between samples, {@code timestamps} in epoch
     * milliseconds, oldest first, and per series one value per timestamp ({@code null} where it
     * had none).
     */
    public record Charts(
            double interval, long[] timestamps, List<SeriesView> series, int maxSeries, int droppedSeries) {}

    /** One line of a chart. */
    public record SeriesView(String chart, String name, String unit, Double[] values) {}

    /**
     * The last interval: taken at {@code at} (epoch ms; 0 before the first interval ended), over
     * {@code interval} seconds.
     */
    public record Rates(
            long at, double interval, List<TopicRate> topics, List<RouteRate> routes, List<EdgeRate> edges) {
        static final Rates NONE = new Rates(0, 0, List.of(), List.of(), List.of());
    }

    /** Events per second read from a topic, and the consumer's lag on it (null: no partition assigned). */
    public record TopicRate(String topic, double perSecond, Long lag) {}

    /** Events per second from a topic into a route. */
    public record RouteRate(String topic, String route, double perSecond) {}

    /**
     * Legs of a route to one destination and target: {@code perSecond} legs that ended (any
     * outcome), and in the interval {@code delivered} legs, {@code failures} failed attempts (each
     * retried) and {@code deadLettered} legs that used up their attempts.
     */
    public record EdgeRate(
            String route,
            String destination,
            String target,
            double perSecond,
            long delivered,
            long failures,
            long deadLettered) {}

    private record SeriesKey(Chart chart, String name) {}

    private static final Comparator<SeriesKey> DISPLAY_ORDER =
            Comparator.comparing(SeriesKey::chart).thenComparing(SeriesKey::name);
    private static final Comparator<SeriesKey> SLOT_ORDER =
            Comparator.<SeriesKey>comparingInt(k -> k.chart().slotPriority).thenComparing(SeriesKey::name);

    private static final class Series {
        final double[] values;
        long lastWritten;

        Series(int capacity) {
            values = new double[capacity];
            Arrays.fill(values, Double.NaN);
        }
    }

    /** A timer's histogram as last read: bucket bounds in ms, counts at or below each, total count. */
    private record Reading(double[] bounds, double[] counts, long count) {}

    private record EdgeKey(String route, String destination, String target) {}

    private final MeterRegistry registry;
    private final Supplier<Map<TopicPartition, Long>> lag;
    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    private final int maxSeries;

    // Guarded by this: sample() on the scheduler, charts() on request threads.
    private final long[] timestamps;
    private final Map<SeriesKey, Series> series = new HashMap<>();
    private long samples;
    private int droppedSeries;
    private long lastSampleAt = -1;
    private Map<Meter.Id, Double> lastCounts = new HashMap<>();
    private Map<Meter.Id, Reading> lastHistograms = new HashMap<>();

    private volatile Rates rates = Rates.NONE;
    private ScheduledExecutorService scheduler;

    public MeterHistory(
            MeterRegistry registry,
            Supplier<Map<TopicPartition, Long>> lag,
            Clock clock,
            Duration interval,
            int maxSeries) {
        if (interval.toMillis() < 1 || interval.compareTo(WINDOW) > 0) {
            throw new IllegalArgumentException("interval must be 1 ms to 1 h, got " + interval);
        }
        this.registry = registry;
        this.lag = lag;
        this.clock = clock;
        this.interval = interval;
        this.capacity = (int) Math.ceil(WINDOW.toMillis() / (double) interval.toMillis());
        this.maxSeries = maxSeries;
        this.timestamps = new long[capacity];
    }

    /** Takes the first reading now and then samples every interval, on a thread of its own. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "meter-history");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(this::sampleQuietly, 0, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
        }
        if (running != null) {
            running.shutdownNow();
        }
    }

    /** Points per series: one hour of intervals. */
    public int capacity() {
        return capacity;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.warn("Sampling the meters for the dashboard's charts failed", e);
        }
    }

    /**
     * Reads the meters: the first call only takes the readings the next one subtracts; every later
     * call appends one point per series, the change since the previous call.
     */
    public synchronized void sample() {
        long now = clock.wallTime();
        boolean baseline = lastSampleAt < 0;
        double seconds = baseline ? 0 : Math.max(1, now - lastSampleAt) / 1000.0;
        Map<Meter.Id, Double> counts = new HashMap<>();
        Map<Meter.Id, Reading> histograms = new HashMap<>();
        Map<SeriesKey, Double> point = new HashMap<>();

        Map<String, Double> perTopic = new TreeMap<>();
        Map<List<String>, Double> perRoute =
                new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (Counter counter : registry.find(EVENTS_RECEIVED).counters()) {
            double delta = delta(counter, counts);
            String topic = tag(counter, "topic");
            perTopic.merge(topic, delta, Double::sum);
            perRoute.merge(List.of(topic, tag(counter, "route")), delta, Double::sum);
        }

        Map<EdgeKey, long[]> edges = new TreeMap<>(Comparator.comparing(EdgeKey::route)
                .thenComparing(EdgeKey::destination)
                .thenComparing(EdgeKey::target));
        Map<String, Double> deliveredPerTarget = new TreeMap<>();
        for (Counter counter : registry.find(LEGS).counters()) {
            double delta = delta(counter, counts);
            String outcome = tag(counter, "outcome");
            long[] edge = edges.computeIfAbsent(edgeKey(counter), k -> new long[4]);
            edge[0] += Math.round(delta);
            if ("delivered".equals(outcome)) {
                edge[1] += Math.round(delta);
                deliveredPerTarget.merge(
                        tag(counter, "destination") + "/" + tag(counter, "target"), delta, Double::sum);
            } else if ("dead_lettered".equals(outcome)) {
                edge[3] += Math.round(delta);
            }
        }
        double retries = 0;
        for (Counter counter : registry.find(LEG_FAILURES).counters()) {
            double delta = delta(counter, counts);
            retries += delta;
            edges.computeIfAbsent(edgeKey(counter), k -> new long[4])[2] += Math.round(delta);
        }
        double deadLetters = 0;
        for (Counter counter : registry.find(DEAD_LETTERS).counters()) {
            deadLetters += delta(counter, counts);
        }

        Map<String, Interval> latency = new TreeMap<>();
        for (Timer timer : registry.find(LEG_LATENCY).timers()) {
            Reading reading = reading(timer.takeSnapshot());
            histograms.put(timer.getId(), reading);
            Reading previous = lastHistograms.get(timer.getId());
            Interval change = Interval.between(previous, reading);
            if (change != null && change.count > 0) {
                latency.computeIfAbsent(tag(timer, "destination"), d -> new Interval())
                        .add(change);
            }
        }

        Map<String, Long> lagPerTopic = new TreeMap<>();
        Map<TopicPartition, Long> partitions = lag.get();
        if (partitions != null) {
            partitions.forEach((partition, records) -> lagPerTopic.merge(partition.topic(), records, Long::sum));
        }

        lastCounts = counts;
        lastHistograms = histograms;
        lastSampleAt = now;
        if (baseline) {
            return;
        }

        perTopic.forEach((topic, delta) -> point.put(new SeriesKey(Chart.EVENTS, topic), delta / seconds));
        deliveredPerTarget.forEach((target, delta) -> point.put(new SeriesKey(Chart.LEGS, target), delta / seconds));
        latency.forEach((destination, change) -> {
            point.put(new SeriesKey(Chart.LATENCY, destination + " p50"), change.percentile(0.5));
            point.put(new SeriesKey(Chart.LATENCY, destination + " p99"), change.percentile(0.99));
        });
        lagPerTopic.forEach((topic, records) -> point.put(new SeriesKey(Chart.LAG, topic), (double) records));
        point.put(new SeriesKey(Chart.FAILURES, "retries"), retries / seconds);
        point.put(new SeriesKey(Chart.FAILURES, "dead letters"), deadLetters / seconds);
        append(now, point);

        List<TopicRate> topicRates = new ArrayList<>();
        perTopic.forEach(
                (topic, delta) -> topicRates.add(new TopicRate(topic, round(delta / seconds), lagPerTopic.get(topic))));
        lagPerTopic.forEach((topic, records) -> {
            if (!perTopic.containsKey(topic)) {
                topicRates.add(new TopicRate(topic, 0, records));
            }
        });
        topicRates.sort(Comparator.comparing(TopicRate::topic));
        List<RouteRate> routeRates = new ArrayList<>();
        perRoute.forEach((key, delta) -> routeRates.add(new RouteRate(key.get(0), key.get(1), round(delta / seconds))));
        List<EdgeRate> edgeRates = new ArrayList<>();
        edges.forEach((key, n) -> edgeRates.add(
                new EdgeRate(key.route(), key.destination(), key.target(), round(n[0] / seconds), n[1], n[2], n[3])));
        rates = new Rates(now, seconds, List.copyOf(topicRates), List.copyOf(routeRates), List.copyOf(edgeRates));
    }

    private void append(long now, Map<SeriesKey, Double> point) {
        int slot = (int) (samples % capacity);
        int dropped = 0;
        List<SeriesKey> keys = new ArrayList<>(point.keySet());
        keys.sort(SLOT_ORDER);
        for (SeriesKey key : keys) {
            Series line = series.get(key);
            if (line == null) {
                if (series.size() >= maxSeries) {
                    dropped++;
                    continue;
                }
                line = new Series(capacity);
                series.put(key, line);
            }
            line.values[slot] = point.get(key);
            line.lastWritten = samples;
        }
        // Every other series gets a gap here (this slot held a point of an hour ago), and one with
        // nothing left in the hour is let go.
        series.entrySet().removeIf(entry -> {
            Series line = entry.getValue();
            if (line.lastWritten != samples) {
                line.values[slot] = Double.NaN;
                return samples - line.lastWritten >= capacity;
            }
            return false;
        });
        if (dropped > 0 && droppedSeries == 0) {
            log.warn("The dashboard's charts keep at most {} series; {} more are not charted", maxSeries, dropped);
        }
        droppedSeries = dropped;
        timestamps[slot] = now;
        samples++;
    }

    /** The last hour, oldest point first. */
    public synchronized Charts charts() {
        int points = (int) Math.min(samples, capacity);
        int first = (int) ((samples - points) % capacity);
        long[] times = new long[points];
        for (int i = 0; i < points; i++) {
            times[i] = timestamps[(first + i) % capacity];
        }
        List<SeriesKey> keys = new ArrayList<>(series.keySet());
        keys.sort(DISPLAY_ORDER);
        List<SeriesView> views = new ArrayList<>(keys.size());
        for (SeriesKey key : keys) {
            double[] ring = series.get(key).values;
            Double[] values = new Double[points];
            for (int i = 0; i < points; i++) {
                double value = ring[(first + i) % capacity];
                values[i] = Double.isNaN(value) ? null : round(value);
            }
            views.add(new SeriesView(key.chart().id(), key.name(), key.chart().unit(), values));
        }
        return new Charts(interval.toMillis() / 1000.0, times, views, maxSeries, droppedSeries);
    }

    /** The last interval's rates; empty until two samples were taken. */
    public Rates rates() {
        return rates;
    }

    private double delta(Counter counter, Map<Meter.Id, Double> counts) {
        double now = counter.count();
        counts.put(counter.getId(), now);
        double before = lastCounts.getOrDefault(counter.getId(), 0.0);
        // a meter removed and registered again starts from zero
        return now >= before ? now - before : now;
    }

    private static EdgeKey edgeKey(Meter meter) {
        return new EdgeKey(tag(meter, "route"), tag(meter, "destination"), tag(meter, "target"));
    }

    private static String tag(Meter meter, String key) {
        return Objects.requireNonNullElse(meter.getId().getTag(key), "none");
    }

    private static Reading reading(HistogramSnapshot snapshot) {
        CountAtBucket[] buckets = snapshot.histogramCounts();
        int finite = 0;
        for (CountAtBucket bucket : buckets) {
            if (!Double.isInfinite(bucket.bucket())) {
                finite++;
            }
        }
        double[] bounds = new double[finite];
        double[] counts = new double[finite];
        int i = 0;
        for (CountAtBucket bucket : buckets) {
            if (!Double.isInfinite(bucket.bucket())) {
                bounds[i] = bucket.bucket(TimeUnit.MILLISECONDS);
                counts[i++] = bucket.count();
            }
        }
        return new Reading(bounds, counts, snapshot.count());
    }

    /** The latencies recorded between two readings, as counts at or below each bound (ms). */
    static final class Interval {
        final TreeMap<Double, Double> atOrBelow = new TreeMap<>();
        long count;

        /**
         * Null if the histogram went down or changed its buckets, or has none (a registry that
         * publishes no percentile histogram): no interval to tell.
         */
        static Interval between(Reading before, Reading after) {
            if (after.bounds.length == 0) {
                return null;
            }
            Interval change = new Interval();
            change.count = after.count - (before == null ? 0 : before.count);
            if (change.count < 0 || (before != null && !Arrays.equals(before.bounds, after.bounds))) {
                return null;
            }
            for (int i = 0; i < after.bounds.length; i++) {
                double delta = after.counts[i] - (before == null ? 0 : before.counts[i]);
                if (delta < 0) {
                    return null;
                }
                change.atOrBelow.put(after.bounds[i], delta);
            }
            return change;
        }

        void add(Interval other) {
            count += other.count;
            other.atOrBelow.forEach((bound, n) -> atOrBelow.merge(bound, n, Double::sum));
        }

        /**
         * The q-quantile: the bucket where the rank falls, linearly within it (from the bound
         * below, or 0); above the highest bound, the highest bound.
         */
        double percentile(double q) {
            double rank = q * count;
            double lower = 0;
            double below = 0;
            for (Map.Entry<Double, Double> bucket : atOrBelow.entrySet()) {
                double upper = bucket.getKey();
                double atOrUnder = bucket.getValue();
                if (atOrUnder >= rank && atOrUnder > below) {
                    return lower + (upper - lower) * (rank - below) / (atOrUnder - below);
                }
                lower = upper;
                below = Math.max(below, atOrUnder);
            }
            return lower;
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
