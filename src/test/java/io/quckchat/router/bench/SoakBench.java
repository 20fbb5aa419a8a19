package io.quckchat.router.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.quckchat.router.deadletter.DeadLetterLane;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RedisProcess;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The soak (bench/soak.sh, docs/benchmark.md "Soak"). Not a test: it prints figures. The router
 * runs from its jar with the shipped JVM options and routes for {@code --minutes} while
 * message.sent events arrive at {@code --rate} per second (each has three legs: the notifications
 * and analytics queues and a BullMQ push job), and its brokers go away in turn: every {@code
 * --restart-every} minutes Redis is restarted, and half-way between RabbitMQ is.
 *
 * <p>Kafka (KRaft) runs in this JVM and stays up. RabbitMQ is this machine's, restarted as a whole
 * node ({@code rabbitmqctl stop}, {@code rabbitmq-server -detached}); Redis is a redis-server of its
 * own with an append-only file, restarted with SIGTERM (the machine's Redis keeps no data on disk).
 * The watch consumes both queues with acknowledgements (what a restart takes back is delivered again
 * and counted once) and reads the push queue's events stream, removing each job it has seen as a
 * worker would; a job its reader missed (the stream is capped) counts when its hash is there at the
 * end.
 *
 * <p>Reports every {@code --sample} seconds the router's heap (used, and live after the last
 * collection), RSS and CPU; per window of {@code --window} minutes the events sent then and their
 * latency (produce to last leg) p50, p99 and max, and p99 of the events sent neither during a
 * restart nor in the minute after; at the end the legs lost, duplicated and dead-lettered. Writes everything to {@code --out} as JSON.
 */
public final class SoakBench {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TOPIC = "message.sent";
    private static final List<String> QUEUES = List.of("notifications", "analytics");
    private static final String JOB_SUFFIX = ".new-message";
    private static final int LEGS = QUEUES.size() + 1;

    private final Namespace ns = Namespace.random();
    private final TestBrokers brokers;
    private final int total;
    private final String idPrefix;
    private final long[] sent;
    /** Per leg (0, 1: the queues; 2: the push job), when each event's leg first arrived (nanoTime). */
    private final AtomicLongArray[] arrived = new AtomicLongArray[LEGS];

    private final AtomicLong duplicates = new AtomicLong();
    /** Each restart's start and end, ns from the first event: the report sets the minute after apart. */
    private final List<long[]> outages = java.util.Collections.synchronizedList(new ArrayList<>());
    /**
     * With {@code --nmt=true}: the router runs with Native Memory Tracking, baselined 3 minutes in;
     * the growth since then by category is saved every 5 minutes and at the end.
     */
    private boolean nmt;
    /** {@code --router-jvm-args}: JVM options for the router after the shipped ones. */
    private List<String> routerJvmArgs = List.of();

    private long nextNmt = TimeUnit.MINUTES.toNanos(3);
    /** Nanoseconds between two events at the offered rate. */
    private long interval;

    private volatile boolean watching = true;

