package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router as a separate process, killed with SIGKILL mid-stream: nothing is lost, and what is
 * delivered twice stays within the documented bound (docs/guarantees.md): the legs of the events
 * the killed replica held uncommitted, at most {@code max-in-flight} plus one poll. A replica
 * killed beside others in one group: {@link ReplicasIT}.
 */
class CrashIT {

    private static final int EVENTS = 5000;
    private static final String[] QUEUES = {"notifications", "analytics"};
    /** Events in flight per replica; lower than the default 5,000 so that the bound says something about 5,000 events. */
    private static final int MAX_IN_FLIGHT = 1000;
    /** Kafka's max.poll.records (the router keeps the default): back-pressure is checked once per poll. */
    private static final int MAX_POLL_RECORDS = 500;
    /** Duplicate RabbitMQ tasks a kill -9 may cause: every task of every event the killed replica held uncommitted. */
    private static final int DUPLICATE_BOUND = (MAX_IN_FLIGHT + MAX_POLL_RECORDS) * QUEUES.length;

    private static final String IN_FLIGHT = "--quckchat.kafka.max-in-flight=" + MAX_IN_FLIGHT;

    private Namespace ns;
    private RabbitMqProbe rabbit;
    private KafkaProbe kafka;
    private RedisProbe redis;

    @BeforeEach
    void setUp() throws Exception {
        ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        rabbit = new RabbitMqProbe(ns);
        kafka = new KafkaProbe();
        redis = new RedisProbe();
    }

    @AfterEach
    void tearDown() throws Exception {
        rabbit.cleanUp(QUEUES);
        rabbit.close();
        kafka.close();
        redis.close();
    }

    @Test
    void killDashNineMidStreamLosesNothing() throws Exception {
        try (RouterProcess first = new RouterProcess(ns, "a", IN_FLIGHT).start()) {
            listen();
            CompletableFuture<Void> producing = produce(EVENTS);
            await().atMost(Duration.ofSeconds(120)).until(() -> delivered("analytics") >= EVENTS / 5);
            first.kill();
            int beforeKill = delivered("analytics");
            try (RouterProcess second = new RouterProcess(ns, "b", IN_FLIGHT).start()) {
                producing.get(120, TimeUnit.SECONDS);
                awaitAll(Duration.ofSeconds(180));
                report("CrashIT kill -9", beforeKill);
                assertThat(beforeKill).as("killed mid-stream").isLessThan(EVENTS);
            }
        }
    }

    private void listen() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
        rabbit.listen(QUEUES);
    }

    private CompletableFuture<Void> produce(int events) {
        return kafka.streamMessages(ns.id(), events, 50, 250, Duration.ZERO);
    }

    private int delivered(String queue) {
        return Deliveries.distinctIds(rabbit.messages(queue)).size();
    }

    private void awaitAll(Duration timeout) {
        await("every leg of every event")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (String queue : QUEUES) {
                        assertThat(delivered(queue)).as(queue).isEqualTo(EVENTS);
                    }
                });
        for (String queue : QUEUES) {
            Set<String> expected = IntStream.range(0, EVENTS)
                    .mapToObj(i -> ns.id() + "-" + i + "." + queue)
                    .collect(Collectors.toSet());
            assertThat(Deliveries.distinctIds(rabbit.messages(queue))).isEqualTo(expected);
        }
    }

    private void report(String test, int beforeKill) {
        int duplicates = 0;
        for (String queue : QUEUES) {
            duplicates += Deliveries.duplicates(rabbit.messages(queue));
        }
        long deadLetters = KafkaProbe.readAll("message.sent.dlq").stream()
                .filter(r -> KafkaProbe.header(r, "quckchat.dlq.event-id").startsWith(ns.id()))
                .count();
        TestReport.line(
                "%s: events=%d legs=%d (2 RabbitMQ tasks + 1 BullMQ job each) delivered-before-kill=%d missing=0"
                        + " duplicate tasks=%d (bound %d) duplicate jobs=0 (job ids are unique) dead-letters=%d",
                test, EVENTS, EVENTS * (QUEUES.length + 1), beforeKill, duplicates, DUPLICATE_BOUND, deadLetters);
        assertThat(deadLetters).isZero();
        assertThat(duplicates)
                .as("duplicate tasks: at most the tasks of the events the killed replica held uncommitted")
                .isLessThanOrEqualTo(DUPLICATE_BOUND);
    }
}
