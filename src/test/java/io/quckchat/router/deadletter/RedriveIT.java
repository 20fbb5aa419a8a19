package io.quckchat.router.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A leg that could not be delivered is dead-lettered; once its cause is fixed, a redrive over the
 * admin API delivers exactly the missing leg, once, and the letter cannot be redriven twice.
 */
class RedriveIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void redriveOfAFixedDeadLetterDeliversExactlyTheMissingLegOnce() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestBrokers.get().rabbitUrl());
        // Another client holds <ns>.notifications exclusively: publishes there are unroutable.
        Connection squatter = factory.newConnection("squatter");
        squatter.createChannel().queueDeclare(ns.queue("notifications"), false, true, false, null);
        ConfigurableApplicationContext router = RouterApp.start(
                ns,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                "--quckchat.delivery.attempts=2",
                "--quckchat.delivery.initial-backoff=100ms");
        Http http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
            rabbit.listen("analytics");
            String key = "c-" + UUID.randomUUID();
            String eventId = "conv-" + UUID.randomUUID();
            kafka.send(
                    "conversation.created",
                    key,
                    "{\"conversationId\":\"" + key + "\",\"memberIds\":[\"u-1\"]}",
                    eventId);

            String query = "/admin/dead-letters?topic=conversation.created&eventId=" + eventId;
            JsonNode letter = await("dead letter listed")
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> JSON.readTree(http.get(query, Http.admin()).body()),
                            page -> page.path("total").asInt() == 1)
                    .path("items")
                    .get(0);
            assertThat(letter.path("leg").asText()).isEqualTo("rabbitmq:notifications");
            assertThat(letter.path("errorClass").asText()).endsWith("UnroutableException");
            assertThat(letter.path("attempts").asInt()).isEqualTo(2);
            String id = letter.path("id").asText();
            assertThat(http.get("/admin/dead-letters?leg=rabbitmq:analytics&eventId=" + eventId, Http.admin())
                            .body())
                    .contains("\"total\":0");
            assertThat(http.get("/admin/dead-letters?errorClass=UnroutableException&eventId=" + eventId, Http.admin())
                            .body())
                    .contains("\"total\":1");

            // Strangers are refused.
            assertThat(http.get(query, null).statusCode()).isEqualTo(401);
            assertThat(http.get(query, Http.basic("admin", "wrong-password!")).statusCode())
                    .isEqualTo(401);
            assertThat(http.post("/admin/dead-letters/redrive", "application/json", "{\"all\":true}", null)
                            .statusCode())
                    .isEqualTo(401);

            // Fix the cause: the squatter goes away and the operator declares the queue as the contract says.
            squatter.close();
            try (Connection operator = factory.newConnection("operator");
                    var channel = operator.createChannel()) {
                channel.queueDeclare(ns.queue("notifications"), true, false, false, null);
                channel.queueBind(ns.queue("notifications"), ns.exchange(), "notifications");
            }
            String body = "{\"letters\":[\"" + id + "\"],\"scope\":\"LEG\"";
            JsonNode dry = JSON.readTree(http.post(
                            "/admin/dead-letters/redrive", "application/json", body + ",\"dryRun\":true}", Http.admin())
                    .body());
            assertThat(dry.path("outcomes").get(0).path("action").asText()).isEqualTo("would-redrive");
            assertThat(dry.path("outcomes").get(0).path("legs").asText()).isEqualTo("rabbitmq:notifications");
            assertThat(http.post("/admin/dead-letters/redrive", "text/plain", body + "}", Http.admin())
                            .statusCode())
                    .as("a content type a cross-site form could send needs a CSRF token")
                    .isEqualTo(403);
            assertThat(http.post("/admin/dead-letters/redrive", "application/xml", body + "}", Http.admin())
                            .statusCode())
                    .as("JSON only")
                    .isEqualTo(415);

            rabbit.listen("notifications");
            HttpResponse<String> redriven =
                    http.post("/admin/dead-letters/redrive", "application/json", body + "}", Http.admin());
            assertThat(redriven.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(redriven.body())
                            .path("outcomes")
                            .get(0)
                            .path("action")
                            .asText())
                    .isEqualTo("redriven");

            String notification = eventId + ".notifications";
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Deliveries.distinctIds(rabbit.messages("notifications"))
                            .contains(notification));
            JsonNode again =
                    JSON.readTree(http.post("/admin/dead-letters/redrive", "application/json", body + "}", Http.admin())
                            .body());
            assertThat(again.path("outcomes").get(0).path("action").asText()).isEqualTo("already-redriven");
            assertThat(JSON.readTree(http.get(query, Http.admin()).body())
                            .path("items")
                            .get(0)
                            .path("redrivenAt")
                            .isNull())
                    .isFalse();

            // Exactly the missing leg, once: one notifications task, and analytics not sent again.
            // (A later event on the same key proves the lanes moved past the redrive.)
            String later = "conv-" + UUID.randomUUID();
            kafka.send("conversation.created", key, "{\"conversationId\":\"" + key + "\",\"memberIds\":[]}", later);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Deliveries.distinctIds(rabbit.messages("notifications"))
                            .contains(later + ".notifications"));
            long notifications = rabbit.messages("notifications").stream()
                    .filter(d -> notification.equals(d.getProperties().getMessageId()))
                    .count();
            long analytics = rabbit.messages("analytics").stream()
                    .filter(d ->
                            (eventId + ".analytics").equals(d.getProperties().getMessageId()))
                    .count();
            TestReport.line(
                    "RedriveIT: dead letters=1 redriven=1 notifications deliveries of the event=%d analytics=%d",
                    notifications, analytics);
            assertThat(notifications).isEqualTo(1);
            assertThat(analytics).isEqualTo(1);
        } finally {
            router.close();
            if (squatter.isOpen()) {
                squatter.close();
            }
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }
}
