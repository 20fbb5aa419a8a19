package io.quckchat.router.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.TestBrokers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches a subject's destinations from the outside, as its users would see them: the two RabbitMQ
 * queues of message.sent and the BullMQ {@code push} queue. Counts what has arrived (catch-up), and
 * times each event from the moment it was handed to the Kafka producer to the moment its last leg
 * arrived (latency): RabbitMQ deliveries to consumers of both queues, BullMQ jobs from the queue's
 * events stream ({@code added}, written by the add script in the same atomic step as the job).
 */
final class DeliveryWatch implements AutoCloseable {

    static final List<String> QUEUES = List.of("notifications", "analytics");
    static final int LEGS = QUEUES.size() + 1;
    private static final String JOB_SUFFIX = ".new-message";

    private final Namespace ns;
    private final Connection rabbit;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redisConnection;
    private final RedisCommands<String, String> redis;
    private Channel counter;

    DeliveryWatch(TestBrokers brokers, Namespace ns) throws Exception {
        this.ns = ns;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(brokers.rabbitUrl());
        rabbit = factory.newConnection("bench-watch");
        redisClient = RedisClient.create(RedisURI.create(brokers.redisHost(), brokers.redisPort()));
        redisConnection = redisClient.connect();
        redis = redisConnection.sync();
    }

    /** Legs delivered so far: messages in both queues plus push jobs. */
    long delivered() {
        long total = 0;
        for (String queue : QUEUES) {
            try {
                if (counter == null || !counter.isOpen()) {
                    counter = rabbit.createChannel();
                }
                total += counter.queueDeclarePassive(ns.queue(queue)).getMessageCount();
            } catch (Exception notYetDeclared) {
                // the subject declares its queues when it starts (the failed declare closed the channel)
            }
        }
        String push = ns.bullPrefix() + ":push:";
        return total + redis.zcard(push + "prioritized") + redis.llen(push + "wait");
    }

    /**
     * Empties both queues and the push queue's waiting lists, so that the latency consumers see only
     * new messages and {@link #delivered()} counts from zero (the job hashes stay).
     */
    void purge() throws Exception {
        try (Channel channel = rabbit.createChannel()) {
            for (String queue : QUEUES) {
                channel.queuePurge(ns.queue(queue));
            }
        }
        String push = ns.bullPrefix() + ":push:";
        redis.del(push + "prioritized", push + "wait");
    }

    /** Starts timing: from now on every leg of an event in {@code pending} counts towards it. */
    Latency latency(int expected) throws Exception {
        return new Latency(expected);
    }

    /** Deletes everything the run left: its queues, exchange and Redis keys. */
    void cleanUp() {
        try (RabbitMqProbe probe = new RabbitMqProbe(ns)) {
            probe.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } catch (Exception e) {
            throw new IllegalStateException("Cannot clean up " + ns.id() + " in RabbitMQ", e);
        }
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> page = redis.scan(
                    cursor,
                    io.lettuce.core.ScanArgs.Builder.matches(ns.id() + ":*").limit(1000));
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    @Override
    public void close() throws Exception {
        rabbit.close();
        redisConnection.close();
        redisClient.shutdown();
    }

    /** End-to-end latency of events sent from now on: register each with {@link #sent} before producing it. */
    final class Latency implements AutoCloseable {

        private final Map<String, long[]> pending = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> legs = new ConcurrentHashMap<>();
        private final List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<List<Long>> perLeg = List.of(
                java.util.Collections.synchronizedList(new ArrayList<>()),
                java.util.Collections.synchronizedList(new ArrayList<>()),
                java.util.Collections.synchronizedList(new ArrayList<>()));
        private final List<long[]> timeline = java.util.Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch done;
        private final Channel consumer;
        private final Thread streamReader;
        private volatile boolean open = true;

        private Latency(int expected) throws Exception {
            done = new CountDownLatch(expected);
            consumer = rabbit.createChannel();
            for (int q = 0; q < QUEUES.size(); q++) {
                int leg = q;
                consumer.basicConsume(
                        ns.queue(QUEUES.get(q)),
                        true,
                        (tag, delivery) -> arrived(
                                String.valueOf(
                                        delivery.getProperties().getHeaders().get("ce_id")),
                                leg),
                        tag -> {});
            }
            String stream = ns.bullPrefix() + ":push:events";
            List<StreamMessage<String, String>> last =
                    redis.xrevrange(stream, io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(1));
            String from = last.isEmpty() ? "0-0" : last.get(0).getId();
            streamReader = new Thread(() -> readJobs(stream, from), "bench-bullmq-events");
            streamReader.setDaemon(true);
            streamReader.start();
        }

        private void readJobs(String stream, String from) {
            RedisCommands<String, String> reader = redisClient.connect().sync();
            String offset = from;
            while (open) {
                List<StreamMessage<String, String>> messages = reader.xread(
                        XReadArgs.Builder.block(200).count(1000), XReadArgs.StreamOffset.from(stream, offset));
                for (StreamMessage<String, String> message : messages) {
                    offset = message.getId();
                    Map<String, String> body = message.getBody();
                    String jobId = body.get("jobId");
                    if ("added".equals(body.get("event")) && jobId != null && jobId.endsWith(JOB_SUFFIX)) {
                        arrived(jobId.substring(0, jobId.length() - JOB_SUFFIX.length()), QUEUES.size());
                    }
                }
            }
        }

        void sent(String eventId) {
            pending.put(eventId, new long[] {System.nanoTime()});
        }

        private void arrived(String eventId, int leg) {
            long now = System.nanoTime();
            long[] sent = pending.get(eventId);
            if (sent == null) {
                return; // from before the timing started
            }
            perLeg.get(leg).add((now - sent[0]) / 1_000);
            if (legs.computeIfAbsent(eventId, id -> new AtomicInteger()).incrementAndGet() == LEGS) {
                micros.add((now - sent[0]) / 1_000);
                timeline.add(new long[] {sent[0], now - sent[0]});
                done.countDown();
            }
        }

        /** Waits for the last legs; returns the latencies in microseconds, sorted. */
        long[] await(long seconds) throws InterruptedException {
            done.await(seconds, TimeUnit.SECONDS);
            synchronized (micros) {
                return micros.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }

        /** Each event's send time (ms from the first) and latency (ms), in send order, as CSV. */
        void writeTimeline(java.nio.file.Path file) throws java.io.IOException {
            List<long[]> rows;
            synchronized (timeline) {
                rows = new ArrayList<>(timeline);
            }
            rows.sort(java.util.Comparator.comparingLong(row -> row[0]));
            long first = rows.isEmpty() ? 0 : rows.get(0)[0];
            StringBuilder csv = new StringBuilder("sent_ms,latency_ms\n");
            for (long[] row : rows) {
                csv.append(String.format(Locale.ROOT, "%.1f,%.2f%n", (row[0] - first) / 1e6, row[1] / 1e6));
            }
            java.nio.file.Files.writeString(file, csv);
        }

        /** Latencies of one leg alone (0, 1: the queues; 2: the BullMQ job), in microseconds, sorted. */
        long[] leg(int leg) {
            synchronized (perLeg.get(leg)) {
                return perLeg.get(leg).stream()
                        .mapToLong(Long::longValue)
                        .sorted()
                        .toArray();
            }
        }

        @Override
        public void close() throws Exception {
            open = false;
            consumer.close();
            streamReader.join(2_000);
        }
    }
}
