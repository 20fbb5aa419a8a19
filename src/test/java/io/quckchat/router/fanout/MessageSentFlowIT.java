package io.quckchat.router.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Delivery;
import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** message.sent → RabbitMQ notifications + analytics, end to end through real brokers. */
class MessageSentFlowIT {

    private static final Namespace NS = Namespace.random();
    private static ConfigurableApplicationContext router;
    private static RabbitMqProbe rabbit;
    private static KafkaProbe kafka;

    @BeforeAll
    static void start() throws Exception {
        TestBrokers brokers = TestBrokers.get();
        brokers.startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(NS);
        rabbit = new RabbitMqProbe(NS);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rabbit.queueExists("notifications") && rabbit.queueExists("analytics"));
        rabbit.listen("notifications", "analytics");
        kafka = new KafkaProbe();
    }

    @AfterAll
    static void stop() throws Exception {
        router.close();
        rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        rabbit.close();
        kafka.close();
    }

    @Test
    void eventReachesBothQueuesWithTheContractsProperties() {
        String ceId = "evt-" + UUID.randomUUID();
        String value =
                "{\"messageId\":\"m1\",\"conversationId\":\"c-42\",\"senderId\":\"u1\",\"content\":\"hi\",  \"extra\":[1,2]}";
        RecordMetadata sent = kafka.send("message.sent", "c-42", value, ceId);

        for (String queue : List.of("notifications", "analytics")) {
            Delivery delivery = awaitMessage(queue, ceId + "." + queue);
            assertThat(new String(delivery.getBody(), StandardCharsets.UTF_8))
                    .as("body is the event unchanged, byte for byte")
                    .isEqualTo(value);
            var props = delivery.getProperties();
            assertThat(props.getDeliveryMode()).as("persistent").isEqualTo(2);
            assertThat(props.getContentType()).isEqualTo("application/json");
            assertThat(props.getType()).isEqualTo("message.sent");
            assertThat(props.getTimestamp()).isNotNull();
            assertThat(props.getTimestamp().getTime() / 1000).isEqualTo(sent.timestamp() / 1000);
            Map<String, Object> headers = props.getHeaders();
            assertThat(headers.get("ce_id").toString()).isEqualTo(ceId);
            assertThat(headers.get("ce_type").toString()).isEqualTo("message.sent");
            assertThat(headers.get("ce_source").toString()).isEqualTo("kafka:message.sent");
            assertThat(headers.get("x-source-topic").toString()).isEqualTo("message.sent");
            assertThat(((Number) headers.get("x-source-partition")).intValue()).isEqualTo(sent.partition());
            assertThat(((Number) headers.get("x-source-offset")).longValue()).isEqualTo(sent.offset());
            assertThat(delivery.getEnvelope().getRoutingKey()).isEqualTo(queue);
            assertThat(delivery.getEnvelope().getExchange()).isEqualTo(NS.exchange());
        }
    }

    @Test
    void withoutCeIdTheEventIdIsTopicPartitionOffset() {
        RecordMetadata sent = kafka.send(
                "message.sent", "c-7", "{\"messageId\":\"m2\",\"conversationId\":\"c-7\",\"senderId\":\"u1\"}", null);
        String eventId = "message.sent-" + sent.partition() + "-" + sent.offset();
        Delivery delivery = awaitMessage("notifications", eventId + ".notifications");
        assertThat(delivery.getProperties().getHeaders().get("ce_id").toString())
                .isEqualTo(eventId);
    }

    @Test
    void malformedValueIsDeadLetteredAndTheNextEventOnTheKeyStillArrives() {
        String key = "c-bad-" + UUID.randomUUID();
        String badId = "bad-" + UUID.randomUUID();
        String goodId = "good-" + UUID.randomUUID();
        kafka.send("message.sent", key, "{\"id\": \"m3\", oops", badId);
        kafka.send(
                "message.sent",
                key,
                "{\"messageId\":\"m4\",\"conversationId\":\"" + key + "\",\"senderId\":\"u1\"}",
                goodId);

        awaitMessage("notifications", goodId + ".notifications");
        awaitMessage("analytics", goodId + ".analytics");
        assertThat(rabbit.messages("notifications"))
                .noneMatch(d -> d.getProperties().getMessageId().startsWith(badId));

        ConsumerRecord<byte[], byte[]> letter = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> KafkaProbe.readAll("message.sent.dlq").stream()
                                .filter(r -> badId.equals(KafkaProbe.header(r, DeadLetterHeaders.EVENT_ID)))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\": \"m3\", oops");
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.LEG)).isEqualTo("event");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.STAGE)).isEqualTo("EVENT");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.TOPIC)).isEqualTo("message.sent");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.TASK_ID)).isEqualTo("message-sent");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_CLASS))
                .isEqualTo(InvalidEventException.class.getName());
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                .contains("not valid JSON");
        assertThat(KafkaProbe.header(letter, "ce_id"))
                .as("original headers kept")
                .isEqualTo(badId);
    }

    /**
     * The delivery ledger (docs/contract.md §8): once an event's legs are recorded, the same event produced
     * again (one {@code ce_id}) has nothing left to send; the next event on its key still goes out.
     */
    @Test
    void anEventProducedAgainWithItsIdIsNotDeliveredTwice() {
        String key = "c-twice-" + UUID.randomUUID();
        String onceId = "once-" + UUID.randomUUID();
        String nextId = "next-" + UUID.randomUUID();
        String value = "{\"messageId\":\"m5\",\"conversationId\":\"" + key + "\",\"senderId\":\"u1\"}";
        kafka.send("message.sent", key, value, onceId);
        awaitMessage("notifications", onceId + ".notifications");
        awaitMessage("analytics", onceId + ".analytics");
        try (RedisProbe redis = new RedisProbe()) {
            await("the ledger holds the event's three legs")
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> redis.redis().<String, String>opsForHash().entries(NS.ledgerPrefix() + ":" + onceId),
                            legs -> legs.equals(Map.of(
                                    "rabbitmq:notifications", "DELIVERED",
                                    "rabbitmq:analytics", "DELIVERED",
                                    "bullmq:push/new-message", "DELIVERED")));
        }

        kafka.send("message.sent", key, value, onceId);
        kafka.send("message.sent", key, value.replace("m5", "m6"), nextId);
        awaitMessage("notifications", nextId + ".notifications");
        awaitMessage("analytics", nextId + ".analytics");

        for (String queue : List.of("notifications", "analytics")) {
            assertThat(rabbit.messages(queue).stream()
                            .filter(d -> d.getProperties().getMessageId().equals(onceId + "." + queue)))
                    .as("%s messages of the event produced twice", queue)
                    .hasSize(1);
        }
    }

    private static Delivery awaitMessage(String queue, String messageId) {
        return await("message " + messageId + " on " + queue)
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> rabbit.messages(queue).stream()
                                .filter(d -> messageId.equals(d.getProperties().getMessageId()))
                                .findFirst()
                                .orElse(null),
                        d -> d != null);
    }
}
