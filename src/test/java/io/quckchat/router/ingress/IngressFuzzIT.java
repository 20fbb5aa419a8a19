package io.quckchat.router.ingress;

import static io.quckchat.router.ingress.IngressClient.bearer;
import static io.quckchat.router.ingress.IngressClient.endOffsets;
import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A few hundred random malformed requests — bodies, media types, tokens, topics, headers, batches
 * and raw malformed HTTP — get only 4xx answers, publish nothing, and leave a healthy router
 * that still accepts a valid event. The seed is printed; {@code -Dfuzz.seed=N} replays a run.
 */
class IngressFuzzIT {

    private static final int REQUESTS = 400;
    private static final String TOKEN = IngressIT.CHAT;
    private static final List<String> TOPICS = TestBrokers.TOPICS;

    private final long seed = Long.getLong("fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);

    /** One malformed request: path, body, headers. Never valid by construction. */
    record Attempt(String kind, String path, byte[] body, List<String> headers) {}

    @Test
    void malformedRequestsGetOnly4xxAndTheRouterStaysHealthy() throws Exception {
        ConfigurableApplicationContext router = RouterApp.start(Namespace.random(), IngressIT.tokens());
        try {
            IngressClient http = new IngressClient(router);
            int port = Integer.parseInt(router.getEnvironment().getProperty("local.server.port"));
            Map<TopicPartition, Long> before = endOffsets();
            Map<String, Integer> statuses = new TreeMap<>();
            List<Supplier<Attempt>> generators = List.of(
                    this::randomBytes,
                    this::truncatedJson,
                    this::schemaBreaking,
                    this::deepNesting,
                    this::wrongMediaType,
                    this::wrongToken,
                    this::strangeTopic,
                    this::badHeaders,
                    this::junkBatch);
            for (int i = 0; i < REQUESTS; i++) {
                int status;
                String kind;
                if (i % 20 == 19) {
                    kind = "raw-http";
                    status = rawHttp(port);
                } else {
                    Attempt attempt =
                            generators.get(random.nextInt(generators.size())).get();
                    kind = attempt.kind();
                    HttpResponse<String> response = http.postBytes(
                            attempt.path(), attempt.body(), attempt.headers().toArray(String[]::new));
                    status = response.statusCode();
                    assertThat(status)
                            .as(
                                    "seed %d, %s: %s %s -> %s",
                                    seed, kind, attempt.path(), attempt.headers(), response.body())
                            .isBetween(400, 499);
                }
                assertThat(status).as("seed %d, %s", seed, kind).isBetween(400, 499);
                statuses.merge(status + "", 1, Integer::sum);
            }
            assertThat(endOffsets()).as("nothing published (seed %d)", seed).isEqualTo(before);

            // Still healthy, and still working.
            assertThat(http.request("GET", "/actuator/health/liveness").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> valid = http.post(
                    "/api/v1/events/user.online",
                    "{\"userId\":\"u-1\",\"online\":true}",
                    "Authorization",
                    bearer(TOKEN),
                    "Content-Type",
                    "application/json");
            assertThat(valid.statusCode()).as(valid.body()).isEqualTo(202);
            TestReport.line("IngressFuzzIT: seed %d, %d malformed requests, statuses %s", seed, REQUESTS, statuses);
        } finally {
            router.close();
        }
    }

    // ---- generators ----

    private Attempt single(String kind, String topic, byte[] body, String... extra) {
        List<String> headers =
                new ArrayList<>(List.of("Authorization", bearer(TOKEN), "Content-Type", "application/json"));
        headers.addAll(List.of(extra));
        return new Attempt(kind, "/api/v1/events/" + topic, body, headers);
    }

    private String topic() {
        return TOPICS.get(random.nextInt(TOPICS.size()));
    }

    private Attempt randomBytes() {
        byte[] body = new byte[random.nextInt(2000)];
        random.nextBytes(body);
        if (body.length > 0 && (body[0] == '{' || body[0] == '[' || body[0] == '"')) {
            body[0] = '#';
        }
        return single("random-bytes", topic(), body);
    }

    private Attempt truncatedJson() {
        String topic = topic();
        String sample = Samples.json(topic);
        String cut = sample.substring(0, 1 + random.nextInt(sample.length() - 2));
        return single("truncated-json", topic, cut.getBytes(StandardCharsets.UTF_8));
    }

    private Attempt schemaBreaking() {
        String topic = topic();
        String sample = Samples.json(topic);
        String field = EventKeys.field(topic).orElseThrow();
        String[] breakers = {
            sample.replace("\"" + field + "\":", "\"" + field + "_\":"), // required key gone
            sample.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":" + random.nextInt()),
            sample.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":null"),
            sample.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":\"\""),
            "[" + sample + "]",
            "\"" + sample.replace("\"", "\\\"") + "\"",
            String.valueOf(random.nextDouble()),
            "null",
            "{}",
            sample + sample,
            sample.replaceFirst("\\{", "{\"" + field + "\":\"x\","), // duplicate key
        };
        return single("schema", topic, breakers[random.nextInt(breakers.length)].getBytes(StandardCharsets.UTF_8));
    }

    private Attempt deepNesting() {
        int depth = 1000 + random.nextInt(20_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        return single("deep-nesting", topic(), open.repeat(depth).getBytes(StandardCharsets.UTF_8));
    }

    private Attempt wrongMediaType() {
        String[] types = {
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/json; charset=utf-16",
            "application/jsonx",
            "json",
            "*/*",
            "application/cloudevents+json",
            ";;;"
        };
        String topic = topic();
        return new Attempt(
                "media-type",
                "/api/v1/events/" + topic,
                Samples.json(topic).getBytes(StandardCharsets.UTF_8),
                List.of("Authorization", bearer(TOKEN), "Content-Type", types[random.nextInt(types.length)]));
    }

    private Attempt wrongToken() {
        String[] schemes = {"Bearer ", "bearer ", "Basic ", "Token ", "", "Bearer  "};
        String token = TOKEN.substring(0, random.nextInt(TOKEN.length())) + randomAscii(random.nextInt(40));
        if (token.strip().equals(TOKEN)) {
            // the random tail completed the real token (seed 6692297550317 did): not malformed
            token = token + "-";
        }
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
        if (random.nextInt(5) > 0) {
            headers.addAll(List.of("Authorization", schemes[random.nextInt(schemes.length)] + token));
        }
        String topic = topic();
        String path = random.nextBoolean() ? "/api/v1/events/" + topic : "/api/v1/events";
        return new Attempt("token", path, Samples.json(topic).getBytes(StandardCharsets.UTF_8), headers);
    }

    private Attempt strangeTopic() {
        String[] topics = {
            "poll.voted",
            "message",
            "MESSAGE.SENT",
            "message.sent.dlq",
            "message..sent",
            ".x",
            "a.b.c.d.e",
            "message.sent%20",
            "%E2%98%83.snow",
            "user.created;drop",
            "x".repeat(300) + ".y"
        };
        return single(
                "topic",
                topics[random.nextInt(topics.length)],
                Samples.json("message.sent").getBytes(StandardCharsets.UTF_8));
    }

    private Attempt badHeaders() {
        String topic = topic();
        byte[] body = Samples.json(topic).getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(4)) {
            case 0 -> single("idempotency-key", topic, body, "Idempotency-Key", "k".repeat(256 + random.nextInt(500)));
            case 1 -> single("idempotency-key", topic, body, "Idempotency-Key", "has space " + random.nextInt());
            case 2 -> single("event-key", topic, body, "X-Event-Key", "k".repeat(257 + random.nextInt(500)));
            default -> single("event-key", topic, body, "X-Event-Key", "");
        };
    }

    private Attempt junkBatch() {
        StringBuilder batch = new StringBuilder("[");
        int items = 1 + random.nextInt(8);
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                batch.append(',');
            }
            String topic = topic();
            String[] junk = {
                "42",
                "null",
                "\"text\"",
                "{}",
                "{\"topic\":\"" + topic + "\"}",
                "{\"payload\":" + Samples.json(topic) + "}",
                "{\"topic\":\"poll.voted\",\"payload\":{}}",
                "{\"topic\":\"" + topic + "\",\"payload\":{}}",
                "{\"topic\":\"" + topic + "\",\"payload\":[]}",
                "{\"topic\":\"" + topic + "\",\"payload\":" + Samples.json(topic) + ",\"extra\":1}",
                "{\"topic\":\"" + topic + "\",\"payload\":" + Samples.json(topic) + ",\"key\":\"\"}",
                "{\"topic\":7,\"payload\":" + Samples.json(topic) + "}"
            };
            batch.append(junk[random.nextInt(junk.length)]);
        }
        String body =
                random.nextInt(10) == 0 ? batch.toString() : batch.append(']').toString();
        return new Attempt(
                "batch",
                "/api/v1/events",
                body.getBytes(StandardCharsets.UTF_8),
                List.of("Authorization", bearer(TOKEN), "Content-Type", "application/json"));
    }

    /** Malformed HTTP on a raw socket; returns the status code the server answered with. */
    private int rawHttp(int port) throws Exception {
        String[] requests = {
            "POST /api/v1/events/message.sent HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
            "POST /api/v1/events/message.sent HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}",
            "POST /api/v1/events/message.sent HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
            "POST /api/v1/events/mess age.sent HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /api/v1/events/message.sent HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\n{}\r\n0\r\n\r\n",
            "POST /api/v1/events/message.sent HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
            "BREW /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /api/v1/events/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /api/v1/events/message.sent HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00ff\u00fe"
                    + "\r\nContent-Length: 0\r\n\r\n"
        };
        String request = requests[random.nextInt(requests.length)];
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0 && answer.size() < 64 * 1024) {
                answer.write(buffer, 0, n);
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertThat(text)
                    .as("seed %d, raw request %s", seed, request.replace("\r\n", "\\r\\n"))
                    .startsWith("HTTP/1.1 ");
            return Integer.parseInt(text.substring(9, 12));
        }
    }

    private String randomAscii(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (0x21 + random.nextInt(0x7e - 0x21)));
        }
        return text.toString();
    }
}
