package io.quckchat.router.rabbitmq;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.router.support.AmqpBroker;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestCertificates;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code amqps://} against a real AMQP 0-9-1 broker on a TLS-only port (Qpid Broker-J, a
 * certificate for {@code localhost} signed by a CA the test made): with that CA the fan-out
 * publishes over TLS and the router is ready; with another CA, a host name the certificate does not
 * name or a wrong password, it stays up and unready, and its health and log say why.
 */
class RabbitMqTlsIT {

    @Test
    void amqpsWithTheCaFromAFileVerifiesTheCertificateAndTheHostName() throws Exception {
        AmqpBroker broker = TestBrokers.get().tlsAmqpBroker();
        String ca = broker.authority().caFile().toString();
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(
                ns,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                "--RABBITMQ_URL=amqps://guest:guest@localhost:" + broker.tlsPort(),
                "--RABBITMQ_TLS_CA_FILE=" + ca);
        ConnectionFactory plain = new ConnectionFactory();
        plain.setUri("amqp://guest:guest@127.0.0.1:" + broker.port());
        try (KafkaProbe kafka = new KafkaProbe();
                Connection probe = plain.newConnection("rabbitmq-tls-it")) {
            Http http = Readiness.http(router);
            await("ready over TLS")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
            kafka.send(
                    "message.sent",
                    "c-1",
                    "{\"messageId\":\"m-1\",\"conversationId\":\"c-1\",\"senderId\":\"u1\",\"content\":\"hi\"}",
                    "evt-" + UUID.randomUUID());
            String queue = ns.queuePrefix() + ".notifications";
            await("the leg published over TLS").atMost(Duration.ofSeconds(30)).until(() -> messages(probe, queue) == 1);
        } finally {
            router.close();
            try (Connection cleanUp = plain.newConnection("rabbitmq-tls-it-clean-up")) {
                deleteNamespace(cleanUp, ns);
            }
        }

        assertRefused(
                "a CA that did not sign the broker's certificate",
                "unable to find valid certification path",
                "--RABBITMQ_URL=amqps://guest:guest@localhost:" + broker.tlsPort(),
                "--RABBITMQ_TLS_CA_FILE="
                        + TestCertificates.authority("stranger").caFile());
        assertRefused(
                "a wrong password",
                "reply-code=530, reply-text=Authentication failed", // Qpid's words; RabbitMQ says ACCESS_REFUSED
                "--RABBITMQ_URL=amqps://guest:not-the-password@localhost:" + broker.tlsPort(),
                "--RABBITMQ_TLS_CA_FILE=" + ca);
        assertRefused(
                "a host name the certificate does not name",
                "No subject alternative names matching IP address 127.0.0.1",
                "--RABBITMQ_URL=amqps://guest:guest@127.0.0.1:" + broker.tlsPort(),
                "--RABBITMQ_TLS_CA_FILE=" + ca);
    }

    private static void assertRefused(String what, String reason, String... settings) throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        Readiness.assertRefused("rabbit", what, reason, "not-the-password", ns, settings);
    }

    /** Messages ready in a queue; -1 while it does not exist yet. */
    private static long messages(Connection connection, String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException notYet) {
            return -1;
        }
    }

    private static void deleteNamespace(Connection connection, Namespace ns) throws Exception {
        for (String name : new String[] {"notifications", "analytics", "media-processing", "email", "sms"}) {
            try (Channel channel = connection.createChannel()) {
                channel.queueDelete(ns.queuePrefix() + "." + name);
            }
        }
        try (Channel channel = connection.createChannel()) {
            channel.exchangeDelete(ns.exchange());
        }
    }
}
