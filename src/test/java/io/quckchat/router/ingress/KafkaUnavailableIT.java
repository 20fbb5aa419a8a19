package io.quckchat.router.ingress;

import static io.quckchat.router.ingress.IngressClient.bearer;
import static io.quckchat.router.ingress.IngressClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestReport;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Kafka unavailable: a router whose KAFKA_BROKERS is a port nobody listens on answers 503 with
 * Retry-After within the publish timeout, never 202, never a hang; bad input still gets its 4xx.
 */
class KafkaUnavailableIT {

    private static final long TIMEOUT_MS = 2000;
    private static ConfigurableApplicationContext router;
    private static IngressClient http;

    @BeforeAll
    static void start() throws Exception {
        int dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = socket.getLocalPort();
        }
        List<String> args = new ArrayList<>(List.of(IngressIT.tokens()));
        args.add("--KAFKA_BROKERS=127.0.0.1:" + dead);
        args.add("--quckchat.ingress.publish-timeout=" + TIMEOUT_MS + "ms");
        router = RouterApp.start(Namespace.random(), args.toArray(String[]::new));
        http = new IngressClient(router);
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    private static String event() {
        return "{\"messageId\":\"m-" + UUID.randomUUID() + "\",\"conversationId\":\"c-1\",\"senderId\":\"u-1\"}";
    }

    @Test
    void singleEventGets503WithRetryAfterWithinThePublishTimeout() {
        long start = System.nanoTime();
        HttpResponse<String> response = http.post(
                "/api/v1/events/message.sent",
                event(),
                "Authorization",
                bearer(IngressIT.CHAT),
                "Content-Type",
                "application/json");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        JsonNode problem = json(response);
        assertThat(problem.path("code").asText()).isEqualTo("kafka-unavailable");
        assertThat(problem.path("where").asText()).isEqualTo("kafka");
        assertThat(problem.path("why").asText()).isNotBlank();
        assertThat(tookMs)
                .as("answered within the publish timeout (plus slack)")
                .isLessThan(TIMEOUT_MS + 1500);
        TestReport.line(
                "KafkaUnavailableIT: 503 after %d ms (publish timeout %d ms): %s",
                tookMs, TIMEOUT_MS, problem.path("why").asText());
    }

    @Test
    void batchGets503AndEveryItemSaysSo() {
        String item = "{\"topic\":\"message.sent\",\"payload\":" + event() + "}";
        long start = System.nanoTime();
        HttpResponse<String> response = http.post(
                "/api/v1/events",
                "[" + item + "," + item.replace("m-", "m-2-") + "," + item.replace("m-", "m-3-") + "]",
                "Authorization",
                bearer(IngressIT.CHAT),
                "Content-Type",
                "application/json");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        JsonNode answer = json(response);
        assertThat(answer.path("accepted").asInt()).isZero();
        answer.path("items").forEach(i -> assertThat(i.path("status").asInt()).isEqualTo(503));
        assertThat(tookMs).isLessThan(TIMEOUT_MS + 1500);
    }

    @Test
    void idempotentRetryAfter503IsTriedAgainNotReplayed() {
        String key = "retry-" + UUID.randomUUID();
        String body = event();
        String[] headers = {
            "Authorization", bearer(IngressIT.CHAT), "Content-Type", "application/json", "Idempotency-Key", key
        };
        HttpResponse<String> first = http.post("/api/v1/events/message.sent", body, headers);
        HttpResponse<String> second = http.post("/api/v1/events/message.sent", body, headers);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(second.statusCode())
                .as("a failure is not stored as the answer")
                .isEqualTo(503);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void badInputStillGetsItsOwnStatus() {
        HttpResponse<String> response = http.post(
                "/api/v1/events/message.sent",
                "{\"messageId\":\"m-1\"}",
                "Authorization",
                bearer(IngressIT.CHAT),
                "Content-Type",
                "application/json");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("code").asText()).isEqualTo("schema-violation");
    }
}
