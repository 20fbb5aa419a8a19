package io.quckchat.router.source;

import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TcpProxy;
import io.quckchat.router.support.TestBrokers;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Back-pressure: while a destination is away and events pile up, the router stops fetching once
 * {@code quckchat.kafka.max-in-flight} events are outstanding, instead of reading the whole
 * backlog into memory; it fetches again when the destination is back, and delivers everything.
 * (The router re-applies its partition pauses only when something changed: this test keeps that
 * honest for the back-pressure case.)
 */
class BackPressureIT {

    private static final int EVENTS = 3000;
    private static final int MAX_IN_FLIGHT = 50;
    /** Kafka's max.poll.records: the poll before the pause can still hand over that many. */
    private static final int ONE_POLL = 500;

    @Test
    void aDestinationAwayStopsFetchingAtTheInFlightLimit() throws Exception {
        withRabbitMqCut("--quckchat.kafka.max-in-flight=" + MAX_IN_FLIGHT, (ns, source, kafka) -> {
            kafka.streamMessages(ns.id(), EVENTS, 20, 500, Duration.ZERO).get();
            await("the in-flight limit reached")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> source.inFlight() >= MAX_IN_FLIGHT);
            // without the pause every event of the backlog would be read and held (3,000)
            await("fetching paused: the in-flight count stays bounded, the rest left in Kafka")
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> source.inFlight() <= MAX_IN_FLIGHT + ONE_POLL);
            return EVENTS;
        });
    }

    /**
     * The same bound in bytes: 2,000 events of 8 KB each (about 16 MB with their legs' payloads)
     * against {@code max-in-flight-bytes} of 1 MB and the default count of 5,000, which alone would
     * let the whole backlog in. Fetching pauses once about a megabyte is held: the count stays
     * within the pause plus one poll, and everything is delivered once RabbitMQ is back.
     */
    @Test
    void largeEventsStopFetchingAtTheBytesLimitLongBeforeTheCount() throws Exception {
        int events = 2000;
        String content = "x".repeat(8 * 1024);
        withRabbitMqCut("--quckchat.kafka.max-in-flight-bytes=1MB", (ns, source, kafka) -> {
            for (int i = 0; i < events; i++) {
                String key = "c-" + (i % 20);
                kafka.sendAsync(
                        "message.sent",
                        key,
                        "{\"messageId\":\"" + i + "\",\"conversationId\":\"" + key
                                + "\",\"senderId\":\"u1\",\"content\":\"" + content + "\"}",
                        ns.id() + "-big-" + i);
            }
            kafka.flush();
            await("the bytes limit reached")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> source.inFlightBytes() >= 1024 * 1024);
            // without the bytes limit all 2,000 would be read and held (the count limit is 5,000)
            await("fetching paused: the events held stay within the pause plus one poll")
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> source.inFlight() <= ONE_POLL + 200);
            return events;
        });
    }

    /** What a test does while RabbitMQ is cut off; returns how many events it sent. */
    private interface WhileAway {
        int run(Namespace ns, ChatEventSource source, KafkaProbe kafka) throws Exception;
    }

    /**
     * Starts a router with {@code setting} whose RabbitMQ goes through a proxy, cuts the proxy, runs
     * {@code whileAway}, restores the proxy and waits for every event's notification.
     */
    private static void withRabbitMqCut(String setting, WhileAway whileAway) throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers brokers = TestBrokers.get();
        brokers.startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        URI amqp = brokers.rabbitUri();
        try (TcpProxy rabbitProxy = new TcpProxy(amqp.getHost(), amqp.getPort());
                RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            ConfigurableApplicationContext router = RouterApp.start(
                    ns, "--RABBITMQ_URL=amqp://" + amqp.getUserInfo() + "@127.0.0.1:" + rabbitProxy.port(), setting);
            try {
                ChatEventSource source = router.getBean(ChatEventSource.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
                rabbit.listen("notifications");
                rabbitProxy.cut();

                int sent = whileAway.run(ns, source, kafka);

                rabbitProxy.restore();
                await("everything delivered once RabbitMQ is back")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> Deliveries.distinctIds(rabbit.messages("notifications"))
                                        .size()
                                == sent);
            } finally {
                router.close();
                rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }
}
