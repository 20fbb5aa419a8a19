package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Delivery;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Per-key order holds on every destination through transient failures: the router's RabbitMQ
 * connection is cut three times while 2,000 events over 20 conversations stream through.
 */
class OrderingIT {

    private static final int EVENTS = 2000;
    private static final int KEYS = 20;

    @Test
    void perKeyOrderSurvivesConnectionLoss() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers brokers = TestBrokers.get();
        brokers.startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        URI rabbit = brokers.rabbitUri();
        try (TcpProxy proxy = new TcpProxy(rabbit.getHost(), rabbit.getPort());
                RabbitMqProbe probe = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            String viaProxy = "amqp://" + rabbit.getUserInfo() + "@127.0.0.1:" + proxy.port();
            ConfigurableApplicationContext router = RouterApp.start(ns, "--RABBITMQ_URL=" + viaProxy);
            RabbitMqLane lane = router.getBean(RabbitMqLane.class);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> probe.queueExists("notifications"));
                probe.listen("notifications", "analytics");
                CompletableFuture<Void> producing = kafka.streamMessages(ns.id(), EVENTS, KEYS, 100, Duration.ZERO);
                int cuts = 0;
                for (int threshold : new int[] {300, 800, 1400}) {
                    await().atMost(Duration.ofSeconds(120))
                            .until(() -> Deliveries.distinctIds(probe.messages("analytics"))
                                            .size()
                                    >= threshold);
                    proxy.cut();
                    cuts++;
                    // the router notices the lost connection, then RabbitMQ comes back
                    await().atMost(Duration.ofSeconds(30)).until(() -> !lane.isAvailable());
                    proxy.restore();
                }
                producing.get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                    assertThat(Deliveries.distinctIds(probe.messages("notifications")))
                            .hasSize(EVENTS);
                    assertThat(Deliveries.distinctIds(probe.messages("analytics")))
                            .hasSize(EVENTS);
                });
                int outOfOrder = 0;
                for (String queue : List.of("notifications", "analytics")) {
                    outOfOrder += outOfOrder(probe.messages(queue), ns);
                }
                long deadLetters = KafkaProbe.readAll("message.sent.dlq").stream()
                        .filter(r ->
                                KafkaProbe.header(r, "quckchat.dlq.event-id").startsWith(ns.id()))
                        .count();
                int duplicates = Deliveries.duplicates(probe.messages("notifications"))
                        + Deliveries.duplicates(probe.messages("analytics"));
                TestReport.line(
                        "OrderingIT: events=%d keys=%d connection cuts=%d legs=%d missing=0 duplicates=%d"
                                + " out-of-order=%d dead-letters=%d",
                        EVENTS, KEYS, cuts, 2 * EVENTS, duplicates, outOfOrder, deadLetters);
                assertThat(outOfOrder).isZero();
                assertThat(deadLetters).isZero();
            } finally {
                router.close();
                probe.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    /** Per key, the first arrival of each event must come in production order. */
    private static int outOfOrder(List<Delivery> deliveries, Namespace ns) {
        return Deliveries.outOfOrder(
                deliveries.stream().map(d -> d.getProperties().getMessageId()).toList(), ns.id(), KEYS);
    }
}
