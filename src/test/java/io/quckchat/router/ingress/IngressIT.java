package io.quckchat.router.ingress;

import static io.quckchat.router.ingress.IngressClient.bearer;
import static io.quckchat.router.ingress.IngressClient.endOffsets;
import static io.quckchat.router.ingress.IngressClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Delivery;
import io.quckchat.camel.bullmq.BullMqJobInfo;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TcpProxy;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ingress through the running router's HTTP server into real Kafka and on through the
 * fan-out: every status code of docs/contract.md §7, with its error body, and nothing published
 * when a request is refused (the end offsets of every contract topic are unchanged).
 */
class IngressIT {

    static final String BILLING = "billing-token-0123456789abcdef";
    static final String CHAT = "chat-token-0123456789abcdef";
    private static final String JSON_TYPE = "application/json";
    private static final Namespace NS = Namespace.random();

    private static ConfigurableApplicationContext router;
    private static IngressClient http;
    private static RabbitMqProbe rabbit;
    /** The router's way to Redis, cut to take the idempotency store away. */
    private static TcpProxy redis;

    static String[] tokens() {
        return new String[] {
            "--quckchat.ingress.tokens[0].name=billing-service",
            "--quckchat.ingress.tokens[0].token=" + BILLING,
            "--quckchat.ingress.tokens[0].topics=message.sent,user.online,notification.send",
            "--quckchat.ingress.tokens[1].name=chat-service",
            "--quckchat.ingress.tokens[1].token=" + CHAT,
            "--quckchat.ingress.tokens[1].topics=*"
        };
    }

    @BeforeAll
    static void start() throws Exception {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        redis = new TcpProxy(TestBrokers.get().redisHost(), TestBrokers.get().redisPort());
        List<String> args = new ArrayList<>(List.of(tokens()));
        args.add("--REDIS_HOST=127.0.0.1");
        args.add("--REDIS_PORT=" + redis.port());
        args.add("--quckchat.ingress.max-body-size=64KB");
        args.add("--quckchat.ingress.max-batch-size=20");
        router = RouterApp.start(NS, args.toArray(String[]::new));
        http = new IngressClient(router);
        rabbit = new RabbitMqProbe(NS);
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
        rabbit.listen("notifications", "analytics");
    }

    @AfterAll
    static void stop() throws Exception {
        router.close();
        redis.close();
        rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        rabbit.close();
    }

    private static String messageSent() {
        return "{\"messageId\":\"m-" + UUID.randomUUID() + "\",\"conversationId\":\"c-42\",\"senderId\":\"u-1001\","
                + "\"content\":\"hello\",\"sentAt\":\"2026-11-27T10:07:00Z\"}";
    }

    // ---- 202 ----

    @Test
    void acceptedEventIsInKafkaWithItsKeyAndCloudEventsHeadersAndFansOut() throws Exception {
        String body = messageSent();
        Instant before = Instant.now();
        HttpResponse<String> response = http.post(
                "/api/v1/events/message.sent", body, "Authorization", bearer(BILLING), "Content-Type", JSON_TYPE);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Authorization"))
                .as("no request header echoed")
                .isEmpty();
        JsonNode answer = json(response);
        String eventId = answer.path("eventId").asText();
        assertThat(eventId).isNotBlank();
        assertThat(answer.path("topic").asText()).isEqualTo("message.sent");
        assertThat(answer.path("key").asText()).isEqualTo("c-42");

        ConsumerRecord<byte[], byte[]> record = IngressClient.record(
                "message.sent",
                answer.path("partition").asInt(),
                answer.path("offset").asLong());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("c-42");
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .as("the body byte for byte")
                .isEqualTo(body);
        assertThat(KafkaProbe.header(record, "ce_id")).isEqualTo(eventId);
        assertThat(KafkaProbe.header(record, "ce_type")).isEqualTo("message.sent");
        assertThat(KafkaProbe.header(record, "ce_source")).isEqualTo("billing-service");
        assertThat(KafkaProbe.header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(Instant.parse(KafkaProbe.header(record, "ce_time")))
                .isBetween(before.minusSeconds(1), Instant.now());

        // On through the fan-out: the returned id is the id every leg carries.
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        delivery("notifications", eventId + ".notifications").isPresent());
        Delivery task = delivery("notifications", eventId + ".notifications").orElseThrow();
        assertThat(task.getProperties().getHeaders().get("ce_id").toString()).isEqualTo(eventId);
        assertThat(task.getProperties().getHeaders().get("ce_source").toString())
                .isEqualTo("billing-service");
        assertThat(new String(task.getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> delivery("analytics", eventId + ".analytics").isPresent());
        BullMqQueues jobs = router.getBean(BullMqQueues.class);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jobs.job("push", eventId + ".new-message").isPresent());
        BullMqJobInfo job = jobs.job("push", eventId + ".new-message").orElseThrow();
        assertThat(job.data()).isEqualTo(body);
    }

