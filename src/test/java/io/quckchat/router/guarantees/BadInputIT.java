package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.fanout.InvalidEventException;
import io.quckchat.router.rabbitmq.UnroutableException;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every kind of bad input is dead-lettered with the headers that explain it, and the next good
 * event on the same key is still delivered.
 */
class BadInputIT {

    private static final Namespace NS = Namespace.random();
    private static ConfigurableApplicationContext router;
    private static RabbitMqProbe rabbit;
    private static KafkaProbe kafka;
    private static Connection squatter;

    @BeforeAll
    static void start() throws Exception {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        // Another client holds <ns>.notifications as its exclusive queue: the router can neither
        // declare nor bind it, so its publishes there come back unroutable.
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestBrokers.get().rabbitUrl());
        squatter = factory.newConnection("squatter");
        squatter.createChannel().queueDeclare(NS.queue("notifications"), false, true, false, null);
        router = RouterApp.start(
                NS,
                "--quckchat.delivery.attempts=3",
                "--quckchat.delivery.initial-backoff=200ms",
                "--quckchat.delivery.max-backoff=1s");
        rabbit = new RabbitMqProbe(NS);
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
        rabbit.listen("analytics");
        kafka = new KafkaProbe();
    }

    @AfterAll
    static void stop() throws Exception {
        router.close();
        squatter.close();
        rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        rabbit.close();
        kafka.close();
    }

    @Test
    void notJson() {
        ConsumerRecord<byte[], byte[]> letter = rejectedThenNextDelivered("user.online", "{\"userId\": \"u-1\",");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                .startsWith("user.online event is not valid JSON");
    }

    @Test
    void notAnObject() {
        ConsumerRecord<byte[], byte[]> letter = rejectedThenNextDelivered("user.online", "[1,2,3]");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                .isEqualTo("user.online event must be a JSON object, got array");
    }

    @Test
    void emptyValue() {
        ConsumerRecord<byte[], byte[]> letter = rejectedThenNextDelivered("user.online", "");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                .contains("empty value");
    }

    @Test
    void schemaViolation() {
        ConsumerRecord<byte[], byte[]> letter =
                rejectedThenNextDelivered("user.online", "{\"userId\":\"u-1\",\"online\":\"yes\"}");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                .startsWith("user.online event breaks its schema")
                .contains("$.online");
    }

    @Test
    void unroutableLegIsRetriedByPolicyThenDeadLetteredWhileTheOtherLegIsDelivered() {
        String key = "c-" + UUID.randomUUID();
        String id = "conv-" + UUID.randomUUID();
        String event = "{\"conversationId\":\"" + key + "\",\"memberIds\":[\"u-1\",\"u-2\"]}";
        Instant sent = Instant.now();
        kafka.send("conversation.created", key, event, id);

        ConsumerRecord<byte[], byte[]> letter = deadLetter("conversation.created", id);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo(event);
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.STAGE)).isEqualTo("LEG");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.LEG)).isEqualTo("rabbitmq:notifications");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_CLASS))
                .isEqualTo(UnroutableException.class.getName());
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                .contains("routing key notifications");
        Instant first = Instant.parse(KafkaProbe.header(letter, DeadLetterHeaders.FIRST_FAILURE));
        Instant last = Instant.parse(KafkaProbe.header(letter, DeadLetterHeaders.LAST_FAILURE));
        assertThat(first).isAfterOrEqualTo(sent.minusSeconds(1)).isBefore(last);
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.CLASS_NAME)).endsWith("RabbitMqLane");
        assertThat(delivered("analytics", id + ".analytics"))
                .as("the other leg")
                .isTrue();
    }

    /** Sends a bad event and then a good one on the same key; returns the bad one's dead letter. */
    private static ConsumerRecord<byte[], byte[]> rejectedThenNextDelivered(String topic, String bad) {
        String key = "u-" + UUID.randomUUID();
        String badId = "bad-" + UUID.randomUUID();
        String goodId = "good-" + UUID.randomUUID();
        kafka.send(topic, key, bad, badId);
        kafka.send(topic, key, "{\"userId\":\"" + key + "\",\"online\":true}", goodId);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered("analytics", goodId + ".analytics"));
        assertThat(delivered("analytics", badId + ".analytics")).isFalse();
        ConsumerRecord<byte[], byte[]> letter = deadLetter(topic, badId);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8))
                .as("original bytes")
                .isEqualTo(bad);
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.STAGE)).isEqualTo("EVENT");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.LEG)).isEqualTo("event");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.TOPIC)).isEqualTo(topic);
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.PARTITION)).isNotNull();
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.OFFSET)).isNotNull();
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_CLASS))
                .isEqualTo(InvalidEventException.class.getName());
        assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_STACKTRACE))
                .contains("InvalidEventException");
        assertThat(KafkaProbe.header(letter, "ce_id")).isEqualTo(badId);
        return letter;
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String topic, String eventId) {
        return await("dead letter of " + eventId)
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> KafkaProbe.readAll(topic + ".dlq").stream()
                                .filter(r -> eventId.equals(KafkaProbe.header(r, DeadLetterHeaders.EVENT_ID)))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
    }

    private static boolean delivered(String queue, String messageId) {
        return rabbit.messages(queue).stream()
                .anyMatch(d -> messageId.equals(d.getProperties().getMessageId()));
    }
}
