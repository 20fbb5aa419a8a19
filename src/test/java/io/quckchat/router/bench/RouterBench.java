package io.quckchat.router.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The throughput benchmark (bench/run.sh, docs/benchmark.md). Not a test: it prints figures.
 *
 * <p>For every round and subject (the router from its jar with its normal configuration, then the
 * plain-client {@link BaselineBridge}, interleaved A B B A A B …, after an unmeasured warm-up round): a fresh namespace (queues, consumer
 * group, ledger and BullMQ prefixes), N message.sent events of about 1 KB pre-filled into Kafka,
 * the subject started as its own JVM with the shipped JVM options; then
 *
 * <ol>
 *   <li><b>catch-up</b>: events/s from the first leg delivered to the last (2 RabbitMQ queues and 1
 *       BullMQ job per event, counted at the brokers), and the subject's CPU seconds meanwhile;
 *   <li><b>latency</b>: once the subject is quiet again (under a tenth of a core), events offered at
 *       a fixed rate; each timed from the producer's send to the arrival of its last leg at a
 *       consumer of the queues and at the BullMQ events stream;
 *   <li>the subject's peak RSS (VmHWM) over the whole run.
 * </ol>
 */
public final class RouterBench {

    private static final String TOPIC = "message.sent";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Options(
            int events,
            int rounds,
            int warmup,
            int rate,
            int seconds,
            int instances,
            List<String> subjects,
            int keys,
            int payloadBytes,
            boolean jfr,
            List<String> routerArgs,
            boolean joined,
            int ingressRate,
            List<String> routerJvmArgs,
            int warmEvents,
            Path out) {

        static Options parse(String[] args) {
            Map<String, String> o = BenchProcess.options(args);
            Options options = new Options(
                    Integer.parseInt(o.getOrDefault("events", "20000")),
                    Integer.parseInt(o.getOrDefault("rounds", "3")),
                    Integer.parseInt(o.getOrDefault("warmup", "1")),
                    Integer.parseInt(o.getOrDefault("rate", "500")),
                    Integer.parseInt(o.getOrDefault("seconds", "20")),
                    Integer.parseInt(o.getOrDefault("instances", "1")),
                    List.of(o.getOrDefault("subjects", "router,baseline").split(",")),
                    Integer.parseInt(o.getOrDefault("keys", "1000")),
                    Integer.parseInt(o.getOrDefault("payload-bytes", "1024")),
                    Boolean.parseBoolean(o.getOrDefault("jfr", "false")),
                    o.getOrDefault("router-args", "").isBlank()
                            ? List.of()
                            : List.of(o.get("router-args").trim().split("\\s+")),
                    switch (o.getOrDefault("start", "prefilled")) {
                        case "prefilled" -> false;
                        case "joined" -> true;
                        default -> throw new IllegalArgumentException("--start is prefilled or joined");
                    },
                    Integer.parseInt(o.getOrDefault("ingress-rate", "0")),
                    o.getOrDefault("router-jvm-args", "").isBlank()
                            ? List.of()
                            : List.of(o.get("router-jvm-args").trim().split("\\s+")),
                    Integer.parseInt(o.getOrDefault("warm-events", "0")),
                    Path.of(o.getOrDefault("out", "target/bench/router-bench.json")));
            o.keySet()
                    .removeAll(List.of(
                            "events",
                            "rounds",
                            "warmup",
                            "rate",
                            "seconds",
                            "instances",
                            "subjects",
                            "keys",
                            "payload-bytes",
                            "jfr",
                            "router-args",
                            "start",
                            "ingress-rate",
                            "router-jvm-args",
                            "warm-events",
                            "out"));
            if (!o.isEmpty()) {
                throw new IllegalArgumentException("Unknown options: " + o.keySet());
            }
            return options;
        }
    }

    /** One subject's figures in one round. Latencies in milliseconds. */
    record Run(
            int round,
            String subject,
            int instances,
            int events,
            double catchUpSeconds,
            double eventsPerSecond,
            double cpuSeconds,
            double steadyCpuMsPerThousand,
            long ingressEvents,
            double peakRssMib,
            long extraLegs,
            int latencyEvents,
            int latencyMissing,
            double p50,
            double p95,
            double p99) {}

