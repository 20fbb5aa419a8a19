package io.quckchat.router.ops;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.rabbitmq.RabbitMqTopology;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Depth of every RabbitMQ queue the routes publish to and every BullMQ state count, read in the
 * background every few seconds (so a scrape never waits on a broker) and published as gauges
 * {@code quckchat.rabbitmq.queue.messages{queue}} and {@code quckchat.bullmq.jobs{queue,state}}.
 * A gauge keeps its last value while its broker is unreachable.
 *
 * <p>Cheap on busy brokers: the RabbitMQ reads reuse one connection and channel between refreshes
 * (opening a connection every 10 s cost the router and the broker more than the reads), and BullMQ
 * queues that no route names are found by a keyspace SCAN at most every {@link #DISCOVERY_INTERVAL}
 * (a SCAN walks every key, the ledger's and every job's, so every 10 s it competed with the
 * fan-out for Redis). A refresh asked for ({@link #refresh()}) always scans.
 */
public class QueueDepths implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueDepths.class);
    static final Duration DISCOVERY_INTERVAL = Duration.ofMinutes(5);

    private final MeterRegistry registry;
    private final ConnectionFactory rabbit;
    private final RabbitMqTopology topology;
    private final BullMqQueues jobs;
    private final Supplier<Set<String>> jobQueues;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "queue-depths");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Map<String, Long> lastRabbit = Map.of();

    // Only touched under this object's lock (refreshes run one at a time).
    private Connection connection;
    private Channel channel;
    /** BullMQ queues found by the last SCAN; null until the first. */
    private Set<String> discoveredJobQueues;

    private long discoveredAt;

    private final Supplier<Map<TopicPartition, Long>> consumerLag;
    private final MultiGauge lag;

    public QueueDepths(
            MeterRegistry registry,
            Supplier<Map<TopicPartition, Long>> consumerLag,
            ConnectionFactory rabbit,
            RabbitMqTopology topology,
            BullMqQueues jobs,
            Supplier<Set<String>> jobQueues) {
        this.registry = registry;
        this.rabbit = rabbit;
        this.topology = topology;
        this.jobs = jobs;
        this.jobQueues = jobQueues;
        this.consumerLag = consumerLag;
        this.lag = MultiGauge.builder("quckchat.kafka.consumer.lag")
                .description("Records of a partition the fan-out consumer has not read yet")
                .register(registry);
    }

    public void start(long periodSeconds) {
        scheduler.scheduleWithFixedDelay(this::refreshOnSchedule, 1, periodSeconds, TimeUnit.SECONDS);
    }

    /** Reads every depth now, and looks for BullMQ queues no route names. */
    public void refresh() {
        refresh(true);
    }

    /** What the schedule runs: BullMQ queues are looked for only if the last look is old. */
    void refreshOnSchedule() {
        refresh(false);
    }

    private synchronized void refresh(boolean discover) {
        lag.register(
                consumerLag.get().entrySet().stream()
                        .map(e -> MultiGauge.Row.of(
                                Tags.of(
                                        "topic",
                                        e.getKey().topic(),
                                        "partition",
                                        String.valueOf(e.getKey().partition())),
                                e.getValue()))
                        .toList(),
                true);
        refreshRabbit();
        refreshJobs(discover);
    }

    /** The last read RabbitMQ queue depths, by short name. */
    public Map<String, Long> rabbitDepths() {
        return lastRabbit;
    }

    private void refreshRabbit() {
        Set<String> queues = topology.queues();
        if (queues.isEmpty()) {
            return;
        }
        Map<String, Long> depths = new ConcurrentHashMap<>();
        try {
            if (connection == null || !connection.isOpen()) {
                closeRabbit();
                connection = rabbit.newConnection("quckchat-router-depths");
            }
        } catch (Exception e) {
            log.debug("RabbitMQ queue depths not read: {}", e.toString());
            return;
        }
        for (String name : queues) {
            try {
                if (channel == null || !channel.isOpen()) {
                    channel = connection.createChannel();
                }
                long count =
                        channel.queueDeclarePassive(topology.queueName(name)).getMessageCount();
                depths.put(name, count);
                gauge(
                        "quckchat.rabbitmq.queue.messages",
                        "Messages ready in a RabbitMQ task queue",
                        count,
                        "queue",
                        name);
            } catch (Exception e) {
                // a queue that does not exist (yet) closes the channel; the next queue opens another
                log.debug("No depth for RabbitMQ queue {}: {}", name, e.toString());
                if (!connection.isOpen()) {
                    break;
                }
            }
        }
        lastRabbit = depths;
    }

    private void closeRabbit() {
        if (connection != null) {
            try {
                connection.close();
            } catch (Exception e) {
                log.debug("Closing the queue-depth connection: {}", e.toString());
            }
        }
        connection = null;
        channel = null;
    }

    private void refreshJobs(boolean discover) {
        try {
            Set<String> queues = new TreeSet<>(jobQueues.get());
            long now = System.nanoTime();
            if (discover || discoveredJobQueues == null || now - discoveredAt >= DISCOVERY_INTERVAL.toNanos()) {
                discoveredJobQueues = Set.copyOf(jobs.queues());
                discoveredAt = now;
            }
            queues.addAll(discoveredJobQueues);
            for (String queue : queues) {
                for (Map.Entry<BullMqState, Long> count : jobs.counts(queue).entrySet()) {
                    gauge(
                            "quckchat.bullmq.jobs",
                            "Jobs of a BullMQ queue by state",
                            count.getValue(),
                            "queue",
                            queue,
                            "state",
                            count.getKey().nodeName());
                }
            }
        } catch (Exception e) {
            log.debug("BullMQ counts not read: {}", e.toString());
        }
    }

    private void gauge(String name, String description, long value, String... tags) {
        values.computeIfAbsent(name + '|' + String.join("|", tags), key -> {
                    AtomicLong holder = new AtomicLong();
                    Gauge.builder(name, holder, AtomicLong::get)
                            .description(description)
                            .tags(tags)
                            .register(registry);
                    return holder;
                })
                .set(value);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        synchronized (this) {
            closeRabbit();
        }
    }
}
