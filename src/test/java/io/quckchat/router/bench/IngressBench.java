package io.quckchat.router.bench;

import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The HTTP ingress benchmark (bench/ingress.sh, docs/benchmark.md). Not a test: it prints figures.
 *
 * <p>Kafka runs in this JVM, so it is external to every subject. Each subject is its own process:
 * the router from its jar with the shipped JVM options and an empty routes folder (only the
 * ingress works), {@code router-c1} the same with the client compiler only, and
 * {@code node} the hand-written baseline of {@code bench/ingress-node}. Per round and subject,
 * interleaved A B, B A, …:
 *
 * <ol>
 *   <li><b>warm-up</b>: from the process start, 1-second slices of load at the highest
 *       connection count; the time until a slice reaches 90% of the steady rate measured next;
 *   <li><b>single posts</b> at each connection count (wrk, {@code bench/ingress.lua}):
 *       accepted events/s, p50/p99 latency, the subject's CPU per 1,000 events;
 *   <li><b>batches</b> of {@code --batch-size} events ({@code bench/ingress.lua} with {@code BATCH}) at the same
 *       connection counts.
 * </ol>
 */
public final class IngressBench {

    static final String TOKEN = "bench-token-0123456789abcdef";

    record Options(
            int rounds,
            int seconds,
            int warmup,
            List<Integer> connections,
            int batchSize,
            List<String> subjects,
            List<String> routerArgs,
            List<String> routerJvmArgs) {

        static Options parse(String[] args) {
            Map<String, String> o = BenchProcess.options(args);
            Options options = new Options(
                    Integer.parseInt(take(o, "rounds", "3")),
                    Integer.parseInt(take(o, "seconds", "20")),
                    Integer.parseInt(take(o, "warmup", "30")),
                    Arrays.stream((take(o, "connections", "8,32")).split(","))
                            .map(String::trim)
                            .map(Integer::parseInt)
                            .toList(),
                    Integer.parseInt(take(o, "batch-size", "100")),
                    List.of((take(o, "subjects", "router,node")).split(",")),
                    words(take(o, "router-args", "")),
                    words(take(o, "router-jvm-args", "")));
            if (!o.isEmpty()) {
                throw new IllegalArgumentException("Unknown options: " + o.keySet());
            }
            return options;
        }

        private static List<String> words(String value) {
            return Arrays.stream(value.trim().split("\\s+"))
                    .filter(word -> !word.isEmpty())
                    .toList();
        }

        private static String take(Map<String, String> options, String name, String fallback) {
            String value = options.remove(name);
            return value == null ? fallback : value;
        }
    }

    /** One wrk run: accepted events/s and latencies (ms) of requests; CPU ms of the subject per 1,000 events. */
    record Load(
            String name,
            double eventsPerSecond,
            long requests,
            long refused,
            double p50,
            double p99,
            double max,
            double cpuMsPerThousand) {}

    /** One subject's round. */
    record Run(
            int round,
            String subject,
            double readySeconds,
            double steadyAfterSeconds,
            List<Load> loads,
            double peakRssMib) {}

    private final Options options;
    private final TestBrokers brokers;
    private final List<String> jvmOptions;
    private final HttpClient http = HttpClient.newHttpClient();

