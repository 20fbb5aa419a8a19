package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Http;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TcpProxy;
import io.quckchat.router.support.TestBrokers;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Liveness stays up; readiness goes down while Kafka, RabbitMQ or Redis is unreachable and comes
 * back when it returns. A broker that is down at start-up leaves the router up and unready.
 */
class HealthIT {

    @Test
    void readinessFollowsRabbitMqAndRedisAndStartUpSurvivesThemBeingDown() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers brokers = TestBrokers.get();
        brokers.startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        URI amqp = brokers.rabbitUri();
        try (TcpProxy rabbit = new TcpProxy(amqp.getHost(), amqp.getPort());
                TcpProxy redis = new TcpProxy(brokers.redisHost(), brokers.redisPort())) {
            rabbit.cut();
            redis.cut();
            ConfigurableApplicationContext router = RouterApp.start(
                    ns,
                    "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                    "--RABBITMQ_URL=amqp://" + amqp.getUserInfo() + "@127.0.0.1:" + rabbit.port(),
                    "--REDIS_HOST=127.0.0.1",
                    "--REDIS_PORT=" + redis.port());
            try {
                Http http = http(router);
                assertThat(status(http, "/actuator/health/liveness")).isEqualTo(200);
                await("unready with RabbitMQ and Redis down at start-up")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> status(http, "/actuator/health/readiness") == 503);
                String health = http.get("/actuator/health", Http.admin()).body();
                assertThat(health)
                        .contains("\"rabbit\":{\"status\":\"DOWN\"")
                        .contains("\"redis\":{\"status\":\"DOWN\"");

                rabbit.restore();
                redis.restore();
                await("ready once they are back")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> status(http, "/actuator/health/readiness") == 200);

                redis.cut();
                await("unready while Redis is away")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> status(http, "/actuator/health/readiness") == 503);
                assertThat(status(http, "/actuator/health/liveness")).isEqualTo(200);
                redis.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> status(http, "/actuator/health/readiness") == 200);

                rabbit.cut();
                await("unready while RabbitMQ is away")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> status(http, "/actuator/health/readiness") == 503);
                rabbit.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> status(http, "/actuator/health/readiness") == 200);
            } finally {
                router.close();
            }
        }
    }

    /**
     * Kafka unreachable at start-up: the router's bootstrap address is a proxy that refuses
     * connections, then lets them through (after bootstrap, clients talk to the broker directly).
     */
    @Test
    void kafkaDownAtStartUpThenUp() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        String[] bootstrap = TestBrokers.get().kafkaBootstrap().split(",")[0].split(":");
        try (TcpProxy kafka = new TcpProxy(bootstrap[0], Integer.parseInt(bootstrap[1]))) {
            kafka.cut();
            ConfigurableApplicationContext router = RouterApp.start(
                    ns, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD, "--KAFKA_BROKERS=127.0.0.1:" + kafka.port());
            try {
                Http http = http(router);
                assertThat(status(http, "/actuator/health/liveness")).isEqualTo(200);
                await("unready without Kafka")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> status(http, "/actuator/health/readiness") == 503);
                assertThat(http.get("/actuator/health", Http.admin()).body())
                        .contains("\"kafka\":{\"status\":\"DOWN\"");
                kafka.restore();
                await("ready once Kafka is reachable")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> status(http, "/actuator/health/readiness") == 200);
            } finally {
                router.close();
            }
        }
    }

    private static Http http(ConfigurableApplicationContext router) {
        return new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
    }

    private static int status(Http http, String path) throws Exception {
        return http.get(path, null).statusCode();
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
