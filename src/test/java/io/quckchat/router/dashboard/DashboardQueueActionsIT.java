package io.quckchat.router.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqJobOptions;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The dashboard's queue actions ({@link DashboardQueueActions}) through the real HTTP server of a
 * router, on a real Redis: pause/resume, clean, promote and logs, with their 404 and 409 answers
 * when the queue or job is not there or has moved. Each test uses its own queue.
 */
class DashboardQueueActionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOARD = "/ops/actions-board";
    private static final Namespace NS = Namespace.random();

    private static ConfigurableApplicationContext router;
    private static Http http;
    private static RedisProbe redisProbe;
    private static StringRedisTemplate redis;
    private static BullMqClient client;

    @BeforeAll
    static void start() {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(NS, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD, "--BULL_BOARD_PATH=" + BOARD);
        http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        redisProbe = new RedisProbe();
        redis = redisProbe.redis();
        client = new BullMqClient(redisProbe.factory(), NS.bullPrefix());
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (redisProbe != null) {
            redisProbe.close();
        }
        try (RabbitMqProbe cleanup = new RabbitMqProbe(NS)) {
            cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } catch (Exception e) {
            // best effort
        }
    }

    private static String key(String queue, String suffix) {
        return NS.bullPrefix() + ":" + queue + ":" + suffix;
    }

    @Test
    void theActionsNeedTheAdminCredentials() throws Exception {
        for (String path :
                List.of("/api/queues/pause", "/api/queues/resume", "/api/queues/clean", "/api/jobs/promote")) {
            assertThat(http.post(BOARD + path, "application/json", "{\"queue\":\"x\"}", null)
                            .statusCode())
                    .as(path)
                    .isEqualTo(401);
            assertThat(http.post(
                                    BOARD + path,
                                    "application/json",
                                    "{\"queue\":\"x\"}",
                                    Http.basic("admin", "wrong-password"))
                            .statusCode())
                    .as(path)
                    .isEqualTo(401);
        }
        assertThat(http.get(BOARD + "/api/job/logs?queue=x&id=1", null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aQueueIsPausedAndResumed() throws Exception {
        client.add("pausable", "n", "{}", null);

        JsonNode paused = json(post("/api/queues/pause", "{\"queue\":\"pausable\"}"));
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("changed").asBoolean()).isTrue();
        assertThat(queue("pausable").path("paused").asBoolean()).isTrue();
        assertThat(redis.opsForHash().get(key("pausable", "meta"), "paused")).isEqualTo("1");
        assertThat(json(post("/api/queues/pause", "{\"queue\":\"pausable\"}"))
                        .path("changed")
                        .asBoolean())
                .isFalse();

        JsonNode resumed = json(post("/api/queues/resume", "{\"queue\":\"pausable\"}"));
        assertThat(resumed.path("paused").asBoolean()).isFalse();
        assertThat(resumed.path("changed").asBoolean()).isTrue();
        assertThat(queue("pausable").path("paused").asBoolean()).isFalse();
        assertThat(queue("pausable").path("counts").path("waiting").asLong()).isEqualTo(1);

        // A name no route writes to and Redis does not have: 404, and nothing is created.
        HttpResponse<String> unknown = post("/api/queues/pause", "{\"queue\":\"no-such-queue\"}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(redis.hasKey(key("no-such-queue", "meta"))).isFalse();
        assertThat(post("/api/queues/resume", "{\"queue\":\"no-such-queue\"}").statusCode())
                .isEqualTo(404);
        assertThat(post("/api/queues/pause", "{}").statusCode()).isEqualTo(400);
        assertThat(post("/api/queues/pause", "{\"queue\":\"a:b\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void aDelayedJobIsPromotedAndAJobThatMovedGets409WithItsState() throws Exception {
        String id = client.add(
                "promotable",
                "later",
                "{}",
                BullMqJobOptions.builder().delay(600_000L).build());

        HttpResponse<String> promoted = post("/api/jobs/promote", job("promotable", id));
        assertThat(json(promoted).path("promoted").asBoolean()).isTrue();
        assertThat(json(promoted).path("state").asText()).isEqualTo("waiting");
        assertThat(redis.opsForList().range(key("promotable", "wait"), 0, -1)).containsExactly(id);

        HttpResponse<String> again = post("/api/jobs/promote", job("promotable", id));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).path("state").asText()).isEqualTo("waiting");
        assertThat(JSON.readTree(again.body()).path("error").asText()).contains("not delayed");

        HttpResponse<String> missing = post("/api/jobs/promote", job("promotable", "no-such-job"));
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
        assertThat(post("/api/jobs/promote", job("promotable", "a:b")).statusCode())
                .isEqualTo(404);
        assertThat(post("/api/jobs/promote", "{\"queue\":\"promotable\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void finishedJobsAreCleanedByAge() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            String id = client.add("cleanable", "n", "{}", null);
            redis.opsForList().remove(key("cleanable", "wait"), 0, id);
            long finishedOn = i < 2 ? now - 3_600_000 + i : now;
            redis.opsForZSet().add(key("cleanable", "failed"), id, finishedOn);
            redis.opsForHash().put(key("cleanable", id), "finishedOn", Long.toString(finishedOn));
            redis.opsForList().rightPush(key("cleanable", id + ":logs"), "log of " + id);
        }

        HttpResponse<String> cleaned = post(
                "/api/queues/clean",
                "{\"queue\":\"cleanable\",\"state\":\"failed\",\"olderThanSeconds\":600,\"limit\":10}");
        JsonNode body = json(cleaned);
        assertThat(body.path("cleaned").asInt()).isEqualTo(2);
        assertThat(body.path("ids").toString()).isEqualTo("[\"1\",\"2\"]");
        assertThat(redis.hasKey(key("cleanable", "1"))).isFalse();
        assertThat(redis.hasKey(key("cleanable", "1:logs"))).isFalse();
        assertThat(queue("cleanable").path("counts").path("failed").asLong()).isEqualTo(1);

        assertThat(post("/api/queues/clean", "{\"queue\":\"cleanable\",\"state\":\"waiting\",\"olderThanSeconds\":0}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/api/queues/clean", "{\"queue\":\"cleanable\",\"state\":\"failed\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(post(
                                "/api/queues/clean",
                                "{\"queue\":\"cleanable\",\"state\":\"failed\",\"olderThanSeconds\":0,\"limit\":0}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(post(
                                "/api/queues/clean",
                                "{\"queue\":\"no-such-queue\",\"state\":\"failed\",\"olderThanSeconds\":0}")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aJobsLogsAreRead() throws Exception {
        String id = client.add(
                "logged",
                "n",
                "{}",
                BullMqJobOptions.builder().jobId("evt/1 & more").build());
        redis.opsForList().rightPushAll(key("logged", id + ":logs"), "one", "two", "three");

        JsonNode all = json(http.get(BOARD + "/api/job/logs?queue=logged&id=" + encode(id), Http.admin()));
        assertThat(all.path("count").asLong()).isEqualTo(3);
        assertThat(all.path("logs").toString()).isEqualTo("[\"one\",\"two\",\"three\"]");
        JsonNode some =
                json(http.get(BOARD + "/api/job/logs?queue=logged&start=1&end=1&id=" + encode(id), Http.admin()));
        assertThat(some.path("logs").toString()).isEqualTo("[\"two\"]");
        assertThat(some.path("count").asLong()).isEqualTo(3);

        assertThat(http.get(BOARD + "/api/job/logs?queue=logged&id=no-such-job", Http.admin())
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.get(BOARD + "/api/job/logs?queue=logged&start=2&end=1&id=" + encode(id), Http.admin())
                        .statusCode())
                .isEqualTo(400);
    }

    private static JsonNode queue(String name) throws Exception {
        for (JsonNode queue : json(http.get(BOARD + "/api/queues", Http.admin()))) {
            if (queue.path("name").asText().equals(name)) {
                return queue;
            }
        }
        throw new AssertionError("No queue " + name);
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

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
