package io.quckchat.router.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A route step that blocks the poll thread (here a synchronous 15 s delay on user.online) stops
 * the consumer from polling: past {@code quckchat.kafka.max-poll-interval} Kafka hands its
 * partitions away, and readiness must say so instead of staying UP. Once the step returns, the
 * consumer polls again and the router is ready again.
 */
class PollStallIT {

    @Test
    void aBlockedPollThreadMakesTheRouterUnreadyUntilItPollsAgain(@TempDir Path routes) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(routes.resolve("user-online.camel.yaml"), """
                - route:
                    id: user-online
                    routeConfigurationId: fanout
                    from:
                      uri: chat-events:user.online
                      steps:
                        - delay:
                            asyncDelayed: false
                            expression:
                              constant: "15000"
                        - to:
                            uri: rabbitmq-sink:analytics
                """);
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(
                ns,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                "--QUCKCHAT_ROUTES_DIR=" + routes,
                "--quckchat.kafka.max-poll-interval=3s");
        try (KafkaProbe kafka = new KafkaProbe()) {
            Http http = Readiness.http(router);
            await("ready")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);

            kafka.send("user.online", "u-1", "{\"userId\":\"u-1\",\"online\":true}", "stall-" + UUID.randomUUID());
            await("unready while the poll thread is blocked")
                    .atMost(Duration.ofSeconds(12))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 503);
            assertThat(http.get("/actuator/health", Http.admin()).body())
                    .contains("\"kafka\":{\"status\":\"DOWN\"")
                    .contains("kafka: the fan-out consumer has not polled for longer than"
                            + " quckchat.kafka.max-poll-interval (PT3S): a route step is blocking its thread");
            assertThat(Readiness.status(http, "/actuator/health/liveness")).isEqualTo(200);

            await("ready again once it polls")
                    .atMost(Duration.ofSeconds(40))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
        } finally {
            router.close();
        }
    }

    /**
     * An error that escapes the poll loop ends it: the router consumes nothing more, so readiness
     * and liveness are DOWN (Kubernetes restarts it) and the health names the error. Before, the
     * loop's end left its state STOPPED, which readiness took as "nothing to consume": UP.
     */
    @Test
    void aPollLoopEndedByAnErrorMakesTheRouterUnreadyAndNotLive() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(ns, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
        try {
            Http http = Readiness.http(router);
            Readiness.awaitReady(http, "ready", Duration.ofSeconds(30));
            assertThat(Readiness.status(http, "/actuator/health/liveness")).isEqualTo(200);

            router.getBean(ChatEventSource.class).onPollThread(() -> {
                throw new AssertionError("injected: the poll loop breaks");
            });
            await("unready and not live once the loop has ended")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 503
                            && Readiness.status(http, "/actuator/health/liveness") == 503);
            assertThat(http.get("/actuator/health", Http.admin()).body())
                    .contains("\"kafka\":{\"status\":\"DOWN\"")
                    .contains("kafka: the fan-out poll loop has ended"
                            + " (java.lang.AssertionError: injected: the poll loop breaks); restart the router")
                    .contains("\"fanout\":{\"status\":\"DOWN\"");
        } finally {
            router.close();
        }
    }
}