    @Test
    void eventKeyHeaderSetsTheRecordKey() {
        HttpResponse<String> response = http.post(
                "/api/v1/events/user.online",
                "{\"userId\":\"u-7\",\"online\":true}",
                "Authorization",
                bearer(CHAT),
                "Content-Type",
                "application/json; charset=utf-8",
                "X-Event-Key",
                "tenant-9/u-7");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = json(response);
        ConsumerRecord<byte[], byte[]> record = IngressClient.record(
                "user.online",
                answer.path("partition").asInt(),
                answer.path("offset").asLong());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("tenant-9/u-7");
        assertThat(KafkaProbe.header(record, "ce_source")).isEqualTo("chat-service");
    }

    @Test
    void incomingCamelHeadersAndQueryParametersAreStripped() {
        HttpResponse<String> response = http.post(
                "/api/v1/events/message.sent?CamelHttpResponseCode=500&topic=user.created",
                messageSent(),
                "Authorization",
                bearer(BILLING),
                "Content-Type",
                JSON_TYPE,
                "CamelHttpResponseCode",
                "500",
                "CamelKafkaTopic",
                "user.created",
                "CamelKafkaKey",
                "evil",
                "camelHttpPath",
                "/api/v1/events/user.created",
                "topic",
                "user.created");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = json(response);
        assertThat(answer.path("topic").asText()).isEqualTo("message.sent");
        ConsumerRecord<byte[], byte[]> record = IngressClient.record(
                "message.sent",
                answer.path("partition").asInt(),
                answer.path("offset").asLong());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("c-42");
        List<String> names = new ArrayList<>();
        for (Header header : record.headers()) {
            names.add(header.key());
        }
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type");
        assertThat(response.headers().map().keySet())
                .noneMatch(name -> name.toLowerCase().startsWith("camel"));
    }

    // ---- refusals: status, problem body, nothing published ----

