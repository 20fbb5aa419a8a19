package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Route parameters set the retry policy of each sink leg and the BullMQ job options of each job
 * (docs/sinks.md): three legs of one event that RabbitMQ refuses are retried by three policies, one
 * of them the route configuration's, and a job carries its leg's options.
 */
class LegPoliciesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void legsOfOneEventAreRetriedByTheirOwnPoliciesAndJobsCarryTheirOwnOptions(@TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("user-online.camel.yaml"), """
                - route:
                    id: user-online
                    routeConfigurationId: fanout
                    from:
                      uri: chat-events:user.online
                      steps:
                        - to:
                            uri: rabbitmq-sink:sms
                            parameters:
                              deliveryAttempts: 2
                              deliveryInitialBackoff: 100ms
                        - to:
                            uri: rabbitmq-sink:email
                            parameters:
                              deliveryAttempts: 4
                              deliveryInitialBackoff: 200ms
                              deliveryMaxBackoff: 400ms
                        - to:
                            uri: rabbitmq-sink:notifications
                        - to:
                            uri: bullmq-sink:push
                            parameters:
                              jobName: presence
                              attempts: 7
                              backoffType: fixed
                              backoffDelay: 2500
                              removeOnComplete: "count:5"
                              removeOnFail: "false"
                """);
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.of("user.online"));
        // Another client holds the three queues as its exclusive ones: the router can neither declare
        // nor bind them, so its publishes there come back unroutable, a refusal retried by policy.
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestBrokers.get().rabbitUrl());
        Connection squatter = factory.newConnection("squatter");
        Channel channel = squatter.createChannel();
        for (String queue : new String[] {"sms", "email", "notifications"}) {
            channel.queueDeclare(ns.queue(queue), false, true, false, null);
        }
        ConfigurableApplicationContext router = RouterApp.start(
                ns,
                "--QUCKCHAT_ROUTES_DIR=" + routes,
                "--quckchat.delivery.attempts=3",
                "--quckchat.delivery.initial-backoff=50ms",
                "--quckchat.delivery.max-backoff=50ms",
                "--quckchat.delivery.jitter=0");
        try (KafkaProbe kafka = new KafkaProbe();
                RedisProbe redis = new RedisProbe()) {
            String key = "u-" + UUID.randomUUID();
            String id = "policies-" + UUID.randomUUID();
            kafka.send("user.online", key, "{\"userId\":\"" + key + "\",\"online\":true}", id);

            ConsumerRecord<byte[], byte[]> sms = deadLetter(id, "rabbitmq:sms");
            ConsumerRecord<byte[], byte[]> email = deadLetter(id, "rabbitmq:email");
            ConsumerRecord<byte[], byte[]> notifications = deadLetter(id, "rabbitmq:notifications");
            assertThat(KafkaProbe.header(sms, DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");
            assertThat(KafkaProbe.header(email, DeadLetterHeaders.ATTEMPTS)).isEqualTo("4");
            assertThat(KafkaProbe.header(notifications, DeadLetterHeaders.ATTEMPTS))
                    .as("the route configuration's policy")
                    .isEqualTo("3");
            // no jitter: the waits are the policies' own (100 ms; 200 + 400 + 400 ms, the last two capped)
            assertThat(failingFor(sms)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            assertThat(failingFor(email)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));

            String jobKey = ns.bullPrefix() + ":push:" + id + ".presence";
            String opts = await("the push job")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> (String) redis.redis().opsForHash().get(jobKey, "opts"), o -> o != null);
            JsonNode options = JSON.readTree(opts);
            assertThat(options.path("attempts").asInt()).isEqualTo(7);
            assertThat(options.path("backoff").path("type").asText()).isEqualTo("fixed");
            assertThat(options.path("backoff").path("delay").asInt()).isEqualTo(2500);
            assertThat(options.path("removeOnComplete").asInt()).isEqualTo(5);
            assertThat(options.path("removeOnFail").isBoolean()).isTrue();
            assertThat(options.path("removeOnFail").asBoolean()).isFalse();
        } finally {
            router.close();
            squatter.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("sms", "email", "notifications");
            }
        }
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String eventId, String leg) {
        return await("dead letter of " + leg)
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> KafkaProbe.readAll("user.online.dlq").stream()
                                .filter(r -> eventId.equals(KafkaProbe.header(r, DeadLetterHeaders.EVENT_ID)))
                                .filter(r -> leg.equals(KafkaProbe.header(r, DeadLetterHeaders.LEG)))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
    }

    private static Duration failingFor(ConsumerRecord<byte[], byte[]> letter) {
        return Duration.between(
                Instant.parse(KafkaProbe.header(letter, DeadLetterHeaders.FIRST_FAILURE)),
                Instant.parse(KafkaProbe.header(letter, DeadLetterHeaders.LAST_FAILURE)));
    }
}