    private IngressBench(Options options) throws IOException {
        this.options = options;
        this.brokers = TestBrokers.get();
        this.jvmOptions = Files.readAllLines(Path.of("config", "jvm.options")).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .collect(Collectors.toList());
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        IngressBench bench = new IngressBench(options);
        say("brokers: " + bench.brokers.describe());
        say(options.toString());
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            List<String> order = new ArrayList<>(options.subjects());
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (String subject : order) {
                Run run = bench.run(round, subject.trim());
                runs.add(run);
            }
        }
        bench.report(runs);
        System.exit(0); // stops the in-JVM brokers (shutdown hook)
    }

    private Run run(int round, String subject) throws Exception {
        Namespace ns = Namespace.random();
        int port = freePort();
        say("round " + round + ", " + subject + " (port " + port + ")");
        long start = System.nanoTime();
        try (BenchProcess process = startSubject(subject, ns, port)) {
            String url = "http://127.0.0.1:" + port;
            double ready = awaitFirstAccepted(process, url, start);
            say(String.format(Locale.ROOT, "  first 202 after %.1f s", ready));
            int top = options.connections().stream()
                    .mapToInt(Integer::intValue)
                    .max()
                    .orElse(32);
            List<double[]> slices = new ArrayList<>();
            for (int s = 0; s < options.warmup(); s++) {
                Load slice = wrk(process, url, top, 1, 1);
                slices.add(new double[] {(System.nanoTime() - start) / 1e9, slice.eventsPerSecond()});
            }
            say("  warm-up, events/s per 1-s slice at " + top + " connections: "
                    + slices.stream().map(s -> fmt(s[1])).collect(Collectors.joining(" ")));
            List<Load> loads = new ArrayList<>();
            for (int c : options.connections()) {
                Load load = wrk(process, url, c, options.seconds(), 1);
                say("  " + row(load));
                loads.add(load);
            }
            for (int c : options.connections()) {
                Load batch = wrk(process, url, c, options.seconds(), options.batchSize());
                say("  " + row(batch));
                loads.add(batch);
            }
            double steady = loads.stream()
                    .filter(l -> l.name().equals("single c" + top))
                    .findFirst()
                    .map(Load::eventsPerSecond)
                    .orElse(Double.NaN);
            double steadyAfter = slices.stream()
                    .filter(s -> s[1] >= 0.9 * steady)
                    .mapToDouble(s -> s[0])
                    .findFirst()
                    .orElse(Double.NaN);
            return new Run(round, subject, ready, steadyAfter, loads, process.peakRssMib());
        } finally {
            // the exchange the router declared (no routes, so no queues)
            try (RabbitMqProbe leftovers = new RabbitMqProbe(ns)) {
                leftovers.cleanUp();
            }
        }
    }

    private BenchProcess startSubject(String subject, Namespace ns, int port) throws Exception {
        Path log = Path.of("target", "bench", "ingress-" + ns.id() + "-" + subject + ".log");
        List<String> command = new ArrayList<>();
        switch (subject) {
            case "router", "router-c1" -> {
                Path empty = Files.createDirectories(Path.of("target", "bench", "no-routes"));
                command.add(ProcessHandle.current().info().command().orElse("java"));
                command.addAll(jvmOptions);
                if (subject.equals("router-c1")) {
                    command.add("-XX:TieredStopAtLevel=1"); // the client compiler only
                }
                command.addAll(options.routerJvmArgs());
                command.addAll(List.of("-jar", RouterProcess.jar().toString()));
                command.addAll(ns.routerArgs(
                        brokers,
                        "--server.port=" + port,
                        "--camel.main.routes-include-pattern=file:" + empty.toAbsolutePath() + "/*.camel.yaml",
                        "--quckchat.ingress.tokens[0].name=bench",
                        "--quckchat.ingress.tokens[0].token=" + TOKEN,
                        "--quckchat.ingress.tokens[0].topics=user.online,message.sent",
                        "--logging.level.root=warn"));
                command.addAll(options.routerArgs());
            }
            case "node" -> {
                command.addAll(List.of("node", "bench/ingress-node/server.js"));
            }
            default -> throw new IllegalArgumentException("Unknown subject " + subject + " (router, router-c1, node)");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KAFKA_BROKERS", brokers.kafkaBootstrap());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("INGRESS_TOKEN", TOKEN);
        return BenchProcess.start(subject, builder, log);
    }

    /** Seconds from the start until a single post is accepted (202). */
    private double awaitFirstAccepted(BenchProcess process, String url, long start) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(url + "/api/v1/events/user.online"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u-0\",\"online\":true}"))
                .build();
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            process.checkAlive();
            try {
                HttpResponse<String> answer = http.send(post, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    return (System.nanoTime() - start) / 1e9;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                last = e.toString();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling a starting process
        }
        throw new IllegalStateException(
                process.name() + " accepted no event in 120 s (last: " + last + "); see " + process.log());
    }

    /** One wrk run against the subject; events per request is 1, or the batch size. */
    private Load wrk(BenchProcess subject, String url, int connections, int seconds, int perRequest) throws Exception {
        double cpu0 = subject.cpuSeconds();
        Wrk.Result result = Wrk.run(
                url, connections, seconds, Map.of("INGRESS_TOKEN", TOKEN, "BATCH", Integer.toString(perRequest)));
        double cpu = subject.cpuSeconds() - cpu0;
        long events = result.accepted() * perRequest;
        String name = (perRequest == 1 ? "single" : "batch" + perRequest) + " c" + connections;
        return new Load(
                name,
                events / result.seconds(),
                result.requests(),
                result.refused(),
                result.p50(),
                result.p99(),
                result.max(),
                events == 0 ? Double.NaN : cpu * 1000 / events * 1000);
    }

    private void report(List<Run> runs) {
        System.out.println();
        System.out.printf(
                "Ingress benchmark: %d rounds, %d s per load, wrk, %d cores, Kafka in the benchmark's JVM (%s)%n",
                options.rounds(),
                options.seconds(),
                Runtime.getRuntime().availableProcessors(),
                brokers.kafkaBootstrap());
        System.out.println("| subject | load | events/s | p50 ms | p99 ms | CPU ms / 1,000 events |");
        System.out.println("|---|---|---|---|---|---|");
        List<String> names = runs.get(0).loads().stream().map(Load::name).toList();
        for (String name : names) {
            for (String subject : options.subjects()) {
                List<Load> loads = runs.stream()
                        .filter(r -> r.subject().equals(subject.trim()))
                        .flatMap(r -> r.loads().stream())
                        .filter(l -> l.name().equals(name))
                        .toList();
                System.out.printf(
                        "| %s | %s | %s | %s | %s | %s |%n",
                        subject,
                        name,
                        spread(loads.stream().mapToDouble(Load::eventsPerSecond).toArray()),
                        spread(loads.stream().mapToDouble(Load::p50).toArray()),
                        spread(loads.stream().mapToDouble(Load::p99).toArray()),
                        spread(loads.stream()
                                .mapToDouble(Load::cpuMsPerThousand)
                                .toArray()));
            }
        }
        System.out.println();
        System.out.println("| subject | first 202 after s | 90% of steady rate after s | peak RSS MiB |");
        System.out.println("|---|---|---|---|");
        for (String subject : options.subjects()) {
            List<Run> mine = runs.stream()
                    .filter(r -> r.subject().equals(subject.trim()))
                    .toList();
            System.out.printf(
                    "| %s | %s | %s | %s |%n",
                    subject,
                    spread(mine.stream().mapToDouble(Run::readySeconds).toArray()),
                    spread(mine.stream().mapToDouble(Run::steadyAfterSeconds).toArray()),
                    spread(mine.stream().mapToDouble(Run::peakRssMib).toArray()));
        }
        System.out.println("(median [lowest–highest] over the rounds; 'NaN': not within the " + options.warmup()
                + " s of warm-up slices)");
    }

    /** "median [lowest–highest]". */
    static String spread(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return n == 1 ? fmt(median) : fmt(median) + " [" + fmt(sorted[0]) + "–" + fmt(sorted[n - 1]) + "]";
    }

    private static String row(Load load) {
        return String.format(
                Locale.ROOT,
                "%-12s %8.0f events/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  refused %d of %d  CPU %.0f ms/1,000",
                load.name(),
                load.eventsPerSecond(),
                load.p50(),
                load.p99(),
                load.max(),
                load.refused(),
                load.requests(),
                load.cpuMsPerThousand());
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String fmt(double value) {
        return Double.isNaN(value)
                ? "NaN"
                : value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