    record Refusal(String name, String path, String body, String[] headers, int status, String code, String where) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    static Stream<Refusal> refusals() {
        String valid = messageSent();
        String auth = "Authorization";
        String type = "Content-Type";
        char[] big = new char[70 * 1024];
        java.util.Arrays.fill(big, 'x');
        String tooBig = "{\"messageId\":\"" + new String(big) + "\"}";
        return Stream.of(
                new Refusal(
                        "no token",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {type, JSON_TYPE},
                        401,
                        "unauthorized",
                        "header Authorization"),
                new Refusal(
                        "wrong token",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer("not-a-real-token-000000"), type, JSON_TYPE},
                        401,
                        "unauthorized",
                        "header Authorization"),
                new Refusal(
                        "basic instead of bearer",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, io.quckchat.router.support.Http.admin(), type, JSON_TYPE},
                        401,
                        "unauthorized",
                        "header Authorization"),
                new Refusal(
                        "token not allowed for the topic",
                        "/api/v1/events/call.ended",
                        Samples.json("call.ended"),
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        403,
                        "forbidden-topic",
                        "path topic"),
                new Refusal(
                        "unknown topic",
                        "/api/v1/events/poll.voted",
                        "{}",
                        new String[] {auth, bearer(CHAT), type, JSON_TYPE},
                        404,
                        "unknown-topic",
                        "path topic"),
                new Refusal(
                        "topic that is not a topic name",
                        "/api/v1/events/Message.SENT",
                        "{}",
                        new String[] {auth, bearer(CHAT), type, JSON_TYPE},
                        404,
                        "unknown-topic",
                        "path topic"),
                new Refusal(
                        "text/plain",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, "text/plain"},
                        415,
                        "unsupported-media-type",
                        "header Content-Type"),
                new Refusal(
                        "JSON in Latin-1",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, "application/json; charset=iso-8859-1"},
                        415,
                        "unsupported-media-type",
                        "header Content-Type"),
                new Refusal(
                        "form post",
                        "/api/v1/events/message.sent",
                        "a=b",
                        new String[] {auth, bearer(BILLING), type, "application/x-www-form-urlencoded"},
                        415,
                        "unsupported-media-type",
                        "header Content-Type"),
                new Refusal(
                        "body over the limit",
                        "/api/v1/events/message.sent",
                        tooBig,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        413,
                        "body-too-large",
                        "body"),
                new Refusal(
                        "malformed JSON",
                        "/api/v1/events/message.sent",
                        "{\"messageId\": \"m-1\",",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "malformed-json",
                        "body line 1, column 21"),
                new Refusal(
                        "two JSON values",
                        "/api/v1/events/message.sent",
                        valid + " {}",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "malformed-json",
                        null),
                new Refusal(
                        "duplicate key",
                        "/api/v1/events/user.online",
                        "{\"userId\":\"u-1\",\"userId\":\"u-2\",\"online\":true}",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "malformed-json",
                        null),
                new Refusal(
                        "empty body",
                        "/api/v1/events/message.sent",
                        "",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "malformed-json",
                        "body"),
                new Refusal(
                        "array instead of object",
                        "/api/v1/events/message.sent",
                        "[" + valid + "]",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "not-an-object",
                        "$"),
                new Refusal(
                        "missing required field",
                        "/api/v1/events/message.sent",
                        "{\"messageId\":\"m-1\",\"conversationId\":\"c-42\"}",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "schema-violation",
                        "$.senderId"),
                new Refusal(
                        "nested schema violation",
                        "/api/v1/events/message.sent",
                        edit(
                                valid,
                                e -> e.putArray("attachments")
                                        .addObject()
                                        .put("url", "u")
                                        .put("mimeType", 42)),
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "schema-violation",
                        "$.attachments[0].mimeType"),
                new Refusal(
                        "bad date-time",
                        "/api/v1/events/message.sent",
                        edit(valid, e -> e.put("sentAt", "today")),
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE},
                        400,
                        "schema-violation",
                        "$.sentAt"),
                new Refusal(
                        "Idempotency-Key too long",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "Idempotency-Key", "k".repeat(300)},
                        400,
                        "invalid-header",
                        "header Idempotency-Key"),
                new Refusal(
                        "Idempotency-Key of 256 characters",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "Idempotency-Key", "k".repeat(256)},
                        400,
                        "invalid-header",
                        "header Idempotency-Key"),
                new Refusal(
                        "empty Idempotency-Key",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "Idempotency-Key", ""},
                        400,
                        "invalid-header",
                        "header Idempotency-Key"),
                new Refusal(
                        "Idempotency-Key with a space",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "Idempotency-Key", "order 42"},
                        400,
                        "invalid-header",
                        "header Idempotency-Key"),
                new Refusal(
                        "Idempotency-Key with a tab",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "Idempotency-Key", "order\t42"},
                        400,
                        "invalid-header",
                        "header Idempotency-Key"),
                new Refusal(
                        "batch with an Idempotency-Key too long",
                        "/api/v1/events",
                        "[{\"topic\":\"user.online\",\"payload\":{\"userId\":\"u-1\",\"online\":true}}]",
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "Idempotency-Key", "k".repeat(256)},
                        400,
                        "invalid-header",
                        "header Idempotency-Key"),
                new Refusal(
                        "empty X-Event-Key",
                        "/api/v1/events/message.sent",
                        valid,
                        new String[] {auth, bearer(BILLING), type, JSON_TYPE, "X-Event-Key", ""},
                        400,
                        "invalid-header",
                        "header X-Event-Key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedRequestGetsAPreciseProblemAndPublishesNothing(Refusal refusal) {
        Map<TopicPartition, Long> before = endOffsets();
        HttpResponse<String> response = http.post(refusal.path(), refusal.body(), refusal.headers());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(refusal.status());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(refusal.status());
        assertThat(problem.path("code").asText()).isEqualTo(refusal.code());
        assertThat(problem.path("type").asText()).isEqualTo("urn:quckchat:ingress:" + refusal.code());
        assertThat(problem.path("title").asText()).as("what").isNotBlank();
        assertThat(problem.path("why").asText()).as("why").isNotBlank();
        if (refusal.where() != null) {
            assertThat(problem.path("where").asText()).as("where").isEqualTo(refusal.where());
        } else {
            assertThat(problem.path("where").asText()).as("where").startsWith("body line ");
        }
        if (refusal.status() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"quckchat-ingress\""));
        }
        assertThat(response.body()).doesNotContain(BILLING).doesNotContain(CHAT);
        assertThat(endOffsets()).as("nothing published").isEqualTo(before);
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhileStreaming() throws Exception {
        Map<TopicPartition, Long> before = endOffsets();
        // No Content-Length: the limit must be found by reading, and reading must stop there.
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        java.util.function.Supplier<java.io.InputStream> endless = () -> new java.io.InputStream() {
            @Override
            public int read() {
                return sent.incrementAndGet() <= 64L * 1024 * 1024 ? ' ' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent.get() >= 64L * 1024 * 1024) {
                    return -1;
                }
                int n = Math.min(len, chunk.length);
                System.arraycopy(chunk, 0, b, off, n);
                sent.addAndGet(n);
                return n;
            }
        };
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(http.base() + "/api/v1/events/message.sent"))
                .header("Authorization", bearer(BILLING))
                .header("Content-Type", JSON_TYPE)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(endless))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request);
        } catch (java.io.UncheckedIOException e) {
            // The server answered and closed while the client was still sending: that is the point.
            response = null;
        }
        if (response != null) {
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(json(response).path("code").asText()).isEqualTo("body-too-large");
        }
        assertThat(sent.get())
                .as("the router stopped reading long before 64 MB")
                .isLessThan(32L * 1024 * 1024);
        assertThat(endOffsets()).isEqualTo(before);
        TestReport.line("IngressIT: chunked 64 MB body refused with 413 after the client sent %d bytes", sent.get());
    }

    // ---- idempotency ----

    @Test
    void retriedPostWithTheSameIdempotencyKeyGetsTheFirstAnswerAndPublishesOnce() {
        String key = "order-" + UUID.randomUUID();
        String body = messageSent();
        String[] headers = {"Authorization", bearer(BILLING), "Content-Type", JSON_TYPE, "Idempotency-Key", key};
        long before = IngressClient.total(endOffsets());
        HttpResponse<String> first = http.post("/api/v1/events/message.sent", body, headers);
        HttpResponse<String> second = http.post("/api/v1/events/message.sent", body, headers);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(second)).isEqualTo(json(first));
        assertThat(IngressClient.total(endOffsets())).as("published once").isEqualTo(before + 1);

        HttpResponse<String> other = http.post("/api/v1/events/message.sent", messageSent(), headers);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
        assertThat(json(other).path("code").asText()).isEqualTo("idempotency-key-reused");

        // Keys belong to their caller: the same key from another caller is another request.
        HttpResponse<String> chat = http.post(
                "/api/v1/events/message.sent",
                body,
                "Authorization",
                bearer(CHAT),
                "Content-Type",
                JSON_TYPE,
                "Idempotency-Key",
                key);
        assertThat(chat.statusCode()).isEqualTo(202);
        assertThat(json(chat).path("eventId").asText())
                .isNotEqualTo(json(first).path("eventId").asText());
        assertThat(IngressClient.total(endOffsets())).isEqualTo(before + 2);
    }

    @Test
    void invalidIdempotencyKeysSayWhichRuleTheyBreak() {
        Map<String, String> why = Map.of(
                "k".repeat(256),
                "must be at most 255 characters long",
                "order 42",
                "does not match the regex pattern ^[\\x21-\\x7E]+$",
                "order\t42",
                "does not match the regex pattern ^[\\x21-\\x7E]+$",
                "",
                "does not match the regex pattern ^[\\x21-\\x7E]+$");
        why.forEach((key, reason) -> {
            HttpResponse<String> response = http.post(
                    "/api/v1/events/message.sent",
                    messageSent(),
                    "Authorization",
                    bearer(BILLING),
                    "Content-Type",
                    JSON_TYPE,
                    "Idempotency-Key",
                    key);
            assertProblem(response, 400, "invalid-header", "header Idempotency-Key", reason);
            assertThat(json(response).path("title").asText()).isEqualTo("Invalid Idempotency-Key header");
        });
        // The longest key, and one of the first and the last character, are accepted.
        String unique = UUID.randomUUID().toString();
        for (String key : List.of(unique + "k".repeat(255 - unique.length()), "!" + unique + "~")) {
            HttpResponse<String> accepted = http.post(
                    "/api/v1/events/message.sent",
                    messageSent(),
                    "Authorization",
                    bearer(BILLING),
                    "Content-Type",
                    JSON_TYPE,
                    "Idempotency-Key",
                    key);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }
    }

    @Test
    void idempotencyKeyOutsideAsciiIsRefused() throws Exception {
        // java.net.http sends '?' for what is not ASCII: the header goes out as Latin-1 bytes on a raw socket.
        Map<TopicPartition, Long> before = endOffsets();
        byte[] body = messageSent().getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/v1/events/message.sent HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: " + bearer(BILLING) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Idempotency-Key: commande-\u00e9t\u00e9\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        String answer;
        try (java.net.Socket socket = new java.net.Socket(
                "127.0.0.1", java.net.URI.create(http.base()).getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        JsonNode problem = IngressClient.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(problem.path("code").asText()).isEqualTo("invalid-header");
        assertThat(problem.path("where").asText()).isEqualTo("header Idempotency-Key");
        assertThat(problem.path("why").asText()).isEqualTo("does not match the regex pattern ^[\\x21-\\x7E]+$");
        assertThat(endOffsets()).as("nothing published").isEqualTo(before);
    }

    @Test
    void requestWithTheKeyOfARequestStillRunningGets409AndPublishesNothing() throws Exception {
        String key = "running-" + UUID.randomUUID();
        String body = messageSent();
        String[] headers = {"Authorization", bearer(BILLING), "Content-Type", JSON_TYPE, "Idempotency-Key", key};
        // The first request with this key, caught between its claim and its answer: it holds the
        // claim in Redis that EventIngress takes before publishing (topic and X-Event-Key, none
        // here, and the body make its fingerprint).
        Idempotency store = router.getBean(Idempotency.class);
        String fingerprint = Idempotency.fingerprint("message.sent\nnull", body.getBytes(StandardCharsets.UTF_8));
        Idempotency.Claimed first = (Idempotency.Claimed) store.claim("billing-service", key, fingerprint);
        String record = redisRecord("billing-service", key);
        assertThat(IngressClient.JSON.readTree(record).path("state").asText()).isEqualTo("pending");
        assertThat(IngressClient.JSON.readTree(record).path("eventId").asText()).isEqualTo(first.eventId());
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> second = http.post("/api/v1/events/message.sent", body, headers);
        assertProblem(
                second,
                409,
                "idempotency-key-in-progress",
                "header Idempotency-Key",
                "retry once it has been answered");
        assertThat(json(second).path("title").asText())
                .isEqualTo("A request with this Idempotency-Key is still running");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        HttpResponse<String> other = http.post("/api/v1/events/message.sent", messageSent(), headers);
        assertProblem(
                other,
                422,
                "idempotency-key-reused",
                "header Idempotency-Key",
                "the first request with this key had a different topic, key or body");
        assertThat(endOffsets()).as("nothing published").isEqualTo(before);

        // The first request fails (Kafka did not answer in time): the retry runs, under its event id.
        store.fail(first, fingerprint);
        HttpResponse<String> retry = http.post("/api/v1/events/message.sent", body, headers);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(json(retry).path("eventId").asText()).isEqualTo(first.eventId());
        assertThat(IngressClient.total(endOffsets())).isEqualTo(IngressClient.total(before) + 1);
    }

    @Test
    void requestWithAKeyGets503WhileTheIdempotencyStoreIsAwayAndPublishesNothing() throws Exception {
        String[] headers = {"Authorization", bearer(BILLING), "Content-Type", JSON_TYPE};
        String batch = "[{\"topic\":\"user.online\",\"payload\":{\"userId\":\"u-1\",\"online\":true}}]";
        Map<TopicPartition, Long> before = endOffsets();
        redis.cut();
        try {
            long start = System.nanoTime();
            HttpResponse<String> single =
                    http.post("/api/v1/events/message.sent", messageSent(), with(headers, "away-" + UUID.randomUUID()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertProblem(
                    single,
                    503,
                    "idempotency-store-unavailable",
                    "header Idempotency-Key",
                    "the idempotency store (Redis) is unavailable; nothing was published");
            assertThat(single.headers().firstValue("Retry-After")).hasValue("5");
            HttpResponse<String> batched =
                    http.post("/api/v1/events", batch, with(headers, "away-" + UUID.randomUUID()));
            assertProblem(
                    batched,
                    503,
                    "idempotency-store-unavailable",
                    "header Idempotency-Key",
                    "the idempotency store (Redis) is unavailable; nothing was published");
            assertThat(batched.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(endOffsets()).as("nothing published").isEqualTo(before);
            TestReport.line(
                    "IngressIT: Redis away, a request with an Idempotency-Key answered 503 in %d ms", took.toMillis());

            // A request without a key does not need the store.
            HttpResponse<String> unkeyed = http.post("/api/v1/events/message.sent", messageSent(), headers);
            assertThat(unkeyed.statusCode()).as(unkeyed.body()).isEqualTo(202);
        } finally {
            redis.restore();
        }
        await("keys honoured again once Redis is back")
                .atMost(Duration.ofSeconds(60))
                .until(() -> http.post(
                                        "/api/v1/events/message.sent",
                                        messageSent(),
                                        with(headers, "back-" + UUID.randomUUID()))
                                .statusCode()
                        == 202);
    }

    /** The idempotency record of a caller's key, where docs/ingress.md says it is. */
    private static String redisRecord(String caller, String key) throws Exception {
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        sha256.update(key.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        String name = "quckchat:ingress:idempotency:" + caller + ":"
                + java.util.HexFormat.of().formatHex(sha256.digest());
        try (RedisProbe probe = new RedisProbe()) {
            return probe.redis().opsForValue().get(name);
        }
    }

    private static String[] with(String[] headers, String idempotencyKey) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Idempotency-Key";
        all[headers.length + 1] = idempotencyKey;
        return all;
    }

    /** A problem document with exactly this status, code, where and why, and the matching type and detail. */
    private static void assertProblem(
            HttpResponse<String> response, int status, String code, String where, String why) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("code").asText()).isEqualTo(code);
        assertThat(problem.path("type").asText()).isEqualTo("urn:quckchat:ingress:" + code);
        assertThat(problem.path("where").asText()).as("where").isEqualTo(where);
        assertThat(problem.path("why").asText()).as("why").isEqualTo(why);
        assertThat(problem.path("detail").asText())
                .isEqualTo(problem.path("title").asText() + " at " + where + ": " + why);
    }

    @Test
    void idempotencyKeyIsSharedAcrossReplicas() {
        ConfigurableApplicationContext replica = RouterApp.start(NS, tokens());
        try {
            IngressClient other = new IngressClient(replica);
            String key = "replica-" + UUID.randomUUID();
            String body = messageSent();
            String[] headers = {"Authorization", bearer(BILLING), "Content-Type", JSON_TYPE, "Idempotency-Key", key};
            long before = IngressClient.total(endOffsets());
            HttpResponse<String> first = http.post("/api/v1/events/message.sent", body, headers);
            HttpResponse<String> retry = other.post("/api/v1/events/message.sent", body, headers);
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(retry.statusCode()).isEqualTo(202);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(json(retry)).isEqualTo(json(first));
            assertThat(IngressClient.total(endOffsets())).isEqualTo(before + 1);
        } finally {
            replica.close();
        }
    }

    // ---- batch ----

    @Test
    void batchPublishesTheValidItemsAndSaysWhichWereRefused() {
        Map<TopicPartition, Long> before = endOffsets();
        String batch = "["
                + "{\"topic\":\"user.online\",\"payload\":{\"userId\":\"u-1\",\"online\":true}},"
                + "{\"topic\":\"poll.voted\",\"payload\":{}},"
                + "{\"topic\":\"call.ended\",\"payload\":" + Samples.json("call.ended") + "},"
                + "{\"topic\":\"message.sent\",\"payload\":{\"messageId\":\"m-1\",\"conversationId\":\"c-1\"}},"
                + "{\"topic\":\"message.sent\",\"payload\":" + messageSent() + ",\"key\":\"k-9\"},"
                + "{\"payload\":{}},"
                + "42]";
        HttpResponse<String> response =
                http.post("/api/v1/events", batch, "Authorization", bearer(BILLING), "Content-Type", JSON_TYPE);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode answer = json(response);
        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.path("rejected").asInt()).isEqualTo(5);
        JsonNode items = answer.path("items");
        assertThat(statuses(items)).containsExactly(202, 404, 403, 400, 202, 400, 400);
        assertThat(items.get(1).path("error").path("where").asText()).isEqualTo("$[1].topic");
        assertThat(items.get(2).path("error").path("code").asText()).isEqualTo("forbidden-topic");
        assertThat(items.get(3).path("error").path("where").asText()).isEqualTo("$[3].payload.senderId");
        assertThat(items.get(5).path("error").path("where").asText()).isEqualTo("$[5].topic");
        assertThat(items.get(6).path("error").path("where").asText()).isEqualTo("$[6]");

        ConsumerRecord<byte[], byte[]> online = IngressClient.record(
                "user.online",
                items.get(0).path("partition").asInt(),
                items.get(0).path("offset").asLong());
        assertThat(new String(online.key(), StandardCharsets.UTF_8)).isEqualTo("u-1");
        assertThat(KafkaProbe.header(online, "ce_id"))
                .isEqualTo(items.get(0).path("eventId").asText());
        ConsumerRecord<byte[], byte[]> sent = IngressClient.record(
                "message.sent",
                items.get(4).path("partition").asInt(),
                items.get(4).path("offset").asLong());
        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("k-9");
        assertThat(IngressClient.total(endOffsets()))
                .as("exactly the two valid items")
                .isEqualTo(IngressClient.total(before) + 2);
    }

    @Test
    void batchStatusSaysWhatHappened() {
        String online = "{\"topic\":\"user.online\",\"payload\":{\"userId\":\"u-1\",\"online\":true}}";
        String[] headers = {"Authorization", bearer(BILLING), "Content-Type", JSON_TYPE};
        assertThat(http.post("/api/v1/events", "[" + online + "," + online + "]", headers)
                        .statusCode())
                .isEqualTo(202);
        Map<TopicPartition, Long> before = endOffsets();
        String forbidden = "{\"topic\":\"call.ended\",\"payload\":" + Samples.json("call.ended") + "}";
        HttpResponse<String> allForbidden =
                http.post("/api/v1/events", "[" + forbidden + "," + forbidden + "]", headers);
        assertThat(allForbidden.statusCode()).isEqualTo(403);
        assertThat(statuses(json(allForbidden).path("items"))).containsExactly(403, 403);
        HttpResponse<String> mixedRefusals =
                http.post("/api/v1/events", "[" + forbidden + ",{\"topic\":\"poll.voted\",\"payload\":{}}]", headers);
        assertThat(mixedRefusals.statusCode()).isEqualTo(400);
        assertThat(statuses(json(mixedRefusals).path("items"))).containsExactly(403, 404);

        HttpResponse<String> notArray = http.post("/api/v1/events", online, headers);
        assertThat(notArray.statusCode()).isEqualTo(400);
        assertThat(json(notArray).path("code").asText()).isEqualTo("invalid-batch");
        assertThat(json(notArray).path("why").asText()).contains("got object");
        HttpResponse<String> empty = http.post("/api/v1/events", "[]", headers);
        assertThat(empty.statusCode()).isEqualTo(400);
        String tooMany = "[" + String.join(",", java.util.Collections.nCopies(21, online)) + "]";
        HttpResponse<String> overLimit = http.post("/api/v1/events", tooMany, headers);
        assertThat(overLimit.statusCode()).isEqualTo(400);
        assertThat(json(overLimit).path("why").asText())
                .contains("1 to 20 items")
                .contains("has 21");
        assertThat(http.post(
                                "/api/v1/events",
                                "[" + online + "]",
                                "Authorization",
                                bearer(BILLING),
                                "Content-Type",
                                "text/plain")
                        .statusCode())
                .isEqualTo(415);
        assertThat(http.post("/api/v1/events", "[" + online + "]", "Content-Type", JSON_TYPE)
                        .statusCode())
                .isEqualTo(401);
        assertThat(endOffsets()).as("nothing published").isEqualTo(before);
    }

    // ---- the contract ----

    @Test
    void openApiDocumentIsServedToCallers() throws Exception {
        HttpResponse<String> yaml = http.request("GET", "/api/v1/openapi.yaml", "Authorization", bearer(CHAT));
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).startsWith("openapi: 3.1.0");
        HttpResponse<String> json = http.request("GET", "/api/v1/openapi.json", "Authorization", bearer(CHAT));
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json(json).path("paths").has("/api/v1/events/{topic}")).isTrue();
        assertThat(http.request("GET", "/api/v1/openapi.yaml").statusCode()).isEqualTo(401);
    }

    // ---- the rest of the HTTP surface under /api/v1 ----

    @Test
    void otherPathsAndMethodsAreAnsweredLikeTheRestOfTheRouter() {
        String auth = bearer(CHAT);
        HttpResponse<String> get = http.request("GET", "/api/v1/events/message.sent", "Authorization", auth);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(json(get).path("path").asText()).isEqualTo("/api/v1/events/message.sent");
        HttpResponse<String> options = http.request("OPTIONS", "/api/v1/events", "Authorization", auth);
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Allow")).hasValue("POST,OPTIONS");
        assertThat(http.request("GET", "/api/v1/nothing", "Authorization", auth).statusCode())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/events/a/b", messageSent(), "Authorization", auth, "Content-Type", JSON_TYPE)
                        .statusCode())
                .isEqualTo(404);
        // Refused by Spring Security's firewall, as on every other path (an encoded dot)
        assertThat(http.post(
                                "/api/v1/events/message%2Esent",
                                messageSent(), "Authorization", auth, "Content-Type", JSON_TYPE)
                        .statusCode())
                .isEqualTo(400);
        // Without a token every path under /api/v1 is 401 first, with the ingress's own challenge
        HttpResponse<String> stranger = http.request("GET", "/api/v1/nothing");
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(stranger.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"quckchat-ingress\"");
        assertThat(stranger.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(stranger.headers().firstValue("Cache-Control"))
                .hasValue("no-cache, no-store, max-age=0, must-revalidate");
        HttpResponse<String> accepted = http.post(
                "/api/v1/events/message.sent", messageSent(), "Authorization", auth, "Content-Type", JSON_TYPE);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(accepted.headers().firstValue("Content-Length"))
                .hasValue(Integer.toString(accepted.body().length()));

        io.micrometer.core.instrument.MeterRegistry meters =
                router.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.get("quckchat.ingress.requests")
                        .tags("operation", "post_event", "status", "202")
                        .timer()
                        .count())
                .isPositive();
        assertThat(meters.get("quckchat.ingress.requests")
                        .tags("operation", "none", "status", "401")
                        .timer()
                        .count())
                .isPositive();
    }

    private static List<Integer> statuses(JsonNode items) {
        List<Integer> statuses = new ArrayList<>();
        items.forEach(item -> statuses.add(item.path("status").asInt()));
        return statuses;
    }

    private static Optional<Delivery> delivery(String queue, String messageId) {
        return rabbit.messages(queue).stream()
                .filter(d -> messageId.equals(d.getProperties().getMessageId()))
                .findFirst();
    }

    private static String edit(String json, java.util.function.Consumer<ObjectNode> change) {
        try {
            ObjectNode node = (ObjectNode) IngressClient.JSON.readTree(json);
            change.accept(node);
            return node.toString();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
