package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RedisProcess;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;

/**
 * The router against Redis servers configured as production ones are: an ACL user whose password
 * is in a secret file (wrong at first, then fixed, then rotated while the router runs), and a
 * TLS-only server with a certificate of a CA the test made. Real {@code redis-server} processes; a
 * {@code message.sent} event has to come out as a BullMQ job and a ledger entry on that server, so
 * every Redis user of the router is on the same settings. A wrong password, CA or host name leaves
 * the router up and unready, and its health says why.
 */
class RedisConnectionIT {

    private static final String ROUTER_PASSWORD = "first-password-0123";
    private static final String ROTATED_PASSWORD = "second-password-0123";
    private static final String PROBE_PASSWORD = "probe-password-0123";

    @Test
    void anAclUserWithItsPasswordInAFileWrongThenFixedThenRotated() throws Exception {
        int port = TestBrokers.freePort();
        Path secret = Files.createTempFile("redis-password", "");
        Files.writeString(secret, "not-the-password-0123\n");
        try (RedisProcess redis = new RedisProcess(
                        port,
                        List.of(
                                // redis-server joins the words after an option into its config line
                                "--user",
                                "default",
                                "off",
                                "--user",
                                "router",
                                "on",
                                ">" + ROUTER_PASSWORD,
                                "~*",
                                "&*",
                                "+@all",
                                "--user",
                                "probe",
                                "on",
                                ">" + PROBE_PASSWORD,
                                "~*",
                                "&*",
                                "+@all"));
                RedisProbe probe = new RedisProbe(server("127.0.0.1", port, "probe", PROBE_PASSWORD), plain())) {
            redis.start();
            Namespace ns = Namespace.random();
            TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
            // the admin password from a secret file too: the health details below need it
            Path adminSecret =
                    Files.writeString(Files.createTempFile("admin-password", ""), Http.ADMIN_PASSWORD + "\n");
            ConfigurableApplicationContext router = RouterApp.start(
                    ns,
                    "--ADMIN_PASSWORD_FILE=" + adminSecret,
                    "--REDIS_HOST=127.0.0.1",
                    "--REDIS_PORT=" + port,
                    "--REDIS_USERNAME=router",
                    "--REDIS_PASSWORD_FILE=" + secret);
            try (KafkaProbe kafka = new KafkaProbe()) {
                Http http = Readiness.http(router);
                assertThat(Readiness.status(http, "/actuator/health/liveness")).isEqualTo(200);
                await("unready with a wrong Redis password")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 503);
                assertThat(http.get("/actuator/health", Http.admin()).body())
                        .contains("\"redis\":{\"status\":\"DOWN\"")
                        .contains("redis: WRONGPASS")
                        .doesNotContain("not-the-password");

                Files.writeString(secret, ROUTER_PASSWORD + "\n");
                await("ready once the secret file holds the right password, without a restart")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
                deliverPushJob(ns, kafka, probe, 1);
                for (String path : List.of("/actuator/env", "/actuator/configprops")) {
                    assertThat(http.get(path, Http.admin()).statusCode())
                            .as(path + " is not served, so no setting (and no secret) can be read there")
                            .isEqualTo(404);
                }

                // rotation as a secrets manager does it: the new password first, then the file,
                // then the old password goes and the router's connections are dropped
                admin(probe, "ACL", "SETUSER", "router", ">" + ROTATED_PASSWORD);
                Files.writeString(secret, ROTATED_PASSWORD + "\n");
                admin(probe, "ACL", "SETUSER", "router", "<" + ROUTER_PASSWORD);
                long killed = admin(probe, "CLIENT", "KILL", "USER", "router");
                assertThat(killed).as("the router's connections were dropped").isPositive();
                deliverPushJob(ns, kafka, probe, 2);
                assertThat(Readiness.status(http, "/actuator/health/readiness")).isEqualTo(200);
            } finally {
                router.close();
                cleanUp(ns);
            }
        }
    }

    @Test
    void tlsWithTheCaFromAFileAndTheServerNameVerified() throws Exception {
        TestCertificates authority = TestCertificates.authority("redis");
        TestCertificates.Server certificate = authority.server("redis", "localhost");
        TestCertificates stranger = TestCertificates.authority("stranger");
        int port = TestBrokers.freePort();
        String password = "tls-password-0123";
        try (RedisProcess redis =
                        RedisProcess.tls(port, certificate, authority.caFile(), List.of("--requirepass", password));
                RedisProbe probe = new RedisProbe(server("localhost", port, null, password), tls(authority.caFile()))) {
            redis.start();
            Namespace ns = Namespace.random();
            TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
            String url = "rediss://:" + password + "@localhost:" + port + "/0";
            ConfigurableApplicationContext router = RouterApp.start(
                    ns,
                    "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                    "--REDIS_URL=" + url,
                    "--REDIS_TLS_CA_FILE=" + authority.caFile());
            try (KafkaProbe kafka = new KafkaProbe()) {
                Http http = Readiness.http(router);
                await("ready over TLS")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
                deliverPushJob(ns, kafka, probe, 1);
            } finally {
                router.close();
                cleanUp(ns);
            }

            assertRefused(
                    "a CA that did not sign the server's certificate",
                    "unable to find valid certification path",
                    "--REDIS_URL=" + url,
                    "--REDIS_TLS_CA_FILE=" + stranger.caFile());
            assertRefused(
                    "a host name the certificate does not name",
                    "No subject alternative names matching IP address 127.0.0.1",
                    "--REDIS_URL=rediss://:" + password + "@127.0.0.1:" + port,
                    "--REDIS_TLS_CA_FILE=" + authority.caFile());
        }
    }

    private static void assertRefused(String what, String reason, String... settings) throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        try {
            Readiness.assertRefused("redis", what, reason, "tls-password", ns, settings);
        } finally {
            cleanUp(ns);
        }
    }

    /** A message.sent event becomes a BullMQ push job and a ledger entry on the server under test. */
    private static void deliverPushJob(Namespace ns, KafkaProbe kafka, RedisProbe probe, int jobs) {
        String ceId = "evt-" + UUID.randomUUID();
        kafka.send(
                "message.sent",
                "c-1",
                "{\"messageId\":\"m-" + jobs + "\",\"conversationId\":\"c-1\",\"senderId\":\"u1\",\"content\":\"hi\"}",
                ceId);
        await("push job " + jobs + " on the secured Redis")
                .atMost(Duration.ofSeconds(30))
                .until(() -> probe.prioritized(ns, "push") == jobs);
        assertThat(probe.redis().keys(ns.ledgerPrefix() + "*"))
                .as("the ledger writes to the same Redis")
                .isNotEmpty();
    }

    /** A server command as the probe user: OK answers as 0, numbers as themselves. */
    private static long admin(RedisProbe probe, String command, String... args) {
        return probe.redis()
                .execute(
                        (org.springframework.data.redis.core.RedisCallback<Long>) connection -> {
                            var codec = io.lettuce.core.codec.ByteArrayCodec.INSTANCE;
                            var commandArgs = new io.lettuce.core.protocol.CommandArgs<>(codec);
                            for (String arg : args) {
                                commandArgs.add(arg);
                            }
                            @SuppressWarnings("unchecked")
                            var redis = (io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]>)
                                    connection.getNativeConnection();
                            try {
                                Object answer = redis.dispatch(
                                                io.lettuce.core.protocol.CommandType.valueOf(command),
                                                new io.lettuce.core.output.NestedMultiOutput<>(codec),
                                                commandArgs)
                                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
                                Object first = answer instanceof List<?> list && !list.isEmpty() ? list.get(0) : answer;
                                return first instanceof Number number ? number.longValue() : 0L;
                            } catch (Exception e) {
                                throw new IllegalStateException(command + " " + String.join(" ", args) + " failed", e);
                            }
                        },
                        true);
    }

    private static RedisStandaloneConfiguration server(String host, int port, String user, String password) {
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(host, port);
        server.setUsername(user);
        server.setPassword(password);
        return server;
    }

    private static LettuceClientConfiguration plain() {
        return LettuceClientConfiguration.defaultConfiguration();
    }

    private static LettuceClientConfiguration tls(Path ca) {
        return LettuceClientConfiguration.builder()
                .useSsl()
                .and()
                .clientOptions(ClientOptions.builder()
                        .sslOptions(SslOptions.builder()
                                .jdkSslProvider()
                                .trustManager(ca.toFile())
                                .build())
                        .build())
                .build();
    }

    private static void cleanUp(Namespace ns) throws Exception {
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
            rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
        }
    }
}
