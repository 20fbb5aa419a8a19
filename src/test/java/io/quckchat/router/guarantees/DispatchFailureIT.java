package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.delivery.Dispatcher;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A bug while handing an event's legs to their lanes (here a lane that throws, {@link
 * FailingSinkComponent}) dead-letters the leg with stage DISPATCH and the exception; the event's
 * other leg is delivered, the next event on the same key too, and the partition goes on committing
 * past both. Before, the exception was only logged and the event never completed, so its partition
 * stopped committing.
 */
class DispatchFailureIT {

    @Test
    void aLegThatCannotBeHandedOverIsDeadLetteredAndThePartitionKeepsCommitting(@TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("user-online.camel.yaml"), """
                - route:
                    id: user-online
                    routeConfigurationId: fanout
                    from:
                      uri: chat-events:user.online
                      steps:
                        - to:
                            uri: failing-sink:lane
                        - to:
                            uri: rabbitmq-sink:analytics
                """);
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.of("user.online"));
        ConfigurableApplicationContext router = RouterApp.start(ns, "--QUCKCHAT_ROUTES_DIR=" + routes);
        try (KafkaProbe kafka = new KafkaProbe();
                RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
            rabbit.listen("analytics");
            String key = "u-" + UUID.randomUUID();
            String boom = "boom-" + UUID.randomUUID();
            String next = "next-" + UUID.randomUUID();
            String event = "{\"userId\":\"" + key + "\",\"online\":true}";
            kafka.send("user.online", key, event, boom);
            RecordMetadata nextSent = kafka.send("user.online", key, event, next);

            await("both events' analytics legs")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rabbit.messages("analytics").stream()
                            .map(d -> d.getProperties().getMessageId())
                            .toList()
                            .containsAll(List.of(boom + ".analytics", next + ".analytics")));

            ConsumerRecord<byte[], byte[]> letter = await("dead letter of " + boom)
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> KafkaProbe.readAll("user.online.dlq").stream()
                                    .filter(r -> boom.equals(KafkaProbe.header(r, DeadLetterHeaders.EVENT_ID)))
                                    .findFirst()
                                    .orElse(null),
                            r -> r != null);
            assertThat(KafkaProbe.header(letter, DeadLetterHeaders.STAGE)).isEqualTo("DISPATCH");
            assertThat(KafkaProbe.header(letter, DeadLetterHeaders.LEG)).isEqualTo("failing:lane");
            assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_CLASS))
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(KafkaProbe.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE))
                    .isEqualTo(FailingSinkComponent.MESSAGE);
            assertThat(KafkaProbe.header(letter, DeadLetterHeaders.CLASS_NAME)).isEqualTo(Dispatcher.class.getName());

            TopicPartition partition = new TopicPartition("user.online", nextSent.partition());
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestBrokers.get().kafkaBootstrap()))) {
                await("committed past both events")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> {
                            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(ns.groupId())
                                    .partitionsToOffsetAndMetadata()
                                    .get()
                                    .get(partition);
                            return committed != null && committed.offset() == nextSent.offset() + 1;
                        });
            } finally {
                rabbit.cleanUp("analytics");
            }
        } finally {
            router.close();
        }
    }
}
