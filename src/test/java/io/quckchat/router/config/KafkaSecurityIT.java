package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Delivery;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.SecuredKafka;
import io.quckchat.router.support.TestCertificates;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The router against Kafka brokers secured as production ones are, each a real KRaft broker in this
 * JVM: SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 over plain TCP, SASL over TLS with the CA from a
 * file, and mutual TLS. For each, an event posted to the router's HTTP ingress (the producer) comes
 * back through the fan-out consumer to RabbitMQ. A wrong password or a missing client certificate
 * leaves the router up and unready, and its health says why; a wrong password in the password file,
 * once corrected, is used at the next connection without a restart.
 */
class KafkaSecurityIT {

    private static final String TOKEN = "kafka-security-token-0123";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void saslPlainAndScramOverPlainTcpForTheIngressAndTheFanOut() throws Exception {
        try (SecuredKafka kafka =
                SecuredKafka.start(SecuredKafka.Mode.SASL_PLAINTEXT, Map.of("router-plain", "plain-secret-0123"))) {
            kafka.addScramUser("router-scram", "scram-secret-0123");
            Path passwordFile = Files.writeString(Files.createTempFile("kafka-password", ""), "scram-secret-0123\n");

            roundTrip(
                    kafka,
                    "PLAIN",
                    sasl("SASL_PLAINTEXT", "plain", "router-plain", "--KAFKA_SASL_PASSWORD=plain-secret-0123"));
            roundTrip(
                    kafka,
                    "SCRAM-SHA-256",
                    sasl("SASL_PLAINTEXT", "scram-sha-256", "router-scram", "--KAFKA_SASL_PASSWORD=scram-secret-0123"));
            roundTrip(
                    kafka,
                    "SCRAM-SHA-512 with the password from a file",
                    sasl(
                            "SASL_PLAINTEXT",
                            "scram-sha-512",
                            "router-scram",
                            "--KAFKA_SASL_PASSWORD_FILE=" + passwordFile));

            refused(
                    kafka,
                    "a wrong SCRAM password",
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                            + " SCRAM-SHA-256",
                    sasl("SASL_PLAINTEXT", "scram-sha-256", "router-scram", "--KAFKA_SASL_PASSWORD=not-the-password"));
        }
    }

    /**
     * Issue 20 (6): a wrong password in {@code KAFKA_SASL_PASSWORD_FILE} leaves the router up and
     * unready, its health naming Kafka's refusal and no password; once the file holds the right one
     * the clients' next connection reads it, and without a restart the fan-out consumer delivers an
     * event produced to Kafka and the ingress producer takes a post. SCRAM (Kafka's SASL client) and
     * PLAIN (the JDK's) ask the same handler for the password.
     */
    @Test
    void aWrongPasswordInTheFileThenTheRightOneWithoutARestart() throws Exception {
        try (SecuredKafka kafka =
                SecuredKafka.start(SecuredKafka.Mode.SASL_PLAINTEXT, Map.of("router-plain", "plain-secret-0123"))) {
            kafka.addScramUser("router-scram", "scram-secret-0123");
            passwordFileFixed(
                    kafka,
                    "scram-sha-256",
                    "router-scram",
                    "scram-secret-0123",
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                            + " SCRAM-SHA-256");
            passwordFileFixed(
                    kafka,
                    "plain",
                    "router-plain",
                    "plain-secret-0123",
                    "Authentication failed: Invalid username or password");
        }
    }