    private SoakBench(TestBrokers brokers, int total) {
        this.brokers = brokers;
        this.total = total;
        this.idPrefix = ns.id() + "-S";
        this.sent = new long[total];
        for (int leg = 0; leg < LEGS; leg++) {
            arrived[leg] = new AtomicLongArray(total);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchProcess.options(args);
        double minutes = Double.parseDouble(o.getOrDefault("minutes", "30"));
        int rate = Integer.parseInt(o.getOrDefault("rate", "500"));
        double restartEvery = Double.parseDouble(o.getOrDefault("restart-every", "5"));
        double window = Double.parseDouble(o.getOrDefault("window", "5"));
        int sampleSeconds = Integer.parseInt(o.getOrDefault("sample", "10"));
        Path out = Path.of(o.getOrDefault("out", "target/bench/soak.json"));
        boolean nmt = Boolean.parseBoolean(o.getOrDefault("nmt", "false"));
        String jvmArgs = o.getOrDefault("router-jvm-args", "").trim();
        TestBrokers brokers = TestBrokers.get();
        if (!brokers.external()) {
            throw new IllegalArgumentException(
                    "The soak restarts this machine's RabbitMQ: run it with --brokers=external");
        }
        int total = (int) Math.round(minutes * 60 * rate);
        say(String.format(
                Locale.ROOT,
                "soak: %.1f min at %d events/s (%,d events, %,d legs); Redis restarted every %.1f min,"
                        + " RabbitMQ half-way between; samples every %d s; windows of %.1f min",
                minutes,
                rate,
                total,
                (long) total * LEGS,
                restartEvery,
                sampleSeconds,
                window));
        try {
            SoakBench soak = new SoakBench(brokers, total);
            soak.nmt = nmt;
            soak.routerJvmArgs = jvmArgs.isEmpty() ? List.of() : List.of(jvmArgs.split("\\s+"));
            soak.run(rate, restartEvery, window, sampleSeconds, out);
        } finally {
            System.exit(0); // the in-JVM Kafka's threads would keep the JVM up
        }
    }

    private void run(int rate, double restartEvery, double windowMinutes, int sampleSeconds, Path out)
            throws Exception {
        long dlqBefore = deadLetters();
        try (RedisProcess redis = new RedisProcess(
                        TestBrokers.freePort(), List.of("--appendonly", "yes", "--appendfsync", "everysec"));
                KafkaProducer<byte[], byte[]> producer = RouterBench.producer(brokers)) {
            redis.start();
            say("Redis for the soak: port " + redis.port() + ", append-only file in " + redis.workDir());
            int port = TestBrokers.freePort();
            List<String> command = new ArrayList<>(
                    List.of(ProcessHandle.current().info().command().orElse("java"), "@config/jvm.options"));
            if (nmt) {
                command.add("-XX:NativeMemoryTracking=summary");
            }
            command.addAll(routerJvmArgs);
            command.addAll(List.of("-jar", RouterProcess.jar().toString()));
            command.addAll(ns.routerArgs(
                    brokers,
                    "--server.port=" + port,
                    "--REDIS_PORT=" + redis.port(),
                    "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD));
            Path log = Path.of("target", "bench", ns.id() + "-soak-router.log");
            try (BenchProcess router = BenchProcess.start("router", command, log)) {
                Http http = new Http(port);
                awaitHealthy(http, router);
                say("router up (log " + log + ")");
                List<Thread> watchers = watch(redis.port());
                List<Map<String, Object>> samples = new ArrayList<>();
                List<Map<String, Object>> restarts = new ArrayList<>();
                long begin = System.nanoTime();
                interval = 1_000_000_000L / rate;
                long restartNanos = (long) (restartEvery * 60e9);
                long nextRabbit = restartNanos / 2;
                long nextRedis = restartNanos;
                long nextSample = 0;
                Thread restarter = null;
                for (int i = 0; i < total; i++) {
                    long due = i * interval;
                    long now = System.nanoTime() - begin;
                    if (now >= nextSample) {
                        samples.add(sample(router, http, now));
                        nextSample += sampleSeconds * 1_000_000_000L;
                    }
                    if (restarter == null || !restarter.isAlive()) {
                        if (now >= nextRabbit) {
                            restarter = restartInBackground("rabbitmq", now, restarts, SoakBench::restartRabbitMq);
                            nextRabbit += restartNanos;
                        } else if (now >= nextRedis) {
                            restarter = restartInBackground("redis", now, restarts, redis::restart);
                            nextRedis += restartNanos;
                        }
                    }
                    LockSupport.parkNanos(begin + due - System.nanoTime()); // the offered rate
                    sent[i] = System.nanoTime();
                    producer.send(RouterBench.messageSent(idPrefix + i, i, 1000, 300));
                }
                producer.flush();
                if (restarter != null) {
                    restarter.join();
                }
                double seconds = (System.nanoTime() - begin) / 1e9;
                say(String.format(Locale.ROOT, "sent %,d events in %.0f s; waiting for the last legs", total, seconds));
                long drainDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (missing() > 0 && System.nanoTime() < drainDeadline) {
                    router.checkAlive();
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                }
                nextNmt = Math.min(nextNmt, System.nanoTime() - begin); // the growth at the end too
                samples.add(sample(router, http, System.nanoTime() - begin));
                watching = false;
                for (Thread watcher : watchers) {
                    watcher.join(5_000);
                }
                long unseenJobs = checkUnseenJobs(redis.port());
                long dlqAfter = deadLetters();
                Map<String, Object> legs = legOutcomes(http);
                report(samples, restarts, windowMinutes, begin, unseenJobs, dlqAfter - dlqBefore, legs, out);
            }
        }
    }

    // ---- the load's destinations, watched from outside ------------------------------------------

    private List<Thread> watch(int redisPort) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(brokers.rabbitUrl());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        Connection rabbit = factory.newConnection("soak-watch");
        for (int q = 0; q < QUEUES.size(); q++) {
            int leg = q;
            Channel channel = rabbit.createChannel();
            channel.basicQos(1000);
            String queue = ns.queue(QUEUES.get(q));
            awaitQueue(rabbit, queue);
            channel.basicConsume(
                    queue,
                    false,
                    (tag, delivery) -> {
                        arrived(
                                String.valueOf(
                                        delivery.getProperties().getHeaders().get("ce_id")),
                                leg);
                        try {
                            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                        } catch (AlreadyClosedException restarting) {
                            // RabbitMQ is going away: it delivers the message again, counted once
                        }
                    },
                    tag -> {});
        }
        Thread jobs = new Thread(() -> readJobs(redisPort), "soak-bullmq-events");
        jobs.setDaemon(true);
        jobs.start();
        Thread closer = new Thread(
                () -> {
                    while (watching) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    }
                    try {
                        rabbit.close();
                    } catch (Exception ignored) {
                        // the broker may be restarting
                    }
                },
                "soak-rabbit-watch");
        closer.setDaemon(true);
        closer.start();
        return List.of(jobs, closer);
    }

    private static void awaitQueue(Connection rabbit, String queue) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Channel probe = rabbit.createChannel()) {
                probe.queueDeclarePassive(queue);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The router has not declared " + queue + " in 60 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    /**
     * Reads the push queue's events stream for {@code added}, and removes each job seen (its hash
     * and, by trimming, the waiting list's oldest ids) as a worker would, so Redis stays small. A
     * restart breaks the connection; the reader goes on from its last id.
     */
    private void readJobs(int redisPort) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redisPort));
        client.setDefaultTimeout(Duration.ofSeconds(10));
        String prefix = ns.bullPrefix() + ":push:";
        String stream = prefix + "events";
        String offset = "0-0";
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            while (watching) {
                try {
                    List<StreamMessage<String, String>> messages = redis.xread(
                            XReadArgs.Builder.block(200).count(2000), XReadArgs.StreamOffset.from(stream, offset));
                    List<String> done = new ArrayList<>();
                    for (StreamMessage<String, String> message : messages) {
                        offset = message.getId();
                        Map<String, String> body = message.getBody();
                        String jobId = body.get("jobId");
                        if ("added".equals(body.get("event")) && jobId != null && jobId.endsWith(JOB_SUFFIX)) {
                            arrived(jobId.substring(0, jobId.length() - JOB_SUFFIX.length()), QUEUES.size());
                            done.add(prefix + jobId);
                        }
                    }
                    if (!done.isEmpty()) {
                        redis.unlink(done.toArray(String[]::new));
                        redis.ltrim(prefix + "wait", 0, 9_999);
                    }
                } catch (RuntimeException restarting) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            }
        } finally {
            client.shutdown();
        }
    }

    private void arrived(String eventId, int leg) {
        long now = System.nanoTime();
        if (eventId == null || !eventId.startsWith(idPrefix)) {
            return;
        }
        int i = Integer.parseInt(eventId.substring(idPrefix.length()));
        if (!arrived[leg].compareAndSet(i, 0, now)) {
            duplicates.incrementAndGet();
        }
    }

    private long missing() {
        long missing = 0;
        for (AtomicLongArray leg : arrived) {
            for (int i = 0; i < total; i++) {
                if (leg.get(i) == 0) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /** Jobs whose {@code added} the reader missed but whose hash is in Redis: delivered. */
    private long checkUnseenJobs(int redisPort) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redisPort));
        long found = 0;
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            String prefix = ns.bullPrefix() + ":push:";
            for (int i = 0; i < total; i++) {
                if (arrived[QUEUES.size()].get(i) == 0 && redis.exists(prefix + idPrefix + i + JOB_SUFFIX) > 0) {
                    arrived[QUEUES.size()].set(i, -1); // there, time unknown
                    found++;
                }
            }
        } finally {
            client.shutdown();
        }
        return found;
    }

    // ---- the brokers going away -----------------------------------------------------------------

    private interface Restart {
        void run() throws Exception;
    }

    private Thread restartInBackground(String broker, long at, List<Map<String, Object>> restarts, Restart restart) {
        Thread thread = new Thread(
                () -> {
                    long start = System.nanoTime();
                    String outcome = "ok";
                    try {
                        restart.run();
                    } catch (Exception e) {
                        outcome = e.toString();
                    }
                    double down = (System.nanoTime() - start) / 1e9;
                    outages.add(new long[] {at, at + (System.nanoTime() - start)});
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("broker", broker);
                    row.put("atSeconds", Math.round(at / 1e9));
                    row.put("seconds", Math.round(down * 10) / 10.0);
                    row.put("outcome", outcome);
                    synchronized (restarts) {
                        restarts.add(row);
                    }
                    say(String.format(
                            Locale.ROOT,
                            "  %s restarted at %s, back after %.1f s%s",
                            broker,
                            clock(at),
                            down,
                            "ok".equals(outcome) ? "" : ": " + outcome));
                },
                "soak-restart-" + broker);
        thread.start();
        return thread;
    }

    /**
     * The whole node: stop waits for it to be gone; await_startup for it to take connections again,
     * asked until the new node answers at all (right after {@code -detached} it does not yet).
     */
    private static void restartRabbitMq() throws Exception {
        if (!command("rabbitmqctl", "stop")) {
            throw new IllegalStateException("rabbitmqctl stop failed");
        }
        if (!command("rabbitmq-server", "-detached")) {
            throw new IllegalStateException("rabbitmq-server -detached failed");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!command("rabbitmqctl", "await_startup", "--timeout", "10")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("RabbitMQ did not start again within 120 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    private static boolean command(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return process.waitFor(150, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    // ---- the router, seen from outside ----------------------------------------------------------

    private static void awaitHealthy(Http http, BenchProcess router) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            router.checkAlive();
            try {
                if (http.get("/actuator/health", Http.admin()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The router was not healthy in 90 s; see " + router.log());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
    }

    private Map<String, Object> sample(BenchProcess router, Http http, long at) throws Exception {
        router.checkAlive();
        if (nmt && at >= nextNmt) {
            boolean first = nextNmt == TimeUnit.MINUTES.toNanos(3);
            Path file = Path.of("target", "bench", ns.id() + "-nmt-" + clock(at).replace(':', '-') + ".txt");
            new ProcessBuilder(
                            "jcmd",
                            Long.toString(router.pid()),
                            "VM.native_memory",
                            first ? "baseline" : "summary.diff")
                    .redirectErrorStream(true)
                    .redirectOutput(file.toFile())
                    .start()
                    .waitFor(60, TimeUnit.SECONDS);
            say("  " + clock(at) + " native memory " + (first ? "baseline" : "growth since the baseline") + ": "
                    + file);
            nextNmt = first ? TimeUnit.MINUTES.toNanos(5) : nextNmt + TimeUnit.MINUTES.toNanos(5);
        }
        Map<String, Double> metrics = prometheus(http);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("seconds", Math.round(at / 1e9));
        row.put("heapUsedMiB", mib(metrics.getOrDefault("heap", 0.0)));
        row.put("heapLiveMiB", mib(metrics.getOrDefault("live", 0.0)));
        row.put("rssMiB", Math.round(router.rssMib()));
        row.put("cpuSeconds", Math.round(router.cpuSeconds() * 10) / 10.0);
        row.put("legsDelivered", Math.round(metrics.getOrDefault("delivered", 0.0)));
        say(String.format(
                Locale.ROOT,
                "  %s heap %d MiB (live %d MiB), RSS %d MiB, CPU %.0f s, legs delivered %,d",
                clock(at),
                row.get("heapUsedMiB"),
                row.get("heapLiveMiB"),
                row.get("rssMiB"),
                row.get("cpuSeconds"),
                row.get("legsDelivered")));
        return row;
    }

    /** Heap used, live heap after the last collection, and legs delivered, from the router's metrics. */
    private static Map<String, Double> prometheus(Http http) throws Exception {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line :
                http.get("/actuator/prometheus", Http.admin()).body().lines().toList()) {
            String key = null;
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                key = "heap";
            } else if (line.startsWith("jvm_gc_live_data_size_bytes")) {
                key = "live";
            } else if (line.startsWith("quckchat_legs_total{") && line.contains("outcome=\"delivered\"")) {
                key = "delivered";
            }
            if (key != null) {
                values.merge(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return values;
    }

    /** The router's own count of legs per outcome. */
    private static Map<String, Object> legOutcomes(Http http) throws Exception {
        Map<String, Object> outcomes = new LinkedHashMap<>();
        for (String line :
                http.get("/actuator/prometheus", Http.admin()).body().lines().toList()) {
            if (line.startsWith("quckchat_legs_total{")) {
                int at = line.indexOf("outcome=\"") + 9;
                String outcome = line.substring(at, line.indexOf('"', at));
                long count = Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                outcomes.merge(outcome, count, (a, b) -> (Long) a + (Long) b);
            }
        }
        return outcomes;
    }

    /** Letters on message.sent's dead-letter topic (0 while it does not exist). */
    private long deadLetters() throws Exception {
        try (Admin admin = brokers.kafkaAdmin()) {
            String topic = TOPIC + DeadLetterLane.SUFFIX;
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return 0;
            }
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    // ---- the report -----------------------------------------------------------------------------

    private void report(
            List<Map<String, Object>> samples,
            List<Map<String, Object>> restarts,
            double windowMinutes,
            long begin,
            long unseenJobs,
            long deadLettered,
            Map<String, Object> legOutcomes,
            Path out)
            throws IOException {
        long windowNanos = (long) (windowMinutes * 60e9);
        // an event's window is the one it was due in at the offered rate (a late send stays in it)
        int windows = (int) Math.max(1, ((long) total * interval + windowNanos - 1) / windowNanos);
        long settle = TimeUnit.SECONDS.toNanos(60);
        List<Map<String, Object>> rows = new ArrayList<>();
        long lost = 0;
        say("");
        say(String.format(
                "%-13s %9s %9s %9s %9s %14s %9s %6s",
                "window", "events", "p50 ms", "p99 ms", "max ms", "p99 apart ms", "heap MiB", "RSS"));
        for (int w = 0; w < windows; w++) {
            long from = w * windowNanos;
            long to = from + windowNanos;
            List<Long> latencies = new ArrayList<>();
            List<Long> apart = new ArrayList<>(); // sent neither during a restart nor in the minute after
            int events = 0;
            long windowLost = 0;
            for (int i = 0; i < total; i++) {
                long due = (long) i * interval;
                if (due < from || due >= to) {
                    continue;
                }
                events++;
                long last = 0;
                boolean timed = true;
                for (AtomicLongArray leg : arrived) {
                    long at = leg.get(i);
                    if (at == 0) {
                        windowLost++;
                        timed = false;
                    } else if (at < 0) {
                        timed = false;
                    } else {
                        last = Math.max(last, at);
                    }
                }
                if (timed) {
                    latencies.add((last - sent[i]) / 1_000);
                    long at = sent[i] - begin;
                    boolean nearRestart;
                    synchronized (outages) {
                        nearRestart = outages.stream().anyMatch(o -> at >= o[0] && at < o[1] + settle);
                    }
                    if (!nearRestart) {
                        apart.add((last - sent[i]) / 1_000);
                    }
                }
            }
            lost += windowLost;
            long[] micros =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] apartMicros =
                    apart.stream().mapToLong(Long::longValue).sorted().toArray();
            int first = (int) (w * windowNanos / 1_000_000_000L);
            int last = (int) ((w + 1) * windowNanos / 1_000_000_000L);
            double heapMax = samples.stream()
                    .filter(s -> inWindow(s, first, last))
                    .mapToDouble(s -> ((Number) s.get("heapUsedMiB")).doubleValue())
                    .max()
                    .orElse(0);
            double rss = samples.stream()
                    .filter(s -> inWindow(s, first, last))
                    .mapToDouble(s -> ((Number) s.get("rssMiB")).doubleValue())
                    .max()
                    .orElse(0);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("window", clock(w * windowNanos) + "-" + clock((w + 1) * windowNanos));
            row.put("events", events);
            row.put("timedEvents", micros.length);
            row.put("p50Ms", RouterBench.percentile(micros, 50));
            row.put("p99Ms", RouterBench.percentile(micros, 99));
            row.put("maxMs", micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0);
            row.put("eventsApartFromRestarts", apartMicros.length);
            row.put("p99ApartFromRestartsMs", apartMicros.length == 0 ? null : RouterBench.percentile(apartMicros, 99));
            row.put("heapMaxMiB", heapMax);
            row.put("rssMaxMiB", rss);
            row.put("legsLost", windowLost);
            rows.add(row);
            say(String.format(
                    Locale.ROOT,
                    "%-13s %,9d %9.1f %9.1f %9.1f %14s %9.0f %6.0f",
                    row.get("window"),
                    events,
                    row.get("p50Ms"),
                    row.get("p99Ms"),
                    row.get("maxMs"),
                    apartMicros.length == 0
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", row.get("p99ApartFromRestartsMs")),
                    heapMax,
                    rss));
        }
        say("");
        say(String.format(
                Locale.ROOT,
                "legs expected %,d; lost %,d; delivered more than once (counted once) %,d; dead-lettered %,d"
                        + " (message.sent.dlq); push jobs found by their hash, not the stream: %,d",
                (long) total * LEGS,
                lost,
                duplicates.get(),
                deadLettered,
                unseenJobs));
        say("the router's own count of legs per outcome: " + legOutcomes);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", total);
        result.put("legsExpected", (long) total * LEGS);
        result.put("legsLost", lost);
        result.put("legsDuplicated", duplicates.get());
        result.put("deadLettered", deadLettered);
        result.put("pushJobsFoundByHash", unseenJobs);
        result.put("routerLegOutcomes", legOutcomes);
        result.put("restarts", restarts);
        result.put("windows", rows);
        result.put("samples", samples);
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), result);
        say("written to " + out);
    }

    private static boolean inWindow(Map<String, Object> sample, int fromSeconds, int toSeconds) {
        long at = ((Number) sample.get("seconds")).longValue();
        return at >= fromSeconds && at < toSeconds;
    }

    private static long mib(double bytes) {
        return Math.round(bytes / (1024 * 1024));
    }

    private static String clock(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
