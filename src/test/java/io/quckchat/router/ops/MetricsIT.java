package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The metrics on /actuator/prometheus, fed by real deliveries, with no ids in their tags. */
class MetricsIT {

    private static final Namespace NS = Namespace.random();
    private static final String GOOD = "ok-" + UUID.randomUUID();
    private static final String BAD = "bad-" + UUID.randomUUID();
    private static ConfigurableApplicationContext router;
    private static Http http;

    @BeforeAll
    static void start() {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(NS, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
        http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        try (KafkaProbe kafka = new KafkaProbe()) {
            kafka.send("message.sent", "c-42", Samples.json("message.sent"), GOOD);
            kafka.send("message.sent", "c-42", "{not json", BAD);
        }
        router.getBean(QueueDepths.class).refresh();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void deliveriesLatenciesDeadLettersLagAndDepthsArePublished() throws Exception {
        String metrics = await("metrics of both events")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> http.get("/actuator/prometheus", Http.admin()).body(),
                        body -> value(body, "quckchat_dead_letters_total", "leg=\"event\"") >= 1
                                && value(
                                                body,
                                                "quckchat_legs_total",
                                                "target=\"push/new-message\"",
                                                "outcome=\"delivered\"")
                                        >= 1
                                && value(
                                                body,
                                                "quckchat_legs_total",
                                                "target=\"media/transcode\"",
                                                "outcome=\"delivered\"")
                                        >= 1);

        assertThat(value(metrics, "quckchat_events_received_total", "route=\"message-sent\"", "topic=\"message.sent\""))
                .isEqualTo(2);
        for (String target : List.of("notifications", "analytics", "media-processing")) {
            assertThat(value(
                            metrics,
                            "quckchat_legs_total",
                            "destination=\"rabbitmq\"",
                            "target=\"" + target + "\"",
                            "outcome=\"delivered\""))
                    .as(target)
                    .isEqualTo(target.equals("media-processing") ? 2 : 1);
        }
        assertThat(value(metrics, "quckchat_legs_total", "destination=\"dead-letter\"", "target=\"event\""))
                .isEqualTo(1);
        assertThat(value(metrics, "quckchat_dead_letters_total", "topic=\"message.sent\"", "leg=\"event\""))
                .isEqualTo(1);
        assertThat(value(metrics, "quckchat_leg_latency_seconds_count", "target=\"notifications\""))
                .isEqualTo(1);
        assertThat(metrics).contains("quckchat_leg_latency_seconds_bucket{");
        assertThat(value(metrics, "quckchat_event_latency_seconds_count", "topic=\"message.sent\""))
                .isEqualTo(2);
        assertThat(metrics).contains("quckchat_event_latency_seconds_bucket{");
        assertThat(value(metrics, "quckchat_lane_available", "destination=\"rabbitmq\""))
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        value(http.get("/actuator/prometheus", Http.admin()).body(), "quckchat_events_in_flight") == 0);
        await("consumer lag per partition").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            router.getBean(QueueDepths.class).refresh();
            String body = http.get("/actuator/prometheus", Http.admin()).body();
            for (int partition = 0; partition < TestBrokers.PARTITIONS; partition++) {
                assertThat(body)
                        .contains("quckchat_kafka_consumer_lag{application=\"quckchat-router\",partition=\"" + partition
                                + "\",topic=\"message.sent\"} 0.0");
            }
        });

        await("queue depths").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            router.getBean(QueueDepths.class).refresh();
            String body = http.get("/actuator/prometheus", Http.admin()).body();
            assertThat(value(body, "quckchat_rabbitmq_queue_messages", "queue=\"notifications\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(body, "quckchat_bullmq_jobs", "queue=\"push\"", "state=\"prioritized\""))
                    .isEqualTo(1);
            assertThat(value(body, "quckchat_bullmq_jobs", "queue=\"media\"", "state=\"waiting\""))
                    .isEqualTo(1);
        });

        // Camel's own route metrics for every route but the fan-out ones, which the meters above count
        assertThat(metrics).contains("camel_exchanges_total{").contains("routeId=\"schedule-daily-usage\"");
        assertThat(value(metrics, "camel_routes_running_routes"))
                .as("route count")
                .isGreaterThanOrEqualTo(12);
        assertThat(metrics.lines().filter(line -> line.startsWith("camel_")))
                .as("no Camel route policy on a fan-out route")
                .noneMatch(line -> line.contains("routeId=\"message-sent\""));

        for (String line : metrics.split("\n")) {
            if (line.startsWith("quckchat_")) {
                assertThat(line).as("no event id in a tag").doesNotContain(GOOD).doesNotContain(BAD);
            }
        }
    }

    @Test
    void metricsNeedTheAdminCredentials() throws Exception {
        assertThat(http.get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(http.get("/actuator/prometheus", Http.basic("admin", "nope-nope-nope"))
                        .statusCode())
                .isEqualTo(401);
    }

    /** The sum of a metric's samples whose tags contain all these fragments. */
    static double value(String metrics, String name, String... tags) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(metrics);
        double sum = 0;
        while (matcher.find()) {
            String labels = matcher.group(1) == null ? "" : matcher.group(1);
            boolean all = true;
            for (String tag : tags) {
                all &= labels.contains(tag);
            }
            if (all) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }
}
