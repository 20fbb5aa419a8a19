package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM mid-stream: the router finishes its in-flight events, commits exactly what it
 * delivered, and leaves the consumer group at once; the next instance starts where it stopped,
 * so nothing is lost and nothing is delivered twice.
 */
class ShutdownIT {

    private static final int EVENTS = 2000;

    @Test
    void gracefulShutdownFinishesCommitsAndLeavesTheGroup() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers brokers = TestBrokers.get();
        brokers.startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        Map<TopicPartition, Long> start = endOffsets("message.sent");
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            RouterProcess first = new RouterProcess(ns, "a").start();
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
            rabbit.listen("notifications", "analytics");
            CompletableFuture<Void> producing = kafka.streamMessages(ns.id(), EVENTS, 30, 100, Duration.ZERO);
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(rabbit) >= 400);
            long stopping = System.nanoTime();
            int exit = first.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);

            try (Admin admin = brokers.kafkaAdmin()) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(Set.of(ns.groupId()))
                        .all()
                        .get(10, TimeUnit.SECONDS)
                        .get(ns.groupId());
                assertThat(group.members())
                        .as("left the group, not waiting for the session timeout")
                        .isEmpty();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(ns.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                long committedEvents = 0;
                for (Map.Entry<TopicPartition, Long> partition : start.entrySet()) {
                    committedEvents += committed.get(partition.getKey()).offset() - partition.getValue();
                }
                int deliveredAtStop = delivered(rabbit);
                assertThat(committedEvents)
                        .as("committed exactly what was delivered: in-flight events were finished")
                        .isEqualTo(deliveredAtStop);
                producing.get(60, TimeUnit.SECONDS);
                try (RouterProcess second = new RouterProcess(ns, "b").start()) {
                    await().atMost(Duration.ofSeconds(120)).until(() -> delivered(rabbit) == EVENTS);
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> Deliveries.distinctIds(rabbit.messages("notifications"))
                                            .size()
                                    == EVENTS);
                }
                int duplicates = Deliveries.duplicates(rabbit.messages("analytics"))
                        + Deliveries.duplicates(rabbit.messages("notifications"));
                TestReport.line(
                        "ShutdownIT: events=%d delivered before SIGTERM=%d committed=%d shutdown took %d ms,"
                                + " group left at once, duplicates after restart=%d",
                        EVENTS, deliveredAtStop, committedEvents, stopMillis, duplicates);
                assertThat(duplicates).isZero();
            }
        } finally {
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    private static int delivered(RabbitMqProbe rabbit) {
        return Deliveries.distinctIds(rabbit.messages("analytics")).size();
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = TestBrokers.get().kafkaAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < TestBrokers.PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .forEach((tp, info) -> offsets.put(tp, info.offset()));
            return offsets;
        }
    }
}
