package io.quckchat.router.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.router.ops.MeterHistory;
import io.quckchat.router.ops.QueueDepths;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.JobWorker;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The queue dashboard through the real HTTP server, against real Kafka, RabbitMQ and Redis: the
 * router writes the jobs of real events, a test-side worker fails them as BullMQ does, and the
 * dashboard lists, retries and finds them. Runs at a custom BULL_BOARD_PATH outside /admin, so the
 * bare path's protection is checked on its own.
 */
class DashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOARD = "/ops/board";
    private static final Namespace NS = Namespace.random();
    private static final String EVENT = "evt:" + UUID.randomUUID();
    /** An event whose id starts with EVENT's: a search for EVENT must not find its jobs. */
    private static final String LONGER_EVENT = EVENT + ".more";

    private static final String BAD_EVENT = "bad-" + UUID.randomUUID();
    private static ConfigurableApplicationContext router;
    private static Http http;
    private static RedisProbe redis;
    private static JobWorker worker;

    @BeforeAll
    static void start() {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(NS, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD, "--BULL_BOARD_PATH=" + BOARD);
        http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        redis = new RedisProbe();
        worker = new JobWorker(redis.redis(), NS.bullPrefix());
        try (KafkaProbe kafka = new KafkaProbe()) {
            kafka.send("message.sent", "c-42", Samples.json("message.sent"), EVENT);
            kafka.send("message.sent", "c-42", Samples.json("message.sent"), LONGER_EVENT);
            kafka.send("message.sent", "c-42", "{not json", BAD_EVENT);
        }
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (redis != null) {
            redis.close();
        }
        try (RabbitMqProbe cleanup = new RabbitMqProbe(NS)) {
            cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } catch (Exception e) {
            // best effort
        }
    }

    @Test
    void theBarePathAndEverythingUnderItNeedTheAdminCredentials() throws Exception {
        for (String path :
                List.of(BOARD, BOARD + "/", BOARD + "/api/queues", BOARD + "/assets/dashboard.js", BOARD + "?q=x")) {
            assertThat(http.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(http.get(path, Http.basic("admin", "wrong-password")).statusCode())
                    .as(path)
                    .isEqualTo(401);
        }
        assertThat(http.post(BOARD + "/api/jobs/retry", "application/json", "{}", null)
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> page = http.get(BOARD, Http.admin());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'self'");
        assertThat(http.get(BOARD + "/assets/dashboard.js", Http.admin()).body())
                .contains("/jobs/retry");
    }

    @Test
    void failedJobsAreListedRetriedAndFound() throws Exception {
        String mediaJob = escaped(EVENT) + ".transcode.1";
        String pushJob = escaped(EVENT) + ".new-message";
        String longerMediaJob = escaped(LONGER_EVENT) + ".transcode.1";
        await("the router wrote both events' jobs")
                .atMost(Duration.ofSeconds(60))
                .until(() -> count(queue("media"), "waiting") == 2 && count(queue("push"), "prioritized") == 2);
        assertThat(count(queue("media"), "failed")).isZero();

        String reason = "transcode exploded <script>alert(1)</script>";
        worker.fail("media", mediaJob, reason, JSON.writeValueAsString(List.of("Error: " + reason + "\n    at work")));
        worker.fail("media", longerMediaJob, "disk full", JSON.writeValueAsString(List.of("Error: disk full")));
        worker.fail("push", pushJob, "no device token", JSON.writeValueAsString(List.of("Error: no device token")));

        JsonNode media = queue("media");
        assertThat(count(media, "waiting")).isZero();
        assertThat(count(media, "failed")).isEqualTo(2);
        assertThat(count(queue("push"), "failed")).isEqualTo(1);
        assertThat(count(queue("push"), "prioritized")).isEqualTo(1);

        JsonNode failed = json(http.get(BOARD + "/api/jobs?queue=media&state=failed&size=10", Http.admin()));
        assertThat(failed.path("total").asLong()).isEqualTo(2);
        JsonNode listed = find(failed.path("jobs"), mediaJob);
        assertThat(listed.path("failedReason").asText()).isEqualTo(reason);
        assertThat(listed.path("stacktrace").get(0).asText()).startsWith("Error: " + reason);
        assertThat(listed.path("attemptsMade").asInt()).isEqualTo(1);
        assertThat(listed.path("name").asText()).isEqualTo("transcode");

        String page = http.get(BOARD, Http.admin()).body();
        assertThat(page).contains("data-job-id=\"" + mediaJob + "\"");
        assertThat(page).contains("transcode exploded &lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(page).doesNotContain("<script>alert(1)");

        // Search by job id, and by event id (not finding the jobs of the event whose id only starts so).
        JsonNode byId = json(http.get(BOARD + "/api/search?q=" + encode(mediaJob), Http.admin()));
        assertThat(byId).hasSize(1);
        assertThat(byId.get(0).path("match").asText()).isEqualTo("job-id");
        assertThat(byId.get(0).path("job").path("queue").asText()).isEqualTo("media");
        assertThat(ids(json(http.get(BOARD + "/api/search?q=" + encode(EVENT), Http.admin()))))
                .containsExactlyInAnyOrder("media/" + mediaJob, "push/" + pushJob);
        assertThat(ids(json(http.get(BOARD + "/api/search?q=" + encode(LONGER_EVENT), Http.admin()))))
                .containsExactlyInAnyOrder("media/" + longerMediaJob, "push/" + escaped(LONGER_EVENT) + ".new-message");
        assertThat(json(http.get(BOARD + "/api/search?q=" + encode("no-such-" + UUID.randomUUID()), Http.admin())))
                .isEmpty();
        assertThat(http.get(BOARD + "?q=" + encode(EVENT), Http.admin()).body())
                .contains("2 job(s) for")
                .contains("data-job-id=\"" + pushJob + "\"");

        // Retry one: back to waiting, attempts kept; again: 409; unknown: 404.
        HttpResponse<String> retried = post("/api/jobs/retry", job("media", mediaJob));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        JsonNode afterRetry = json(http.get(BOARD + "/api/job?queue=media&id=" + encode(mediaJob), Http.admin()));
        assertThat(afterRetry.path("state").asText()).isEqualTo("waiting");
        assertThat(afterRetry.path("failedReason").isNull()).isTrue();
        assertThat(afterRetry.path("attemptsMade").asInt()).isEqualTo(1);
        assertThat(count(queue("media"), "failed")).isEqualTo(1);
        assertThat(count(queue("media"), "waiting")).isEqualTo(1);
        assertThat(post("/api/jobs/retry", job("media", mediaJob)).statusCode()).isEqualTo(409);
        assertThat(post("/api/jobs/retry", job("media", "no-such-job")).statusCode())
                .isEqualTo(404);

        // The retried job is taken and completed, as a worker would.
        worker.complete("media", mediaJob, "{\"ok\":true}");
        assertThat(json(http.get(BOARD + "/api/job?queue=media&id=" + encode(mediaJob), Http.admin()))
                        .path("state")
                        .asText())
                .isEqualTo("completed");
        assertThat(count(queue("media"), "completed")).isEqualTo(1);

        // Retry all failed of a queue: the prioritized job goes back to prioritized.
        HttpResponse<String> all = post("/api/jobs/retry-failed", "{\"queue\":\"push\"}");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(json(all).path("retried").asInt()).isEqualTo(1);
        assertThat(json(all).path("remaining").asLong()).isZero();
        JsonNode push = queue("push");
        assertThat(count(push, "failed")).isZero();
        assertThat(count(push, "prioritized")).isEqualTo(2);
        assertThat(json(http.get(BOARD + "/api/job?queue=push&id=" + encode(pushJob), Http.admin()))
                        .path("state")
                        .asText())
                .isEqualTo("prioritized");

        assertThat(http.get(BOARD + "/api/jobs?queue=media&state=nonsense", Http.admin())
                        .statusCode())
                .isEqualTo(400);
        assertThat(http.get(BOARD + "/api/jobs?queue=media&state=failed&size=1000", Http.admin())
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void routesCanBeSuspendedAndResumed() throws Exception {
        assertThat(route("user-online").path("status").asText()).isEqualTo("Started");
        HttpResponse<String> suspended = post("/api/routes/suspend", "{\"route\":\"user-online\"}");
        assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
        assertThat(json(suspended).path("status").asText()).isEqualTo("Suspended");
        assertThat(route("user-online").path("status").asText()).isEqualTo("Suspended");
        assertThat(http.get(BOARD + "?panels=routes", Http.admin()).body())
                .contains("aria-label=\"Resume route user-online\"");
        HttpResponse<String> resumed = post("/api/routes/resume", "{\"route\":\"user-online\"}");
        assertThat(json(resumed).path("status").asText()).isEqualTo("Started");
        assertThat(route("user-online").path("status").asText()).isEqualTo("Started");
        assertThat(post("/api/routes/suspend", "{\"route\":\"no-such-route\"}").statusCode())
                .isEqualTo(404);
        await("message-sent's exchanges are counted")
                .atMost(Duration.ofSeconds(60))
                .until(() -> route("message-sent").path("exchangesTotal").asLong() >= 3);
    }

    @Test
    void rabbitDepthsAndDeadLettersAreShown() throws Exception {
        await("RabbitMQ depths").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            router.getBean(QueueDepths.class).refresh();
            JsonNode depths = json(http.get(BOARD + "/api/rabbitmq", Http.admin()));
            assertThat(depths.path("notifications").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(depths.path("media-processing").asLong()).isGreaterThanOrEqualTo(4);
        });
        assertThat(http.get(BOARD + "?panels=rabbitmq", Http.admin()).body()).contains("notifications");

        JsonNode letter = await("the bad event's dead letter")
                .atMost(Duration.ofSeconds(60))
                .until(() -> deadLetter(BAD_EVENT, null), node -> node != null);
        assertThat(letter.path("errorMessage").asText()).isNotBlank();
        assertThat(http.get(BOARD, Http.admin()).body())
                .contains("data-letter=\"" + letter.path("id").asText() + "\"");
        HttpResponse<String> redriven = post(
                "/api/dead-letters/redrive",
                "{\"letter\":\"" + letter.path("id").asText() + "\"}");
        assertThat(redriven.statusCode()).as(redriven.body()).isEqualTo(200);
        assertThat(json(redriven).get(0).path("action").asText()).isEqualTo("redriven");
        assertThat(deadLetter(BAD_EVENT, letter.path("id").asText())
                        .path("redrivenAt")
                        .isNull())
                .isFalse();
    }

    @Test
    void aDisabledDashboardIsNotThere() throws Exception {
        Namespace other = Namespace.random();
        TestBrokers.get().startGroupAtEnd(other.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext disabled =
                RouterApp.start(other, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD, "--BULL_BOARD_ENABLED=false");
        try {
            Http client = new Http(Integer.parseInt(disabled.getEnvironment().getProperty("local.server.port")));
            assertThat(client.get("/admin/queues", Http.admin()).statusCode()).isEqualTo(404);
            assertThat(client.get("/admin/queues/api/queues", Http.admin()).statusCode())
                    .isEqualTo(404);
            assertThat(client.post("/admin/queues/api/jobs/retry-failed", "application/json", "{}", Http.admin())
                            .statusCode())
                    .isEqualTo(404);
            assertThat(client.get("/admin/queues/api/charts", Http.admin()).statusCode())
                    .isEqualTo(404);
            assertThat(disabled.getBeanNamesForType(QueueDashboard.class)).isEmpty();
            assertThat(disabled.getBeanNamesForType(MeterHistory.class))
                    .as("no sampler for the charts")
                    .isEmpty();
        } finally {
            disabled.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(other)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    /** The newest dead letter of this event, or the one with this id. */
    private static JsonNode deadLetter(String eventId, String id) throws Exception {
        JsonNode page = json(http.get(BOARD + "/api/dead-letters?size=100", Http.admin()));
        for (JsonNode item : page.path("items")) {
            if (eventId.equals(item.path("eventId").asText())
                    && (id == null || id.equals(item.path("id").asText()))) {
                return item;
            }
        }
        return null;
    }

    private static JsonNode route(String id) throws Exception {
        for (JsonNode route : json(http.get(BOARD + "/api/routes", Http.admin()))) {
            if (route.path("id").asText().equals(id)) {
                return route;
            }
        }
        throw new AssertionError("No route " + id);
    }

    private static JsonNode queue(String name) throws Exception {
        for (JsonNode queue : json(http.get(BOARD + "/api/queues", Http.admin()))) {
            if (queue.path("name").asText().equals(name)) {
                return queue;
            }
        }
        return JSON.createObjectNode();
    }

    private static long count(JsonNode queue, String state) {
        return queue.path("counts").path(state).asLong();
    }

    private static JsonNode find(JsonNode jobs, String id) {
        for (JsonNode job : jobs) {
            if (job.path("id").asText().equals(id)) {
                return job;
            }
        }
        throw new AssertionError("No job " + id + " in " + jobs);
    }

    private static List<String> ids(JsonNode hits) {
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : hits) {
            ids.add(hit.path("job").path("queue").asText() + "/"
                    + hit.path("job").path("id").asText());
        }
        return ids;
    }

    private static String job(String queue, String id) {
        ObjectNode body = JSON.createObjectNode().put("queue", queue).put("id", id);
        return body.toString();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.post(BOARD + path, "application/json", body, Http.admin());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String escaped(String eventId) {
        return eventId.replace("%", "%25").replace(":", "%3A");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
