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

/** The router as a separate process, killed with SIGKILL mid-stream: nothing is lost. */
class CrashIT {

    private static final int EVENTS = 5000;
    private static final String[] QUEUES = {"notifications", "analytics"};

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
        try (RouterProcess first = new RouterProcess(ns, "a").start()) {
            listen();
            CompletableFuture<Void> producing = produce(EVENTS);
            await().atMost(Duration.ofSeconds(120)).until(() -> delivered("analytics") >= EVENTS / 5);
            first.kill();
            int beforeKill = delivered("analytics");
            try (RouterProcess second = new RouterProcess(ns, "b").start()) {
                producing.get(120, TimeUnit.SECONDS);
                awaitAll(Duration.ofSeconds(180));
                report("CrashIT kill -9", beforeKill);
                assertThat(beforeKill).as("killed mid-stream").isLessThan(EVENTS);
            }
        }
    }

    @Test
    void whenOneOfTwoReplicasDiesTheOtherTakesOver() throws Exception {
        String fastFailover = "--quckchat.kafka.session-timeout=6s";
        try (RouterProcess a = new RouterProcess(ns, "a", fastFailover).start();
                RouterProcess b = new RouterProcess(ns, "b", fastFailover).start()) {
            listen();
            CompletableFuture<Void> producing = produce(EVENTS);
            await().atMost(Duration.ofSeconds(120)).until(() -> delivered("analytics") >= EVENTS / 5);
            a.kill();
            int beforeKill = delivered("analytics");
            producing.get(120, TimeUnit.SECONDS);
            awaitAll(Duration.ofSeconds(180));
            assertThat(b.isAlive()).isTrue();
            report("CrashIT two replicas, one killed", beforeKill);
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
                        + " duplicate tasks=%d duplicate jobs=0 (job ids are unique) dead-letters=%d",
                test, EVENTS, EVENTS * (QUEUES.length + 1), beforeKill, duplicates, deadLetters);
        assertThat(deadLetters).isZero();
    }
}
