package io.quckchat.camel.bullmq.interop;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.camel.bullmq.BullMqActionResult;
import io.quckchat.camel.bullmq.BullMqAddResult;
import io.quckchat.camel.bullmq.BullMqBackoff;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.camel.bullmq.BullMqConstants;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.camel.bullmq.BullMqJobInfo;
import io.quckchat.camel.bullmq.BullMqJobLogs;
import io.quckchat.camel.bullmq.BullMqJobOptions;
import io.quckchat.camel.bullmq.BullMqKeepJobs;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.BullMqState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Java side of the Node interop suite (src/test/node): reads one JSON request per line on stdin,
 * answers one JSON line on stdout, in order. Connects to REDIS_HOST / REDIS_PORT (default
 * 127.0.0.1:6379). Operations: add, addAll, send (through a Camel {@code bullmq:} endpoint), counts,
 * jobs, job, retry, isPaused, pause, resume, promote, clean, logs, queues, findJob, bench, exit.
 * Requests carry {@code id}; answers are {@code {"id", "ok": true, "result"}} or {@code {"id", "ok":
 * false, "error": {"type", "message"}}}.
 */
public final class InteropDriver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LettuceConnectionFactory factory;
    private final Map<String, BullMqClient> clients = new ConcurrentHashMap<>();
    private final Map<String, BullMqQueues> readers = new ConcurrentHashMap<>();
    private final CamelContext camel;
    private final ProducerTemplate template;

    private InteropDriver(String host, int port) {
        factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(host, port),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofSeconds(30))
                        .build());
        factory.afterPropertiesSet();
        factory.start();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("bullmq", new BullMqComponent(new BullMqClient(factory, null)));
        camel.start();
        template = camel.createProducerTemplate();
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // logs never mix with answers
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        String host = env("REDIS_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("REDIS_PORT", "6379"));
        InteropDriver driver = new InteropDriver(host, port);
        protocol.println("{\"ready\":true}");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode request = JSON.readTree(line);
            ObjectNode answer = JSON.createObjectNode();
            answer.set("id", request.get("id"));
            if ("exit".equals(request.path("op").asText())) {
                answer.put("ok", true);
                protocol.println(answer);
                break;
            }
            try {
                answer.put("ok", true);
                answer.set("result", JSON.valueToTree(driver.handle(request)));
            } catch (Exception e) {
                answer.put("ok", false);
                answer.putObject("error")
                        .put("type", e.getClass().getSimpleName())
                        .put("message", String.valueOf(e.getMessage()));
            }
            protocol.println(answer);
        }
        driver.camel.close();
        driver.factory.destroy();
    }

    private Object handle(JsonNode r) throws Exception {
        String prefix = r.path("prefix").asText("bull");
        return switch (r.path("op").asText()) {
            case "add" -> client(prefix).add(text(r, "queue"), text(r, "name"), data(r), options(r.get("opts")));
            case "addAll" -> addAll(prefix, r.get("jobs"));
            case "send" -> send(r);
            case "counts" -> counts(prefix, text(r, "queue"));
            case "jobs" ->
                reader(prefix)
                        .jobs(
                                text(r, "queue"),
                                BullMqState.ofNodeName(text(r, "state")),
                                r.path("start").asLong(0),
                                r.path("end").asLong(-1))
                        .stream()
                        .map(InteropDriver::job)
                        .toList();
            case "job" ->
                reader(prefix)
                        .job(text(r, "queue"), text(r, "jobId"))
                        .map(InteropDriver::job)
                        .orElse(null);
            case "retry" ->
                reader(prefix)
                        .retry(
                                text(r, "queue"),
                                text(r, "jobId"),
                                r.path("resetAttempts").asBoolean(false));
            case "isPaused" -> reader(prefix).isPaused(text(r, "queue"));
            case "pause" -> reader(prefix).pause(text(r, "queue"));
            case "resume" -> reader(prefix).resume(text(r, "queue"));
            case "promote" -> promote(reader(prefix).promoteJob(text(r, "queue"), text(r, "jobId")));
            case "clean" ->
                reader(prefix)
                        .clean(
                                text(r, "queue"),
                                BullMqState.ofNodeName(text(r, "state")),
                                Duration.ofMillis(r.path("graceMs").asLong(0)),
                                r.path("limit").asInt(1000));
            case "logs" -> {
                BullMqJobLogs logs = reader(prefix)
                        .logs(
                                text(r, "queue"),
                                text(r, "jobId"),
                                r.path("start").asLong(0),
                                r.path("end").asLong(-1),
                                r.path("asc").asBoolean(true));
                yield Map.of("logs", logs.logs(), "count", logs.count(), "jobExists", logs.jobExists());
            }
            case "queues" -> reader(prefix).queues();
            case "findJob" ->
                reader(prefix).findJob(text(r, "jobId")).stream()
                        .map(InteropDriver::job)
                        .toList();
            case "bench" -> bench(prefix, r);
            default -> throw new IllegalArgumentException("Unknown op " + r.path("op"));
        };
    }

    private static Map<String, Object> promote(BullMqActionResult result) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("outcome", result.outcome().name());
        out.put("state", result.state() == null ? null : result.state().nodeName());
        return out;
    }

    private BullMqClient client(String prefix) {
        return clients.computeIfAbsent(prefix, p -> new BullMqClient(factory, p));
    }

    private BullMqQueues reader(String prefix) {
        return readers.computeIfAbsent(prefix, p -> new BullMqQueues(factory, p));
    }

    private List<Map<String, Object>> addAll(String prefix, JsonNode jobs) throws Exception {
        List<BullMqJob> batch = new ArrayList<>();
        for (JsonNode job : jobs) {
            batch.add(new BullMqJob(text(job, "queue"), text(job, "name"), data(job), options(job.get("opts"))));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (BullMqAddResult result : client(prefix).addAll(batch)) {
            out.add(
                    result.ok()
                            ? Map.of("jobId", result.jobId())
                            : Map.of("error", String.valueOf(result.error().getMessage())));
        }
        return out;
    }

    /** Through the Camel component: {@code uri}, {@code body} (sent as JSON text), {@code headers}. */
    private String send(JsonNode r) throws Exception {
        Exchange out = template.request(text(r, "uri"), exchange -> {
            exchange.getMessage().setBody(r.has("body") ? JSON.writeValueAsString(r.get("body")) : null);
            Iterator<Map.Entry<String, JsonNode>> headers = r.path("headers").fields();
            while (headers.hasNext()) {
                Map.Entry<String, JsonNode> header = headers.next();
                exchange.getMessage()
                        .setHeader(header.getKey(), header.getValue().asText());
            }
        });
        if (out.getException() != null) {
            throw out.getException();
        }
        return out.getMessage().getHeader(BullMqConstants.JOB_ID, String.class);
    }

    private Map<String, Long> counts(String prefix, String queue) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        reader(prefix).counts(queue).forEach((state, count) -> counts.put(state.nodeName(), count));
        return counts;
    }

    /** Adds n small jobs in one of several ways, returns {n, ms, jobsPerSec}. */
    private Map<String, Object> bench(String prefix, JsonNode r) throws Exception {
        String queue = text(r, "queue");
        int n = r.path("n").asInt(10_000);
        int batch = r.path("batch").asInt(1000);
        int threads = r.path("threads").asInt(1);
        String mode = text(r, "mode");
        String data = "{\"to\":\"user@example.com\",\"template\":\"welcome\",\"userId\":\"u-123456\"}";
        BullMqJobOptions options = BullMqJobOptions.defaults();
        BullMqClient client = client(prefix);
        long start = System.nanoTime();
        switch (mode) {
            case "add" -> {
                for (int i = 0; i < n; i++) {
                    client.add(queue, "bench", data, options);
                }
            }
            case "add-threads" -> {
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int share = n / threads + (t < n % threads ? 1 : 0);
                    workers.add(startThread(() -> {
                        for (int i = 0; i < share; i++) {
                            client.add(queue, "bench", data, options);
                        }
                    }));
                }
                for (Thread worker : workers) {
                    worker.join();
                }
            }
            case "addAll" -> {
                for (int done = 0; done < n; done += batch) {
                    List<BullMqJob> jobs = new ArrayList<>(batch);
                    for (int i = 0; i < Math.min(batch, n - done); i++) {
                        jobs.add(new BullMqJob(queue, "bench", data, options));
                    }
                    for (BullMqAddResult result : client.addAll(jobs)) {
                        if (!result.ok()) {
                            throw result.error();
                        }
                    }
                }
            }
            case "camel" -> {
                // Resolved once, as a route's to() is.
                org.apache.camel.Endpoint endpoint =
                        camel.getEndpoint("bullmq:" + queue + "?jobName=bench&prefix=" + prefix);
                for (int i = 0; i < n; i++) {
                    template.sendBody(endpoint, data);
                }
            }
            default -> throw new IllegalArgumentException("Unknown bench mode " + mode);
        }
        long ms = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        return Map.of("n", n, "ms", ms, "jobsPerSec", n * 1000L / ms);
    }

    /** Node-style JobsOptions JSON to BullMqJobOptions. */
    static BullMqJobOptions options(JsonNode o) {
        if (o == null || o.isNull()) {
            return null;
        }
        BullMqJobOptions.Builder b = BullMqJobOptions.builder();
        if (o.has("attempts")) {
            b.attempts(o.get("attempts").asInt());
        }
        JsonNode backoff = o.get("backoff");
        if (backoff != null && backoff.isNumber()) {
            b.backoff(BullMqBackoff.fixed(backoff.asLong()));
        } else if (backoff != null && backoff.isObject()) {
            BullMqBackoff value = new BullMqBackoff(
                    BullMqBackoff.Type.of(backoff.path("type").asText()),
                    backoff.path("delay").asLong(0),
                    null);
            b.backoff(
                    backoff.has("jitter")
                            ? value.withJitter(backoff.get("jitter").asDouble())
                            : value);
        }
        if (o.has("delay")) {
            b.delay(o.get("delay").asLong());
        }
        if (o.has("priority")) {
            b.priority(o.get("priority").asInt());
        }
        if (o.has("lifo")) {
            b.lifo(o.get("lifo").asBoolean());
        }
        if (o.has("jobId")) {
            b.jobId(o.get("jobId").asText());
        }
        if (o.has("timestamp")) {
            b.timestamp(o.get("timestamp").asLong());
        }
        b.removeOnComplete(keep(o.get("removeOnComplete")));
        b.removeOnFail(keep(o.get("removeOnFail")));
        return b.build();
    }

    private static BullMqKeepJobs keep(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? BullMqKeepJobs.remove() : BullMqKeepJobs.keepAll();
        }
        if (v.isNumber()) {
            return BullMqKeepJobs.count(v.asLong());
        }
        Long count = v.has("count") ? v.get("count").asLong() : null;
        Long limit = v.has("limit") ? v.get("limit").asLong() : null;
        return v.has("age") ? BullMqKeepJobs.age(v.get("age").asLong(), count, limit) : BullMqKeepJobs.count(count);
    }

    private static String data(JsonNode r) throws Exception {
        if (r.has("dataJson")) {
            return r.get("dataJson").isNull() ? null : r.get("dataJson").asText();
        }
        return r.has("data") ? JSON.writeValueAsString(r.get("data")) : null;
    }

    private static Map<String, Object> job(BullMqJobInfo job) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("queue", job.queue());
        out.put("id", job.id());
        out.put("name", job.name());
        out.put("state", job.state().nodeName());
        out.put("data", job.data());
        out.put("opts", job.opts());
        out.put("timestamp", job.timestamp());
        out.put("processedOn", job.processedOn());
        out.put("finishedOn", job.finishedOn());
        out.put("attemptsMade", job.attemptsMade());
        out.put("attemptsStarted", job.attemptsStarted());
        out.put("delay", job.delay());
        out.put("priority", job.priority());
        out.put("failedReason", job.failedReason());
        out.put("stacktrace", job.stacktrace());
        out.put("returnvalue", job.returnvalue());
        out.put("progress", job.progress());
        return out;
    }

    private static String text(JsonNode r, String field) {
        JsonNode value = r.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Thread startThread(Runnable work) {
        Thread thread = new Thread(work, "bench-add");
        thread.start();
        return thread;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
