package io.quckchat.router.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import java.net.http.HttpResponse;
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

/**
 * The dashboard's charts and rates through the real HTTP server, fed by real events through real
 * Kafka, RabbitMQ and Redis: sampled every second here, so the points come quickly.
 */
class DashboardChartsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOARD = "/admin/queues";
    private static final Namespace NS = Namespace.random();
    private static ConfigurableApplicationContext router;
    private static Http http;
    private static KafkaProbe kafka;

    @BeforeAll
    static void start() {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(
                NS, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD, "--quckchat.bull-board.chart-interval=1s");
        http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        kafka = new KafkaProbe();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (router != null) {
            router.close();
        }
        try (RabbitMqProbe cleanup = new RabbitMqProbe(NS)) {
            cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } catch (Exception e) {
            // best effort
        }
    }

    @Test
    void theChartsShowTheEventsAndLegsOfTheLastHour() throws Exception {
        for (int i = 0; i < 5; i++) {
            send();
        }
        JsonNode charts = await("events, legs and latency charted")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> json(http.get(BOARD + "/api/charts", Http.admin())),
                        body -> max(body, "events", "message.sent") > 0
                                && max(body, "legs", "rabbitmq/notifications") > 0
                                && max(body, "legs", "bullmq/push/new-message") > 0
                                && max(body, "latency", "rabbitmq p99") > 0
                                // the lag is known once the consumer has had a fetch answer for the partitions
                                && series(body, "lag", "message.sent") != null);

        assertThat(charts.path("interval").asDouble()).isEqualTo(1.0);
        assertThat(charts.path("maxSeries").asInt()).isEqualTo(200);
        assertThat(charts.path("droppedSeries").asInt()).isZero();
        int points = charts.path("timestamps").size();
        assertThat(points).isGreaterThan(0);
        for (JsonNode series : charts.path("series")) {
            assertThat(series.path("values").size()).as(series.toString()).isEqualTo(points);
            assertThat(series.path("unit").asText()).isNotBlank();
        }
        assertThat(series(charts, "failures", "retries")).isNotNull();
        assertThat(series(charts, "failures", "dead letters")).isNotNull();
        assertThat(series(charts, "lag", "message.sent"))
                .as("the consumer's lag on its topic")
                .isNotNull();
        assertThat(series(charts, "events", "message.sent").path("unit").asText())
                .isEqualTo("events/s");
        assertThat(series(charts, "latency", "rabbitmq p50").path("unit").asText())
                .isEqualTo("ms");
        double p99 = max(charts, "latency", "rabbitmq p99");
        assertThat(p99).as("ms, not seconds or nanoseconds").isBetween(0.5, 60_000.0);

        // Points one second apart, newest last
        JsonNode times = charts.path("timestamps");
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i).asLong()).isGreaterThan(times.get(i - 1).asLong());
        }
    }

    @Test
    void theRatesShowTheEdgesOfTheLastInterval() throws Exception {
        JsonNode rates = await("a delivered leg on the rabbitmq edge in the last interval")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            send(); // events keep coming, so the last interval has some
                            return json(http.get(BOARD + "/api/rates", Http.admin()));
                        },
                        body -> edge(body, "message-sent", "rabbitmq", "notifications") != null
                                && edge(body, "message-sent", "rabbitmq", "notifications")
                                                .path("delivered")
                                                .asLong()
                                        > 0
                                && topic(body, "message.sent").path("perSecond").asDouble() > 0
                                && topic(body, "message.sent").path("lag").isNumber());

        assertThat(rates.path("at").asLong()).isGreaterThan(0);
        assertThat(rates.path("interval").asDouble()).isBetween(0.5, 5.0);
        JsonNode edge = edge(rates, "message-sent", "rabbitmq", "notifications");
        assertThat(edge.path("perSecond").asDouble()).isGreaterThan(0);
        assertThat(edge.has("failures")).isTrue();
        assertThat(edge.has("deadLettered")).isTrue();
        assertThat(edge(rates, "message-sent", "bullmq", "push/new-message")).isNotNull();
        assertThat(topic(rates, "message.sent").path("lag").isNumber()).isTrue();
        assertThat(rates.path("routes").findValuesAsText("route")).contains("message-sent");
    }

    @Test
    void chartsAndTheirScriptsNeedTheAdminCredentials() throws Exception {
        String script =
                http.get(BOARD + "/assets/dashboard-charts.js", Http.admin()).body();
        assertThat(script).contains("/api/charts").contains("getElementById('charts')");
        Matcher uplot = Pattern.compile("'(/webjars/uplot/[^']+/)'").matcher(script);
        assertThat(uplot.find()).as("the uPlot path in the script").isTrue();
        String dist = uplot.group(1);
        List<String> paths = List.of(
                BOARD + "/api/charts",
                BOARD + "/api/rates",
                BOARD + "/assets/dashboard-charts.js",
                dist + "uPlot.iife.min.js",
                dist + "uPlot.min.css");
        for (String path : paths) {
            assertThat(http.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(http.get(path, Http.admin()).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> library = http.get(dist + "uPlot.iife.min.js", Http.admin());
        assertThat(library.headers().firstValue("Content-Type").orElse("")).contains("javascript");
        assertThat(library.body()).contains("uPlot");
        assertThat(http.get(dist + "uPlot.min.css", Http.admin())
                        .headers()
                        .firstValue("Content-Type")
                        .orElse(""))
                .startsWith("text/css");
    }

    private static void send() {
        kafka.send("message.sent", "c-42", Samples.json("message.sent"), "chart-" + UUID.randomUUID());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode series(JsonNode charts, String chart, String name) {
        for (JsonNode series : charts.path("series")) {
            if (series.path("chart").asText().equals(chart)
                    && series.path("name").asText().equals(name)) {
                return series;
            }
        }
        return null;
    }

    /** The largest value of a series, 0 if it has none. */
    private static double max(JsonNode charts, String chart, String name) {
        JsonNode series = series(charts, chart, name);
        double max = 0;
        if (series != null) {
            for (JsonNode value : series.path("values")) {
                if (value.isNumber()) {
                    max = Math.max(max, value.asDouble());
                }
            }
        }
        return max;
    }

    private static JsonNode edge(JsonNode rates, String route, String destination, String target) {
        for (JsonNode edge : rates.path("edges")) {
            if (edge.path("route").asText().equals(route)
                    && edge.path("destination").asText().equals(destination)
                    && edge.path("target").asText().equals(target)) {
                return edge;
            }
        }
        return null;
    }

    private static JsonNode topic(JsonNode rates, String topic) {
        for (JsonNode node : rates.path("topics")) {
            if (node.path("topic").asText().equals(topic)) {
                return node;
            }
        }
        return JSON.createObjectNode();
    }
}
