package io.quckchat.router.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Delivery;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Events produced while the router stops gracefully and starts again all arrive, each leg exactly
 * once: the stop drains what is in flight, commits it, and the ledger has every delivered leg.
 */
class RestartIT {

    private static final int EVENTS = 1000;

    @Test
    void nothingIsLostOrDoubledAcrossAGracefulRestartMidStream() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(ns);
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
            rabbit.listen("notifications", "analytics");
            String run = ns.id();
            List<String> ids =
                    IntStream.range(0, EVENTS).mapToObj(i -> run + "-" + i).collect(Collectors.toList());

            // Produce steadily in the background: some events before, during and after the restart.
            CompletableFuture<Void> producing = kafka.streamMessages(run, EVENTS, 20, 50, Duration.ofMillis(250));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> distinct(rabbit, "analytics").size() >= 200);
            router.close();
            int deliveredBeforeRestart = distinct(rabbit, "analytics").size();
            router = RouterApp.start(ns);

            producing.get(120, TimeUnit.SECONDS);
            await("all " + EVENTS + " events on both queues")
                    .atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> {
                        assertThat(distinct(rabbit, "notifications")).hasSize(EVENTS);
                        assertThat(distinct(rabbit, "analytics")).hasSize(EVENTS);
                    });
            Set<String> expected = ids.stream().map(id -> id + ".analytics").collect(Collectors.toSet());
            assertThat(distinct(rabbit, "analytics")).isEqualTo(expected);
            int duplicates = rabbit.messages("notifications").size()
                    + rabbit.messages("analytics").size()
                    - 2 * EVENTS;
            TestReport.line(
                    "RestartIT: %d events, %d delivered before the restart, 2 legs each, %d duplicate deliveries",
                    EVENTS, deliveredBeforeRestart, duplicates);
            assertThat(deliveredBeforeRestart)
                    .as("the restart happened mid-stream")
                    .isLessThan(EVENTS);
            assertThat(duplicates)
                    .as("a graceful restart delivers nothing twice")
                    .isZero();
        } finally {
            router.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    private static Set<String> distinct(RabbitMqProbe rabbit, String queue) {
        Set<String> ids = new HashSet<>();
        for (Delivery delivery : rabbit.messages(queue)) {
            ids.add(delivery.getProperties().getMessageId());
        }
        return ids;
    }
}
