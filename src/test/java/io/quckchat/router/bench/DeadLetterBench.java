package io.quckchat.router.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter benchmark (bench/dead-letters.sh, docs/benchmark.md "Dead letters at scale"). Not
 * a test: it prints figures. Fills the dead-letter topics of four source topics (6 partitions each)
 * with N letters of the router's own format, starts the router from its jar with the shipped JVM
 * options and no routes, and measures:
 *
 * <ol>
 *   <li>how long its index takes to hold every letter after start;
 *   <li>answer times of {@code GET /admin/dead-letters} (page of 50) unfiltered, by event id, by leg,
 *       by error class, and by topic and error class together, each asked {@code --queries} times;
 *   <li>a filtered redrive of {@code --redrive} letters (one leg holds exactly that many): time,
 *       and the records it produced to the source topic;
 *   <li>the router's peak RSS (VmHWM).
 * </ol>
 */
public final class DeadLetterBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOPICS =
            List.of("message.sent", "user.online", "call.ended", "notification.send");
    private static final List<String> LEGS = List.of(
            "rabbitmq:notifications",
            "rabbitmq:analytics",
            "rabbitmq:sms",
            "bullmq:push/new-message",
            "bullmq:email/send-welcome",
            "event");
    /** The leg that exactly the letters of the filtered redrive have. */
    private static final String REDRIVE_LEG = "bullmq:reports/usage";

    private static final List<String> ERRORS = List.of(
            "io.quckchat.router.rabbitmq.UnroutableException",
            "io.quckchat.router.fanout.InvalidEventException",
            "io.quckchat.camel.bullmq.BullMqException",
            "java.lang.IllegalStateException",
            "org.apache.kafka.common.errors.RecordTooLargeException");

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchProcess.options(args);
        int letters = Integer.parseInt(o.getOrDefault("letters", "1000000"));
        int queries = Integer.parseInt(o.getOrDefault("queries", "200"));
        int redrive = Integer.parseInt(o.getOrDefault("redrive", "10000"));
        if (redrive > letters) {
            throw new IllegalArgumentException("--redrive must not exceed --letters");
        }
        TestBrokers brokers = TestBrokers.get();
        Namespace ns = Namespace.random();
        say("brokers: " + brokers.describe());
        say("letters " + letters + " over " + TOPICS.size() + " dead-letter topics of 6 partitions, queries " + queries
                + " per kind, filtered redrive of " + redrive);

        long produceStart = System.nanoTime();
        produce(brokers, letters, redrive);
        say(String.format("produced %,d dead letters in %.1f s", letters, (System.nanoTime() - produceStart) / 1e9));

        Path routes = Files.createTempDirectory("bench-no-routes");
        // the JVM options the router ships with, read by java itself as RouterProcess does
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "@config/jvm.options"));
        int port = TestBrokers.freePort();
        command.addAll(List.of("-jar", RouterProcess.jar().toString()));
        command.addAll(ns.routerArgs(
                brokers,
                "--server.port=" + port,
                "--QUCKCHAT_ROUTES_DIR=" + routes,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        long started = System.nanoTime();
        try (BenchProcess router = BenchProcess.start(
                "router", command, Path.of("target", "bench", ns.id() + "-dead-letters-router.log"))) {
            long indexed = awaitIndexed(http, base, router, letters);
            double indexSeconds = (indexed - started) / 1e9;
            say(String.format(
                    "index holds all %,d letters %.1f s after the router started (start-up included)",
                    letters, indexSeconds));

            Random random = new Random(42);
            Map<String, IntFunction<String>> kinds = new LinkedHashMap<>();
            kinds.put("unfiltered, page 0", i -> "");
            kinds.put("unfiltered, page 1000", i -> "&page=1000");
            kinds.put("by event id", i -> "&eventId=ev-" + random.nextInt(letters));
            kinds.put("by leg", i -> "&leg=" + encode(LEGS.get(random.nextInt(LEGS.size()))));
            kinds.put(
                    "by error class (simple name)",
                    i -> "&errorClass=" + simple(ERRORS.get(random.nextInt(ERRORS.size()))));
            kinds.put(
                    "by topic and error class",
                    i -> "&topic=" + TOPICS.get(random.nextInt(TOPICS.size())) + "&errorClass="
                            + encode(ERRORS.get(random.nextInt(ERRORS.size()))));
            Map<String, double[]> results = new LinkedHashMap<>();
            for (int round = 0; round < 2; round++) { // the first round warms the router up, unreported
                for (Map.Entry<String, IntFunction<String>> kind : kinds.entrySet()) {
                    List<Double> millis = new ArrayList<>();
                    for (int i = 0; i < queries; i++) {
                        String query = kind.getValue().apply(i);
                        long t0 = System.nanoTime();
                        JsonNode page = get(http, base + "/admin/dead-letters?size=50" + query);
                        millis.add((System.nanoTime() - t0) / 1e6);
                        if (page.path("items").isEmpty() && !query.contains("page=1000")) {
                            throw new IllegalStateException("No letters for " + query);
                        }
                    }
                    Collections.sort(millis);
                    results.put(kind.getKey(), new double[] {
                        percentile(millis, 0.5), percentile(millis, 0.99), millis.get(millis.size() - 1)
                    });
                }
            }
            say("GET /admin/dead-letters?size=50, " + queries + " calls per kind, one after another (ms):");
            for (Map.Entry<String, double[]> result : results.entrySet()) {
                double[] r = result.getValue();
                say(String.format("  %-32s p50 %7.1f   p99 %7.1f   max %7.1f", result.getKey(), r[0], r[1], r[2]));
            }

            Map<String, Long> before = endOffsets(brokers);
            long t0 = System.nanoTime();
            JsonNode done = post(
                    http,
                    base + "/admin/dead-letters/redrive",
                    "{\"filter\": {\"leg\": \"" + REDRIVE_LEG + "\"}, \"scope\": \"LEG\"}");
            double redriveSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> after = endOffsets(brokers);
            long produced = after.entrySet().stream()
                    .mapToLong(e -> e.getValue() - before.get(e.getKey()))
                    .sum();
            say(String.format(
                    "filtered redrive (leg %s): %s letters in %.1f s, counts %s, %,d records produced to the source"
                            + " topics",
                    REDRIVE_LEG, done.path("count"), redriveSeconds, done.path("counts"), produced));
            say(String.format("router peak RSS %.0f MiB, CPU %.1f s", router.peakRssMib(), router.cpuSeconds()));
        }
        System.exit(0); // stops the in-JVM brokers (shutdown hook)
    }

    /** Dead letters as the router writes them: the original record plus the dead-letter headers. */
    private static void produce(TestBrokers brokers, int letters, int redrive) throws Exception {
        try (Admin admin = brokers.kafkaAdmin()) {
            List<NewTopic> topics = TOPICS.stream()
                    .map(topic -> new NewTopic(topic + ".dlq", 6, (short) 1))
                    .toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        String value = "{\"messageId\":\"m-1\",\"conversationId\":\"c-1\",\"senderId\":\"u-1\",\"content\":\""
                + "x".repeat(400) + "\"}";
        String stack =
                "java.lang.IllegalStateException: refused\n\tat io.quckchat.router.delivery.Lane.send(Lane.java:1)\n"
                        .repeat(4);
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers.kafkaBootstrap(),
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
            // the redrive's letters are spread over the whole run, not at one end
            int every = letters / redrive;
            for (int i = 0; i < letters; i++) {
                String topic = TOPICS.get(i % TOPICS.size());
                String leg =
                        i % every == 0 && i / every < redrive ? REDRIVE_LEG : LEGS.get(random.nextInt(LEGS.size()));
                String error = ERRORS.get(random.nextInt(ERRORS.size()));
                String now = Instant.now().toString();
                RecordHeaders headers = new RecordHeaders();
                put(headers, "ce_id", "ev-" + i);
                put(headers, DeadLetterHeaders.TOPIC, topic);
                put(headers, DeadLetterHeaders.PARTITION, String.valueOf(i % 6));
                put(headers, DeadLetterHeaders.OFFSET, String.valueOf(i));
                put(headers, DeadLetterHeaders.CONNECTOR_NAME, "quckchat-router");
                put(headers, DeadLetterHeaders.TASK_ID, topic.replace('.', '-'));
                put(headers, DeadLetterHeaders.STAGE, "event".equals(leg) ? "EVENT" : "LEG");
                put(headers, DeadLetterHeaders.CLASS_NAME, "io.quckchat.router.rabbitmq.RabbitMqLane");
                put(headers, DeadLetterHeaders.EXCEPTION_CLASS, error);
                put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, "refused by the destination, attempt 5");
                put(headers, DeadLetterHeaders.EXCEPTION_STACKTRACE, stack);
                put(headers, DeadLetterHeaders.EVENT_ID, "ev-" + i);
                put(headers, DeadLetterHeaders.LEG, leg);
                put(headers, DeadLetterHeaders.ATTEMPTS, "5");
                put(headers, DeadLetterHeaders.FIRST_FAILURE, now);
                put(headers, DeadLetterHeaders.LAST_FAILURE, now);
                producer.send(new ProducerRecord<>(
                        topic + ".dlq",
                        null,
                        ("c-" + (i % 1000)).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8),
                        headers));
            }
            producer.flush();
        }
    }

    private static long awaitIndexed(HttpClient http, String base, BenchProcess router, int letters) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        long lastSaid = 0;
        while (System.nanoTime() < deadline) {
            router.checkAlive();
            try {
                JsonNode page = get(http, base + "/admin/dead-letters?size=1");
                long total = page.path("total").asLong();
                if (page.path("indexBehind").asLong() == 0 && total >= letters) {
                    return System.nanoTime();
                }
                if (System.nanoTime() - lastSaid > TimeUnit.SECONDS.toNanos(10)) {
                    say(String.format("  indexing: %,d of %,d", total, letters));
                    lastSaid = System.nanoTime();
                }
            } catch (Exception notYet) {
                // still starting
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // polling the index's progress
        }
        throw new IllegalStateException("The index did not hold every letter within 15 minutes");
    }

    private static Map<String, Long> endOffsets(TestBrokers brokers) throws Exception {
        try (Admin admin = brokers.kafkaAdmin()) {
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            for (String topic : TOPICS) {
                for (int p = 0; p < TestBrokers.PARTITIONS; p++) {
                    request.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(
                            e -> e.getKey().toString(), e -> e.getValue().offset()));
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", Http.admin())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static JsonNode post(HttpClient http, String url, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", Http.admin())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }

    private DeadLetterBench() {}
}