    @Test
    void saslOverTlsWithTheCaFromAFile() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start(SecuredKafka.Mode.SASL_SSL, Map.of())) {
            kafka.addScramUser("router-scram", "scram-secret-0123");
            List<String> settings = new ArrayList<>(
                    sasl("SASL_SSL", "scram-sha-512", "router-scram", "--KAFKA_SASL_PASSWORD=scram-secret-0123"));
            settings.add("--KAFKA_TLS_CA_FILE=" + kafka.authority().caFile());
            roundTrip(kafka, "SCRAM-SHA-512 over TLS", settings);
        }
    }

    @Test
    void mutualTlsWithAClientCertificate() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start(SecuredKafka.Mode.MUTUAL_TLS, Map.of())) {
            TestCertificates.Server client = kafka.authority().server("router-client", "quckchat-router");
            roundTrip(
                    kafka,
                    "mutual TLS",
                    List.of(
                            "--KAFKA_SECURITY_PROTOCOL=SSL",
                            "--KAFKA_TLS_CA_FILE=" + kafka.authority().caFile(),
                            "--KAFKA_TLS_CERT_FILE=" + client.certificate(),
                            "--KAFKA_TLS_KEY_FILE=" + client.key()));
            refused(
                    kafka,
                    "no client certificate",
                    "Received fatal alert: bad_certificate",
                    List.of(
                            "--KAFKA_SECURITY_PROTOCOL=SSL",
                            "--KAFKA_TLS_CA_FILE=" + kafka.authority().caFile()));
        }
    }

    private static List<String> sasl(String protocol, String mechanism, String user, String password) {
        return List.of(
                "--KAFKA_SECURITY_PROTOCOL=" + protocol,
                "--KAFKA_SASL_MECHANISM=" + mechanism,
                "--KAFKA_SASL_USERNAME=" + user,
                password);
    }

    /** A router on this broker takes a post (producer) and delivers it to RabbitMQ (consumer). */
    private static void roundTrip(SecuredKafka kafka, String what, List<String> settings) throws Exception {
        Namespace ns = Namespace.random();
        ConfigurableApplicationContext router = RouterApp.start(ns, args(kafka, settings));
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
            Http http = Readiness.http(router);
            await(what + ": ready")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
            rabbit.listen("notifications");
            HttpResponse<String> posted = http.post(
                    "/api/v1/events/message.sent",
                    "application/json",
                    "{\"messageId\":\"m-1\",\"conversationId\":\"c-1\",\"senderId\":\"u-1\",\"content\":\"hi\"}",
                    "Bearer " + TOKEN);
            assertThat(posted.statusCode()).as(what + ": " + posted.body()).isEqualTo(202);
            String eventId = JSON.readTree(posted.body()).path("eventId").asText();
            await(what + ": the posted event fanned out to RabbitMQ")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> rabbit.messages("notifications").stream()
                            .anyMatch(delivery -> eventId.equals(ceId(delivery))));
            rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } finally {
            router.close();
        }
    }

    /** A router whose password file is wrong at start-up, then right: it recovers without a restart. */
    private static void passwordFileFixed(
            SecuredKafka kafka, String mechanism, String user, String password, String refusal) throws Exception {
        Path file = Files.writeString(Files.createTempFile("kafka-password", ""), "not-the-password\n");
        List<String> settings =
                new ArrayList<>(sasl("SASL_PLAINTEXT", mechanism, user, "--KAFKA_SASL_PASSWORD_FILE=" + file));
        settings.add("--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
        Namespace ns = Namespace.random();
        ConfigurableApplicationContext router = RouterApp.start(ns, args(kafka, settings));
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProducer<String, String> backend =
                        new KafkaProducer<>(kafka.adminClient(), new StringSerializer(), new StringSerializer())) {
            Http http = Readiness.http(router);
            await(mechanism + ": unready, Kafka's refusal in the health")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 503
                            && http.get("/actuator/health", Http.admin()).body().contains(refusal));
            assertThat(Readiness.status(http, "/actuator/health/liveness"))
                    .as(mechanism + ": up")
                    .isEqualTo(200);
            assertThat(http.get("/actuator/health", Http.admin()).body())
                    .as(mechanism + ": the health names the broker and the reason, and no password")
                    .contains("\"kafka\":{\"status\":\"DOWN\"")
                    .contains("\"error\":\"kafka: " + refusal)
                    .doesNotContain("not-the-password")
                    .doesNotContain(password);

            Files.writeString(file, password + "\n");
            await(mechanism + ": ready once the file holds the right password, without a restart")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
            rabbit.listen("notifications");

            String produced = "evt-" + UUID.randomUUID();
            ProducerRecord<String, String> record = new ProducerRecord<>(
                    "message.sent",
                    "c-1",
                    "{\"messageId\":\"m-1\",\"conversationId\":\"c-1\",\"senderId\":\"u-1\",\"content\":\"hi\"}");
            record.headers().add("ce_id", produced.getBytes(StandardCharsets.UTF_8));
            backend.send(record).get(30, TimeUnit.SECONDS);
            await(mechanism + ": an event produced to Kafka fanned out (the consumer)")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> rabbit.messages("notifications").stream()
                            .anyMatch(delivery -> produced.equals(ceId(delivery))));

            HttpResponse<String> posted = http.post(
                    "/api/v1/events/message.sent",
                    "application/json",
                    "{\"messageId\":\"m-2\",\"conversationId\":\"c-1\",\"senderId\":\"u-1\",\"content\":\"hi\"}",
                    "Bearer " + TOKEN);
            assertThat(posted.statusCode())
                    .as(mechanism + ": the ingress producer: " + posted.body())
                    .isEqualTo(202);
            String postedId = JSON.readTree(posted.body()).path("eventId").asText();
            await(mechanism + ": the posted event fanned out")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> rabbit.messages("notifications").stream()
                            .anyMatch(delivery -> postedId.equals(ceId(delivery))));
            rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        } finally {
            router.close();
        }
    }

    private static void refused(SecuredKafka kafka, String what, String reason, List<String> settings)
            throws Exception {
        Namespace ns = Namespace.random();
        try {
            Readiness.assertRefused("kafka", what, reason, "not-the-password", ns, args(kafka, settings));
        } finally {
            try (RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
                rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    private static String[] args(SecuredKafka kafka, List<String> settings) {
        List<String> args = new ArrayList<>(List.of(
                "--KAFKA_BROKERS=" + kafka.bootstrap(),
                "--quckchat.ingress.tokens[0].name=kafka-security-it",
                "--quckchat.ingress.tokens[0].token=" + TOKEN,
                "--quckchat.ingress.tokens[0].topics=message.sent"));
        args.addAll(settings);
        return args.toArray(String[]::new);
    }

    private static String ceId(Delivery delivery) {
        Object id = delivery.getProperties().getHeaders().get("ce_id");
        return id == null ? null : id.toString();
    }
}
