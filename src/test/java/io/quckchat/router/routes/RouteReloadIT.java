package io.quckchat.router.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** In the dev run, a saved route file reloads that route; a broken file is reported and changes nothing. */
@ExtendWith(OutputCaptureExtension.class)
class RouteReloadIT {

    @Test
    void savingARouteReloadsItAndABrokenFileLeavesTheRunningRoutesAlone(@TempDir Path routes, CapturedOutput output)
            throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router =
                RouterApp.start(ns, "--spring.profiles.active=dev", "--QUCKCHAT_ROUTES_DIR=" + routes);
        CamelContext camel = router.getBean(CamelContext.class);
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
            rabbit.listen("notifications", "analytics");

            // user.online goes to analytics only; the edit adds notifications.
            String newEdge = "user-online|rabbitmq|notifications";
            assertThat(edges(camel)).contains("user-online|rabbitmq|analytics").doesNotContain(newEdge);
            Path file = routes.resolve("user-online.camel.yaml");
            Files.writeString(file, Files.readString(file) + """
                            - to:
                                uri: rabbitmq-sink:notifications
                    """);
            await("reloaded user-online with a notifications leg")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreException(org.awaitility.core.ConditionTimeoutException.class)
                    .untilAsserted(() -> {
                        String id = "presence-" + UUID.randomUUID();
                        kafka.send("user.online", "u-1", "{\"userId\":\"u-1\",\"online\":true}", id);
                        await().atMost(Duration.ofSeconds(5))
                                .until(() -> has(rabbit, "notifications", id + ".notifications"));
                    });

            assertThat(edges(camel))
                    .as("the console's flow map follows the reload")
                    .contains(newEdge);

            // A broken save is reported; the running route keeps its last good version.
            Files.writeString(file, "- route:\n    id: [user-online\n");
            await("broken file reported")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> output.getAll().contains("user-online.camel.yaml"));
            assertThat(camel.getRouteController().getRouteStatus("user-online")).isEqualTo(ServiceStatus.Started);
            assertThat(camel.getRouteController().getRouteStatus("message-sent"))
                    .isEqualTo(ServiceStatus.Started);
            String after = "presence-" + UUID.randomUUID();
            kafka.send("user.online", "u-1", "{\"userId\":\"u-1\",\"online\":false}", after);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> has(rabbit, "notifications", after + ".notifications")
                            && has(rabbit, "analytics", after + ".analytics"));
        } finally {
            router.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    /** The edges of the console's flow map of the routes loaded now. */
    private static java.util.List<String> edges(CamelContext camel) {
        return io.quckchat.router.dashboard.FlowMap.of(camel).edges().stream()
                .map(io.quckchat.router.dashboard.FlowMap.Edge::key)
                .toList();
    }

    private static boolean has(RabbitMqProbe rabbit, String queue, String messageId) {
        return rabbit.messages(queue).stream()
                .anyMatch(d -> messageId.equals(d.getProperties().getMessageId()));
    }
}
