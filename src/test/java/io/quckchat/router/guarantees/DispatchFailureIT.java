package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.deadletter.DeadLetterHeaders;
import io.quckchat.router.delivery.Dispatcher;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
import org.apache.kafka.common.utils.Utils;
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

    @TempDir
    Path routes;

    private final Namespace ns = Namespace.random();

    @Test
    void aLegThatCannotBeHandedOverIsDeadLetteredAndThePartitionKeepsCommitting() throws Exception {
        ConfigurableApplicationContext router = start();
        try (KafkaProbe kafka = new KafkaProbe();
                RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
            listen(rabbit);
            String key = "u-" + UUID.randomUUID();
            String boom = "boom-" + UUID.randomUUID();
            String next = "next-" + UUID.randomUUID();
            kafka.send("user.online", key, userOnline(key), boom);
            RecordMetadata nextSent = kafka.send("user.online", key, userOnline(key), next);

            awaitAnalytics(rabbit, boom, next);

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

            try {
                await("committed past both events")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> committed(nextSent) == nextSent.offset() + 1);
            } finally {
                rabbit.cleanUp("analytics");
            }
        } finally {
            router.close();
        }
    }

    /**
     * What gets past that (an {@link Error}: a broken invariant, the JVM out of memory) is no answer
     * to dead-letter: the event stays unfinished, so its partition commits no further and nothing is
     * lost, and readiness and liveness say why until a restart. The events after it are still
     * dispatched (before, the Error ended the chain of dispatches unseen: nothing more was
     * delivered, and readiness stayed UP).
     */
    @Test
    void anErrorWhileHandingOverStopsItsPartitionCommittingAndTheRouterSaysSo() throws Exception {
        ConfigurableApplicationContext router = start();
        try (KafkaProbe kafka = new KafkaProbe();
                RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
            Http http = Readiness.http(router);
            Readiness.awaitReady(http, "ready", Duration.ofSeconds(30));
            listen(rabbit);
            String key = "u-" + UUID.randomUUID();
            String fatal = "fatal-" + UUID.randomUUID();
            String next = "next-" + UUID.randomUUID();
            RecordMetadata fatalSent = kafka.send("user.online", key, userOnline(key), fatal);
            kafka.send("user.online", key, userOnline(key), next);
            // an event on another partition shows that commits go on where nothing failed
            String otherKey = keyOnAnotherPartition(fatalSent.partition());
            String other = "other-" + UUID.randomUUID();
            RecordMetadata otherSent =
                    kafka.send("user.online", otherKey, "{\"userId\":\"" + otherKey + "\",\"online\":true}", other);

            try {
                awaitAnalytics(rabbit, next, other); // the events after the failed one
                await("the other partition committed past its event")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> committed(otherSent) == otherSent.offset() + 1);
                assertThat(committed(fatalSent))
                        .as("committed offset of the failed event's partition")
                        .isLessThanOrEqualTo(fatalSent.offset());

                await("unready and not live")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 503
                                && Readiness.status(http, "/actuator/health/liveness") == 503);
                assertThat(http.get("/actuator/health", Http.admin()).body())
                        .contains("\"kafka\":{\"status\":\"DOWN\"")
                        .contains("kafka: the dispatcher failed on event " + fatal)
                        .contains("java.lang.AssertionError: " + FailingSinkComponent.FATAL)
                        .contains("its partition commits no further until the router is restarted");
            } finally {
                rabbit.cleanUp("analytics");
            }
        } finally {
            router.close();
        }
    }

    /** A router whose user.online route has a failing-sink leg and an analytics leg. */
    private ConfigurableApplicationContext start() throws Exception {
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
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.of("user.online"));
        return RouterApp.start(ns, "--QUCKCHAT_ROUTES_DIR=" + routes, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
    }

    private static void listen(RabbitMqProbe rabbit) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
        rabbit.listen("analytics");
    }

    private static String userOnline(String userId) {
        return "{\"userId\":\"" + userId + "\",\"online\":true}";
    }

    /** Waits for the analytics legs of these events. */
    private static void awaitAnalytics(RabbitMqProbe rabbit, String... eventIds) {
        List<String> messageIds =
                Arrays.stream(eventIds).map(id -> id + ".analytics").toList();
        await("analytics legs of " + String.join(", ", eventIds))
                .atMost(Duration.ofSeconds(30))
                .until(() -> rabbit.messages("analytics").stream()
                        .map(d -> d.getProperties().getMessageId())
                        .toList()
                        .containsAll(messageIds));
    }

    /** The group's committed offset of the record's partition; -1 while none. */
    private long committed(RecordMetadata record) throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBrokers.get().kafkaBootstrap()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(ns.groupId())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(new TopicPartition(record.topic(), record.partition()));
            return committed == null ? -1 : committed.offset();
        }
    }

    /** A key Kafka's default partitioner puts on another partition than {@code partition}. */
    private static String keyOnAnotherPartition(int partition) {
        for (int i = 0; ; i++) {
            String key = "u-other-" + i;
            int target = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % TestBrokers.PARTITIONS;
            if (target != partition) {
                return key;
            }
        }
    }
}
