package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.delivery.Lane;
import io.quckchat.router.jobs.BullMqLane;
import io.quckchat.router.rabbitmq.RabbitMqLane;
import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TcpProxy;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;

/**
 * A destination goes away for 30 s in the middle of a stream of message.sent events (each: two
 * RabbitMQ tasks and one BullMQ job). The router's connections to it are cut and new ones refused
 * (a TCP proxy between router and broker; the broker keeps its data). Nothing is lost, nothing is
 * dead-lettered, the other destination keeps receiving during the outage, and the router catches
 * up by itself — in order per conversation.
 */
class OutageIT {

    private static final int EVENTS = 2000;
    private static final int KEYS = 20;
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    private Namespace ns;
    private TcpProxy rabbitProxy;
    private TcpProxy redisProxy;
    private ConfigurableApplicationContext router;
    private RabbitMqProbe rabbit;
    private KafkaProbe kafka;
    private StringRedisTemplate redis;

    @BeforeEach
    void start() throws Exception {
        ns = Namespace.random();
        TestBrokers brokers = TestBrokers.get();
        brokers.startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        URI amqp = brokers.rabbitUri();
        rabbitProxy = new TcpProxy(amqp.getHost(), amqp.getPort());
        redisProxy = new TcpProxy(brokers.redisHost(), brokers.redisPort());
        router = RouterApp.start(
                ns,
                "--RABBITMQ_URL=amqp://" + amqp.getUserInfo() + "@127.0.0.1:" + rabbitProxy.port(),
                "--REDIS_HOST=127.0.0.1",
                "--REDIS_PORT=" + redisProxy.port());
        redis = router.getBean(StringRedisTemplate.class);
        rabbit = new RabbitMqProbe(ns);
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
        rabbit.listen("notifications", "analytics");
        kafka = new KafkaProbe();
    }

    @AfterEach
    void stop() throws Exception {
        rabbitProxy.restore();
        redisProxy.restore();
        router.close();
        rabbitProxy.close();
        redisProxy.close();
        rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        rabbit.close();
        kafka.close();
    }

    @Test
    void rabbitMqAwayForThirtySecondsWhileJobsKeepFlowing() throws Exception {
        outage("RabbitMQ", rabbitProxy, router.getBean(RabbitMqLane.class), this::jobs);
    }

    @Test
    void redisAwayForThirtySecondsWhileTasksKeepFlowing() throws Exception {
        // Jobs are counted through the router's own Redis connection, which the outage cuts:
        // during it, progress is read from RabbitMQ only.
        outage("Redis", redisProxy, router.getBean(BullMqLane.class), () -> delivered("analytics"));
    }

    private void outage(String name, TcpProxy proxy, Lane lane, java.util.function.IntSupplier other) throws Exception {
        CompletableFuture<Void> producing = produce();
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered("analytics") >= 300);

        proxy.cut();
        Instant cut = Instant.now();
        await().atMost(Duration.ofSeconds(15)).until(() -> !lane.isAvailable());
        int otherAtStart = other.getAsInt();
        await("the other destination keeps receiving during the " + name + " outage")
                .atMost(Duration.ofSeconds(20))
                .until(() -> other.getAsInt() >= otherAtStart + 200);
        int otherDuring = other.getAsInt() - otherAtStart;
        // Hold the outage for its full length; all along the router must see the destination away.
        Duration left = OUTAGE.minus(Duration.between(cut, Instant.now()));
        if (!left.isNegative()) {
            await().during(left).atMost(left.plusSeconds(5)).until(() -> !lane.isAvailable());
        }
        proxy.restore();

        producing.get(120, TimeUnit.SECONDS);
        await("caught up after the " + name + " outage")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(delivered("notifications")).isEqualTo(EVENTS);
                    assertThat(delivered("analytics")).isEqualTo(EVENTS);
                    assertThat(jobs()).isEqualTo(EVENTS);
                });
        assertThat(lane.isAvailable()).isTrue();
        int outOfOrder = jobsOutOfOrder();
        long deadLetters = KafkaProbe.readAll("message.sent.dlq").stream()
                .filter(r -> KafkaProbe.header(r, "quckchat.dlq.event-id").startsWith(ns.id()))
                .count();
        int duplicates = Deliveries.duplicates(rabbit.messages("notifications"))
                + Deliveries.duplicates(rabbit.messages("analytics"));
        TestReport.line(
                "OutageIT %s away %ds: events=%d legs=%d missing=0 duplicates=%d dead-letters=%d"
                        + " other destination during outage=+%d jobs out of order=%d",
                name, OUTAGE.toSeconds(), EVENTS, 3 * EVENTS, duplicates, deadLetters, otherDuring, outOfOrder);
        assertThat(deadLetters).isZero();
        assertThat(outOfOrder).isZero();
    }

    /** About 45 s of events over 20 conversations, so the outage falls in the middle. */
    private CompletableFuture<Void> produce() {
        return kafka.streamMessages(ns.id(), EVENTS, KEYS, 50, Duration.ofMillis(1100));
    }

    private int delivered(String queue) {
        return Deliveries.distinctIds(rabbit.messages(queue)).size();
    }

    private String pushKey(String suffix) {
        return ns.bullPrefix() + ":push:" + suffix;
    }

    private int jobs() {
        Long count = redis.opsForZSet().zCard(pushKey("prioritized"));
        return count == null ? 0 : count.intValue();
    }

    /** Push jobs are prioritized (10); within one priority BullMQ runs them in add order (score). */
    private int jobsOutOfOrder() {
        Set<ZSetOperations.TypedTuple<String>> byScore =
                redis.opsForZSet().rangeWithScores(pushKey("prioritized"), 0, -1);
        return Deliveries.outOfOrder(
                byScore.stream().map(ZSetOperations.TypedTuple::getValue).toList(), ns.id(), KEYS);
    }
}
