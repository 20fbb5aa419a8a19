package io.quckchat.router.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code RABBITMQ_PASSWORD_FILE}: a wrong password leaves the router up and unready with the
 * broker's refusal in its health; once the file holds the right one, the next connect uses it and
 * the router delivers, without a restart.
 */
class RabbitMqPasswordFileIT {

    @Test
    void aWrongPasswordInTheFileThenTheRightOneWithoutARestart() throws Exception {
        TestBrokers brokers = TestBrokers.get();
        URI rabbit = brokers.rabbitUri();
        String[] user = rabbit.getUserInfo().split(":", 2);
        Path secret = Files.writeString(Files.createTempFile("rabbitmq-password", ""), "not-the-password\n");
        Namespace ns = Namespace.random();
        brokers.startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(
                ns,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                // the URL without a password: it comes from the file
                "--RABBITMQ_URL=amqp://" + user[0] + "@" + rabbit.getHost() + ":" + rabbit.getPort(),
                "--RABBITMQ_PASSWORD_FILE=" + secret);
        try (KafkaProbe kafka = new KafkaProbe();
                RabbitMqProbe probe = new RabbitMqProbe(ns)) {
            Http http = Readiness.http(router);
            await("unready with a wrong RabbitMQ password")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 503);
            assertThat(http.get("/actuator/health", Http.admin()).body())
                    .contains("\"rabbit\":{\"status\":\"DOWN\"")
                    .contains("\"error\":\"rabbit: ")
                    .doesNotContain("not-the-password");

            Files.writeString(secret, user[1] + "\n");
            await("ready once the file holds the right password")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
            String ceId = "evt-" + UUID.randomUUID();
            kafka.send(
                    "message.sent",
                    "c-1",
                    "{\"messageId\":\"m-1\",\"conversationId\":\"c-1\",\"senderId\":\"u1\",\"content\":\"hi\"}",
                    ceId);
            // the topology could not be declared at start-up: the first publish declares it
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.queueExists("notifications"));
            probe.listen("notifications");
            await("delivered with the password from the file")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> probe.messages("notifications").stream()
                            .anyMatch(d -> ceId.equals(String.valueOf(
                                    d.getProperties().getHeaders().get("ce_id")))));
            probe.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } finally {
            router.close();
        }
    }
}
