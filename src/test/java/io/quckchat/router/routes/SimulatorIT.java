package io.quckchat.router.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code POST /admin/routes/simulate} in the running router against real brokers: it answers what
 * the loaded routes would do, follows a hot reload, sends nothing, writes no ledger entry and counts
 * no metric, and refuses bad requests with the ingress's problem documents.
 */
class SimulatorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIMULATE = "/admin/routes/simulate";
    private static final Namespace NS = Namespace.random();

    @TempDir
    static Path routes;

    private static ConfigurableApplicationContext router;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(
                NS,
                "--spring.profiles.active=dev",
                "--QUCKCHAT_ROUTES_DIR=" + routes,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
        http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        try (RabbitMqProbe cleanup = new RabbitMqProbe(NS)) {
            cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        }
    }

    private static HttpResponse<String> simulate(ObjectNode request) throws Exception {
        return http.post(SIMULATE, "application/json", request.toString(), Http.admin());
    }

    private static ObjectNode request(String topic, String eventJson, String eventId) throws Exception {
        ObjectNode request = JSON.createObjectNode().put("topic", topic).put("key", "c-42");
        request.set("event", JSON.readTree(eventJson));
        request.putObject("headers").put("ce_id", eventId);
        return request;
    }

    @Test
    void answersWhatTheRoutesWouldDoAndSendsNothing() throws Exception {
        String simulated = "sim-" + UUID.randomUUID();
        CamelContext camel = router.getBean(CamelContext.class);
        long exchangesBefore = exchanges(camel, "message-sent");
        double receivedBefore = received();

        HttpResponse<String> response = simulate(request("message.sent", Samples.json("message.sent"), simulated));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("route").asText()).isEqualTo("message-sent");
        assertThat(answer.path("eventId").asText()).isEqualTo(simulated);
        assertThat(answer.path("valid").asBoolean()).isTrue();
        assertThat(answer.path("deadLetter").isMissingNode()).isTrue();
        List<String> deliveries = new ArrayList<>();
        answer.path("deliveries")
                .forEach(d -> deliveries.add(
                        d.has("rabbitmq")
                                ? "rabbitmq " + d.path("rabbitmq").asText() + " "
                                        + d.path("properties")
                                                .path("message_id")
                                                .asText()
                                : "bullmq " + d.path("bullmq").asText() + " "
                                        + d.path("jobId").asText() + " "
                                        + d.path("priority").asInt()));
        assertThat(deliveries)
                .containsExactlyInAnyOrder(
                        "rabbitmq notifications " + simulated + ".notifications",
                        "rabbitmq analytics " + simulated + ".analytics",
                        "rabbitmq media-processing " + simulated + ".media-processing.0",
                        "rabbitmq media-processing " + simulated + ".media-processing.1",
                        "bullmq push " + simulated + ".new-message 10",
                        "bullmq media " + simulated + ".transcode.1 0");
        JsonNode notifications = answer.path("deliveries").get(0);
        assertThat(notifications.path("queue").asText()).isEqualTo(NS.queue("notifications"));
        assertThat(notifications.path("exchange").asText()).isEqualTo(NS.exchange());
        assertThat(notifications.path("body")).isEqualTo(JSON.readTree(Samples.json("message.sent")));

        // A real event after it, same key: once it is delivered, the simulated one would have been too.
        String real = "real-" + UUID.randomUUID();
        try (RabbitMqProbe rabbit = new RabbitMqProbe(NS).listen("notifications");
                KafkaProbe kafka = new KafkaProbe();
                RedisProbe redis = new RedisProbe()) {
            kafka.send("message.sent", "c-42", Samples.json("message.sent"), real);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> messageIds(rabbit).contains(real + ".notifications"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Boolean.TRUE.equals(redis.redis().hasKey(NS.ledgerPrefix() + ":" + real)));
            assertThat(messageIds(rabbit)).noneMatch(id -> id.startsWith(simulated));
            assertThat(redis.redis().hasKey(NS.ledgerPrefix() + ":" + simulated))
                    .isFalse();
            assertThat(redis.redis().keys(NS.bullPrefix() + ":push:" + simulated + "*"))
                    .isEmpty();
            assertThat(redis.redis().hasKey(NS.bullPrefix() + ":push:" + real + ".new-message"))
                    .isTrue();
        }
        assertThat(exchanges(camel, "message-sent") - exchangesBefore)
                .as("the live route's exchanges: the real event only")
                .isEqualTo(1);
        assertThat(received() - receivedBefore)
                .as("events received: the real one only")
                .isEqualTo(1.0);
    }

    @Test
    void showsTheSchemaErrorsAndTheDeadLetterOfABadEvent() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.json("message.sent"));
        event.remove("senderId");
        event.put("sentAt", "yesterday");
        HttpResponse<String> response = simulate(request("message.sent", event.toString(), "bad-1"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("valid").asBoolean()).isFalse();
        List<String> paths = new ArrayList<>();
        answer.path("schemaErrors").forEach(e -> paths.add(e.path("path").asText()));
        assertThat(paths).containsExactly("$.senderId", "$.sentAt");
        assertThat(answer.path("deliveries")).isEmpty();
        assertThat(answer.path("deadLetter").path("stage").asText()).isEqualTo("schema");
        assertThat(answer.path("deadLetter").path("topic").asText()).isEqualTo("message.sent.dlq");
        assertThat(answer.path("deadLetter")
                        .path("headers")
                        .path("__connect.errors.stage")
                        .asText())
                .isEqualTo("EVENT");

        ObjectNode notJson =
                JSON.createObjectNode().put("topic", "message.read").put("event", "{oops");
        JsonNode rejected = JSON.readTree(simulate(notJson).body());
        assertThat(rejected.path("valid").asBoolean()).isFalse();
        assertThat(rejected.path("deadLetter").path("stage").asText()).isEqualTo("json");
        assertThat(rejected.path("eventId").asText()).isEqualTo("message.read-0-0");
    }

    @Test
    void followsAHotReload() throws Exception {
        Path file = routes.resolve("user-online.camel.yaml");
        ObjectNode presence = request("user.online", Samples.json("user.online"), "p-1");
        assertThat(queues(JSON.readTree(simulate(presence).body()))).containsExactly("analytics");
        String original = Files.readString(file);
        try {
            Files.writeString(file, original + """
                            - to:
                                uri: rabbitmq-sink:notifications
                    """);
            await("the simulator sees the reloaded route")
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> queues(JSON.readTree(simulate(presence).body())),
                            q -> q.equals(List.of("analytics", "notifications")));
        } finally {
            Files.writeString(file, original);
        }
    }

    @Test
    void refusesBadRequestsAsTheIngressDoes() throws Exception {
        HttpResponse<String> notJson = http.post(SIMULATE, "application/json", "{\"topic\":", Http.admin());
        assertProblem(notJson, 400, "malformed-json");

        assertProblem(simulate(request("poll.voted", "{}", "x")), 404, "unknown-topic");
        assertThat(JSON.readTree(simulate(request("poll.voted", "{}", "x")).body())
                        .path("why")
                        .asText())
                .isEqualTo("no loaded route consumes topic 'poll.voted'");

        ObjectNode big = JSON.createObjectNode().put("topic", "message.sent").put("event", "x".repeat(600_000));
        assertProblem(simulate(big), 413, "body-too-large");

        assertProblem(http.post(SIMULATE, "application/xml", "<a/>", Http.admin()), 415, "unsupported-media-type");
        // a type a cross-site form can send needs a CSRF token first (SecurityConfiguration)
        assertThat(http.post(SIMULATE, "text/plain", "{}", Http.admin()).statusCode())
                .isEqualTo(403);
        assertProblem(
                http.post(SIMULATE, "application/json", "{\"topic\":\"message.sent\"}", Http.admin()),
                400,
                "invalid-request");
        assertProblem(
                http.post(
                        SIMULATE,
                        "application/json",
                        "{\"topic\":\"message.sent\",\"event\":{},\"headers\":{\"ce_id\":1}}",
                        Http.admin()),
                400,
                "invalid-request");

        assertThat(http.post(SIMULATE, "application/json", "{}", null).statusCode())
                .isEqualTo(401);
        assertThat(http.post(SIMULATE, "application/json", "{}", Http.basic("admin", "wrong-password-1"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void listsTheTopicsWithTheirRoutesAndSamples() throws Exception {
        HttpResponse<String> response = http.get(SIMULATE + "/topics", Http.admin());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode topics = JSON.readTree(response.body());
        List<String> names = new ArrayList<>();
        topics.forEach(
                t -> names.add(t.path("topic").asText() + " " + t.path("route").asText()));
        assertThat(names).contains("message.sent message-sent", "call.ended call-ended");
        assertThat(names).hasSize(10);
        topics.forEach(t -> assertThat(t.path("sample"))
                .as(t.path("topic").asText())
                .isEqualTo(readJson(Samples.json(t.path("topic").asText()))));
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo(code);
    }

    private static List<String> queues(JsonNode answer) {
        List<String> queues = new ArrayList<>();
        answer.path("deliveries").forEach(d -> queues.add(d.path("rabbitmq").asText()));
        return queues.stream().sorted().toList();
    }

    private static List<String> messageIds(RabbitMqProbe rabbit) {
        return rabbit.messages("notifications").stream()
                .map(d -> d.getProperties().getMessageId())
                .toList();
    }

    private static long exchanges(CamelContext camel, String route) throws Exception {
        return camel.getCamelContextExtension()
                .getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(route)
                .getExchangesTotal();
    }

    private static double received() throws Exception {
        String metrics = http.get("/actuator/prometheus", Http.admin()).body();
        return metrics.lines()
                .filter(line ->
                        line.startsWith("quckchat_events_received_total{") && line.contains("route=\"message-sent\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
