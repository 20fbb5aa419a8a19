package io.quckchat.router.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.EventHeaders;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestKafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The lane against a real broker, at the moment that bites: the first letters of a source topic,
 * written at once to the dead-letter topic the lane has just created.
 */
class DeadLetterLaneIT {

    private static final int PARTITIONS = 3;
    private static final int LETTERS = 300;
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0);

    /**
     * A burst to a topic the broker has only just made: with several requests in flight a batch
     * refused as NOT_LEADER_OR_FOLLOWER is overtaken by the next, and then refused as out of order
     * until the delivery timeout (KAFKA-15591). Ten new topics, so that the race is met.
     */
    @Test
    void aBurstOfLettersToNewDeadLetterTopicsIsWrittenWhole() throws Exception {
        DeadLetterLane lane = new DeadLetterLane(
                TestKafkaClients.of(Map.of("KAFKA_BROKERS", TestBrokers.get().kafkaBootstrap())), POLICY);
        lane.start();
        try (Admin admin = TestBrokers.get().kafkaAdmin()) {
            for (int round = 0; round < 10; round++) {
                String source = "lane-burst-" + UUID.randomUUID();
                admin.createTopics(List.of(new NewTopic(source, PARTITIONS, (short) 1)))
                        .all()
                        .get();
                AtomicInteger written = new AtomicInteger();
                for (int i = 0; i < LETTERS; i++) {
                    Leg letter = DeadLetter.ofEvent(
                            event(source, i), lane, new IllegalArgumentException("not JSON"), getClass(), POLICY);
                    letter.onResolved(leg -> {
                        if (leg.outcome() == Leg.Outcome.DELIVERED) {
                            written.incrementAndGet();
                        }
                    });
                    lane.submit(letter);
                }
                await("letters written to " + source + DeadLetterLane.SUFFIX)
                        .atMost(Duration.ofSeconds(30))
                        .untilAtomic(written, equalTo(LETTERS));
                assertThat(endOffsets(admin, source + DeadLetterLane.SUFFIX)).isEqualTo(LETTERS);
            }
        } finally {
            lane.stop();
        }
    }

    private static ChatEvent event(String topic, int i) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                topic,
                i % PARTITIONS,
                i / PARTITIONS,
                ("key-" + i).getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.CE_ID, ("burst-" + i).getBytes(StandardCharsets.UTF_8));
        return new ChatEvent(record);
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }
}