    private final Options options;
    private final TestBrokers brokers;
    private final List<String> jvmOptions;
    private final KafkaProducer<byte[], byte[]> producer;

    private RouterBench(Options options) throws Exception {
        this.options = options;
        this.brokers = TestBrokers.get();
        this.jvmOptions = Files.readAllLines(Path.of("config", "jvm.options")).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .collect(Collectors.toList());
        this.producer = producer(brokers);
    }

    /** The load's producer: waits for all in-sync replicas, no linger. */
    static KafkaProducer<byte[], byte[]> producer(TestBrokers brokers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        RouterBench bench = new RouterBench(options);
        say("brokers: " + bench.brokers.describe() + ", " + TestBrokers.PARTITIONS + " partitions per topic");
        say("subject JVM options (config/jvm.options): " + String.join(" ", bench.jvmOptions));
        say(options.toString());
        // Unmeasured first: the JIT of this JVM (Kafka, producer, watchers) and the brokers' first
        // queues and files warm up here, not in the first measured subject's figures. The latency
        // phase runs its full length: with 5 s, the first measured subject's p50 still fell from
        // about 10 ms to 2 ms over its first 15 s (this JVM compiling the timing path).
        for (int round = 1; round <= options.warmup(); round++) {
            for (String subject : options.subjects()) {
                say(row(bench.run(-round, subject.trim(), bench.warmupEvents(), options.seconds())));
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            // A B, then B A, ...: going first or second in a round (after the other's clean-up, with the
            // brokers in another state) must not favour one subject.
            List<String> order = new ArrayList<>(options.subjects());
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (String subject : order) {
                Run run = bench.run(round, subject.trim(), options.events(), options.seconds());
                say(row(run));
                runs.add(run);
            }
        }
        bench.report(runs);
        bench.producer.close(Duration.ofSeconds(5));
        System.exit(0); // stops the in-JVM brokers (shutdown hook)
    }

    /** A warm-up round's events: a quarter of a measured round's, at least 2,000. */
    private int warmupEvents() {
        return Math.min(options.events(), Math.max(2_000, options.events() / 4));
    }

    /** One subject's run; a negative round is a warm-up, printed but not counted. */
    private Run run(int round, String subject, int events, int seconds) throws Exception {
        Namespace ns = Namespace.random();
        say((round < 0 ? "warm-up " + -round + " (not counted)" : "round " + round) + ", " + subject + " x"
                + options.instances() + " (namespace " + ns.id() + ")");
        Map<TopicPartition, Long> start = endOffsets();
        boolean joined = options.joined() || options.warmEvents() > 0;
        if (!joined) {
            fill(ns, "", events);
        }
        try (Admin admin = brokers.kafkaAdmin()) {
            admin.alterConsumerGroupOffsets(
                            ns.groupId(),
                            start.entrySet().stream()
                                    .collect(Collectors.toMap(
                                            Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<BenchProcess> processes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        long ingressEvents = 0;
        double steadyCpu = 0;
        try (DeliveryWatch watch = new DeliveryWatch(brokers, ns)) {
            try {
                for (int k = 0; k < (subject.startsWith("router") ? options.instances() : 1); k++) {
                    ports.add(IngressBench.freePort());
                    processes.add(startSubject(subject, ns, k, ports.get(k)));
                }
                if (joined) {
                    awaitGroup(ns.groupId(), processes);
                    if (options.warmEvents() > 0) {
                        warmUp(ns, watch, processes);
                    }
                    fill(ns, "", events);
                }
                long target = (long) DeliveryWatch.LEGS * events;
                long t0 = 0;
                double cpu0 = 0;
                long delivered;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (true) {
                    processes.forEach(BenchProcess::checkAlive);
                    delivered = watch.delivered();
                    if (t0 == 0 && delivered > 0) {
                        t0 = System.nanoTime();
                        cpu0 = cpu(processes);
                    }
                    if (delivered >= target) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(subject + " delivered " + delivered + " of " + target
                                + " legs in 10 minutes; see " + processes.get(0).log());
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // sampling interval
                }
                double catchUp = (System.nanoTime() - t0) / 1e9;
                double cpuSeconds = cpu(processes) - cpu0;
                say(String.format(
                        Locale.ROOT, "  caught up: %,d legs in %.2f s, %.1f CPU s", delivered, catchUp, cpuSeconds));

                watch.purge();
                // The latency phase measures the steady state at the offered rate, not the end of the
                // catch-up: a subject may still be finishing it (the router's ledger writes and offset
                // commits trail its last confirm). Same wait for every subject.
                double settled = settle(processes);
                say(String.format(Locale.ROOT, "  quiet after %.1f s", settled));
                int total = options.rate() * seconds;
                long[] micros;
                double steadyCpu0 = cpu(processes);
                IngressLoad ingress = IngressLoad.start(subject, ports, options.ingressRate(), seconds);
                try (DeliveryWatch.Latency latency = watch.latency(total)) {
                    long begin = System.nanoTime();
                    long interval = 1_000_000_000L / options.rate();
                    for (int i = 0; i < total; i++) {
                        LockSupport.parkNanos(begin + i * interval - System.nanoTime()); // the offered rate
                        String id = ns.id() + "-L" + i;
                        latency.sent(id);
                        producer.send(messageSent(id, i, options.keys(), options.payloadBytes()));
                    }
                    micros = latency.await(30);
                    ingressEvents = ingress.await();
                    steadyCpu = cpu(processes) - steadyCpu0;
                    latency.writeTimeline(Path.of("target", "bench", ns.id() + "-" + subject + "-latency.csv"));
                    for (int leg = 0; leg < DeliveryWatch.LEGS; leg++) {
                        long[] legMicros = latency.leg(leg);
                        say(String.format(
                                Locale.ROOT,
                                "  leg %s: p50 %.1f ms, p99 %.1f ms",
                                leg < DeliveryWatch.QUEUES.size() ? DeliveryWatch.QUEUES.get(leg) : "bullmq push",
                                percentile(legMicros, 50),
                                percentile(legMicros, 99)));
                    }
                }
                say(String.format(
                        Locale.ROOT,
                        "  steady state: %,d events (%,d of them over the HTTP ingress), %.1f CPU s",
                        total + ingressEvents,
                        ingressEvents,
                        steadyCpu));
                double rss = processes.stream()
                        .mapToDouble(BenchProcess::peakRssMib)
                        .max()
                        .orElseThrow();
                return new Run(
                        round,
                        subject,
                        processes.size(),
                        events,
                        catchUp,
                        events / catchUp,
                        cpuSeconds,
                        steadyCpu * 1e6 / (total + ingressEvents),
                        ingressEvents,
                        rss,
                        delivered - target,
                        micros.length,
                        total - micros.length,
                        percentile(micros, 50),
                        percentile(micros, 95),
                        percentile(micros, 99));
            } finally {
                for (BenchProcess process : processes) {
                    process.close();
                }
                watch.cleanUp();
            }
        }
    }

    /**
     * With {@code --warm-events=N}: N events (ids {@code <ns>-warm-<i>}) the subject delivers before
     * the measured ones, unmeasured, so that the figures are those of a warm JVM; then the queues
     * are emptied and the subject left to go quiet.
     */
    private void warmUp(Namespace ns, DeliveryWatch watch, List<BenchProcess> processes) throws Exception {
        long start = System.nanoTime();
        fill(ns, "warm-", options.warmEvents());
        long target = (long) DeliveryWatch.LEGS * options.warmEvents();
        long deadline = start + TimeUnit.MINUTES.toNanos(10);
        while (watch.delivered() < target) {
            processes.forEach(BenchProcess::checkAlive);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("warm-up not delivered in 10 minutes; see "
                        + processes.get(0).log());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // sampling interval
        }
        watch.purge();
        double quiet = settle(processes);
        say(String.format(
                Locale.ROOT,
                "  warmed up: %,d events delivered in %.1f s (not counted), quiet after %.1f s",
                options.warmEvents(),
                (System.nanoTime() - start) / 1e9,
                quiet));
    }

    /** Produces the run's N events (ids {@code <ns>-<prefix><i>}). */
    private void fill(Namespace ns, String prefix, int events) {
        long fill = System.nanoTime();
        for (int i = 0; i < events; i++) {
            producer.send(messageSent(ns.id() + "-" + prefix + i, i, options.keys(), options.payloadBytes()));
        }
        producer.flush();
        say(String.format(Locale.ROOT, "  produced %,d events in %.1f s", events, (System.nanoTime() - fill) / 1e9));
    }

    /**
     * With {@code --start=joined}: waits until every instance is a member of the group with
     * partitions of message.sent, so that a scaling run measures the instances together and not a
     * rebalance as the later ones join.
     */
    private void awaitGroup(String group, List<BenchProcess> processes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        try (Admin admin = brokers.kafkaAdmin()) {
            while (true) {
                processes.forEach(BenchProcess::checkAlive);
                org.apache.kafka.clients.admin.ConsumerGroupDescription description = admin.describeConsumerGroups(
                                List.of(group))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(group);
                long owners = description.members().stream()
                        .filter(member -> member.assignment().topicPartitions().stream()
                                .anyMatch(tp -> tp.topic().equals(TOPIC)))
                        .count();
                if (description.state() == org.apache.kafka.common.ConsumerGroupState.STABLE
                        && owners == Math.min(processes.size(), TestBrokers.PARTITIONS)) {
                    say("  group " + group + ": " + owners + " member(s) own message.sent partitions");
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Group " + group + " did not settle with " + processes.size()
                            + " members in 3 minutes: " + description);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // polling the group state
            }
        }
    }

    private BenchProcess startSubject(String subject, Namespace ns, int index, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        if (subject.equals("router-c1")) {
            command.add("-XX:TieredStopAtLevel=1"); // the client compiler only
        }
        Path log = Path.of("target", "bench", ns.id() + "-" + subject + "-" + index + ".log");
        if (options.jfr()) {
            // a CPU and allocation profile of the whole run, for `jfr print` or JDK Mission Control
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + log.toString().replace(".log", ".jfr"));
        }
        switch (subject) {
            case "router", "router-c1" -> {
                command.addAll(options.routerJvmArgs());
                command.addAll(List.of("-jar", RouterProcess.jar().toString()));
                command.addAll(ns.routerArgs(
                        brokers,
                        "--camel.main.name=bench-" + ns.id() + "-" + index,
                        "--server.port=" + port,
                        "--quckchat.ingress.tokens[0].name=bench",
                        "--quckchat.ingress.tokens[0].token=" + IngressBench.TOKEN,
                        "--quckchat.ingress.tokens[0].topics=user.online"));
                command.addAll(options.routerArgs());
            }
            case "baseline", "camel-stock" -> {
                String classpath = "target/test-classes:target/classes:"
                        + Files.readString(Path.of("target", "test-classpath.txt"))
                                .trim();
                command.addAll(List.of(
                        "-cp",
                        classpath,
                        "baseline".equals(subject) ? BaselineBridge.class.getName() : StockCamelBridge.class.getName(),
                        "--kafka=" + brokers.kafkaBootstrap(),
                        "--group=" + ns.groupId(),
                        "--topic=" + TOPIC,
                        "--rabbitmq-url=" + brokers.rabbitUrl(),
                        "--exchange=" + ns.exchange(),
                        "--queue-prefix=" + ns.queuePrefix(),
                        "--redis-host=" + brokers.redisHost(),
                        "--redis-port=" + brokers.redisPort(),
                        "--bull-prefix=" + ns.bullPrefix()));
            }
            default ->
                throw new IllegalArgumentException(
                        "Unknown subject " + subject + " (router, router-c1, baseline, camel-stock)");
        }
        return BenchProcess.start(subject + "-" + index, command, log);
    }

    /**
     * The {@code i}th message.sent event of a run: event id {@code id}, one of {@code keys}
     * conversations as its key, {@code payloadBytes} of JSON.
     */
    static ProducerRecord<byte[], byte[]> messageSent(String id, int i, int keys, int payloadBytes) {
        String conversation = "conv-" + (i % keys);
        StringBuilder json = new StringBuilder(payloadBytes + 64)
                .append("{\"messageId\":\"")
                .append(id)
                .append("\",\"conversationId\":\"")
                .append(conversation)
                .append("\",\"senderId\":\"user-")
                .append(i % 997)
                .append("\",\"recipientIds\":[\"user-")
                .append((i + 1) % 997)
                .append("\"],\"type\":\"text\",\"sentAt\":\"")
                .append(Instant.now())
                .append("\",\"content\":\"");
        while (json.length() < payloadBytes - 2) {
            json.append("lorem ipsum ");
        }
        json.setLength(payloadBytes - 2);
        json.append("\"}");
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                TOPIC,
                conversation.getBytes(StandardCharsets.UTF_8),
                json.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", TOPIC.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "bench".getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = brokers.kafkaAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < TestBrokers.PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /**
     * Waits until the subject's processes together use less than a tenth of a core over a quarter
     * of a second (at most 15 s); returns how long that took.
     */
    private static double settle(List<BenchProcess> processes) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            double before = cpu(processes);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            if (cpu(processes) - before < 0.025) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double cpu(List<BenchProcess> processes) {
        return processes.stream().mapToDouble(BenchProcess::cpuSeconds).sum();
    }

    /** The p-th percentile of sorted microseconds, in milliseconds; NaN when there are none. */
    static double percentile(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMicros.length);
        return sortedMicros[Math.max(0, rank - 1)] / 1000.0;
    }

    // ---- the report

    private void report(List<Run> runs) throws Exception {
        List<String> subjects = runs.stream().map(Run::subject).distinct().toList();
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%nQuckChat Router benchmark: %,d message.sent events of %d B, %d keys, %d partitions; latency at %d events/s for %d s%n",
                options.events(),
                options.payloadBytes(),
                options.keys(),
                TestBrokers.PARTITIONS,
                options.rate(),
                options.seconds()));
        table.append(HEADER).append('\n');
        runs.forEach(run -> table.append(row(run)).append('\n'));
        table.append("\nmedian [min – max] over ").append(options.rounds()).append(" rounds\n");
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String subject : subjects) {
            List<Run> mine =
                    runs.stream().filter(r -> r.subject().equals(subject)).toList();
            Map<String, Object> figures = new LinkedHashMap<>();
            table.append(String.format(Locale.ROOT, "  %-13s", subject));
            for (Map.Entry<String, ToDoubleFunction<Run>> figure : FIGURES.entrySet()) {
                double[] values =
                        mine.stream().mapToDouble(figure.getValue()).sorted().toArray();
                figures.put(
                        figure.getKey(),
                        Map.of("median", median(values), "min", values[0], "max", values[values.length - 1]));
                table.append(String.format(
                        Locale.ROOT,
                        "  %s %s [%s – %s]",
                        figure.getKey(),
                        fmt(median(values)),
                        fmt(values[0]),
                        fmt(values[values.length - 1])));
            }
            table.append('\n');
            summary.put(subject, figures);
        }
        for (String subject : subjects) {
            if (subject.startsWith("router") && subjects.contains("baseline")) {
                table.append(againstBaseline(runs, subject, summary));
            }
        }
        System.out.println(table);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("date", Instant.now().toString());
        document.put(
                "machine",
                Map.of(
                        "cpus", Runtime.getRuntime().availableProcessors(),
                        "loadAverageAtEnd",
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                        .getSystemLoadAverage(),
                        "brokers", brokers.describe(),
                        "partitions", TestBrokers.PARTITIONS,
                        "jvmOptions", jvmOptions));
        document.put("options", options);
        document.put("runs", runs);
        document.put("summary", summary);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), JSON.writeValueAsString(document));
        say("written: " + options.out());
    }

    /** Issue 19's targets for a router subject against the baseline, per round, as medians with ranges. */
    private String againstBaseline(List<Run> runs, String subject, Map<String, Object> summary) {
        StringBuilder out =
                new StringBuilder(String.format(Locale.ROOT, "%n%s against the baseline, per round:%n", subject));
        target(
                out,
                summary,
                subject,
                runs,
                "throughput ÷ baseline",
                "≥ 1.00",
                (r, b) -> r.eventsPerSecond() / b.eventsPerSecond(),
                v -> v >= 1.0);
        target(
                out,
                summary,
                subject,
                runs,
                "catch-up CPU per event ÷ baseline",
                "≤ 1.10",
                (r, b) -> (r.cpuSeconds() / r.events()) / (b.cpuSeconds() / b.events()),
                v -> v <= 1.1);
        target(
                out,
                summary,
                subject,
                runs,
                "steady CPU per event ÷ baseline",
                "≤ 1.10",
                (r, b) -> r.steadyCpuMsPerThousand() / b.steadyCpuMsPerThousand(),
                v -> v <= 1.1);
        target(
                out,
                summary,
                subject,
                runs,
                "p99 at " + options.rate() + " events/s − baseline's (ms)",
                "≤ +2",
                (r, b) -> r.p99() - b.p99(),
                v -> v <= 2);
        double maxRss = runs.stream()
                .filter(r -> r.subject().equals(subject))
                .mapToDouble(Run::peakRssMib)
                .max()
                .orElseThrow();
        out.append(String.format(
                Locale.ROOT,
                "  peak RSS, highest of all rounds: %.0f MiB (%.0f MB)   target ≤ 350 MB: %s%n",
                maxRss,
                maxRss * 1.048576,
                maxRss * 1.048576 <= 350 ? "met" : "NOT MET"));
        summary.put(subject + " peak RSS MiB", maxRss);
        return out.toString();
    }

    private void target(
            StringBuilder out,
            Map<String, Object> summary,
            String subject,
            List<Run> runs,
            String name,
            String goal,
            java.util.function.ToDoubleBiFunction<Run, Run> figure,
            java.util.function.DoublePredicate met) {
        double[] values = new double[options.rounds()];
        for (int r = 1; r <= options.rounds(); r++) {
            values[r - 1] = figure.applyAsDouble(find(runs, r, subject), find(runs, r, "baseline"));
        }
        Arrays.sort(values);
        double median = median(values);
        out.append(String.format(
                Locale.ROOT,
                "  %-45s median %.2f [%.2f – %.2f]   target %s: %s%n",
                name,
                median,
                values[0],
                values[values.length - 1],
                goal,
                met.test(median) ? "met" : "NOT MET"));
        summary.put(subject + " " + name, Map.of("median", median, "min", values[0], "max", values[values.length - 1]));
    }

    private static final String HEADER = String.format(
            Locale.ROOT,
            "%-5s %-13s %2s %9s %8s %7s %9s %8s %6s %9s %8s %8s %8s",
            "round",
            "subject",
            "n",
            "events/s",
            "catch-up",
            "CPU s",
            "steady ms/1k",
            "RSS MiB",
            "extra",
            "timed",
            "p50 ms",
            "p95 ms",
            "p99 ms");

    private static final Map<String, ToDoubleFunction<Run>> FIGURES = new LinkedHashMap<>();

    static {
        FIGURES.put("events/s", Run::eventsPerSecond);
        FIGURES.put("CPU s", Run::cpuSeconds);
        FIGURES.put("CPU ms/1k", run -> run.cpuSeconds() * 1e6 / run.events());
        FIGURES.put("steady CPU ms/1k", Run::steadyCpuMsPerThousand);
        FIGURES.put("RSS MiB", Run::peakRssMib);
        FIGURES.put("p50 ms", Run::p50);
        FIGURES.put("p99 ms", Run::p99);
    }

    private static String row(Run run) {
        return String.format(
                Locale.ROOT,
                "%-5s %-13s %2d %9.0f %7.2fs %7.1f %9.1f %8.0f %6d %5d/%-3d %8.1f %8.1f %8.1f",
                run.round() < 0 ? "w" + -run.round() : String.valueOf(run.round()),
                run.subject(),
                run.instances(),
                run.eventsPerSecond(),
                run.catchUpSeconds(),
                run.cpuSeconds(),
                run.steadyCpuMsPerThousand(),
                run.peakRssMib(),
                run.extraLegs(),
                run.latencyEvents(),
                run.latencyMissing(),
                run.p50(),
                run.p95(),
                run.p99());
    }

    private static Run find(List<Run> runs, int round, String subject) {
        return runs.stream()
                .filter(r -> r.round() == round && r.subject().equals(subject))
                .findFirst()
                .orElseThrow();
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String fmt(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
