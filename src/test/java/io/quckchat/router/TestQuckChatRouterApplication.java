package io.quckchat.router;

import io.quckchat.router.support.TestBrokers;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;

/**
 * The router on brokers that need no installation: {@code ./mvnw spring-boot:test-run}. Starts a
 * real Kafka (KRaft, in this JVM), an AMQP 0-9-1 broker (Qpid Broker-J, in this JVM) and Redis
 * (a redis-server process), then the router with its routes from {@code routes/} reloaded on
 * save, and prints where everything is. Test classpath only: production never starts a broker.
 * With {@code -Dquckchat.test.brokers=external} it uses the RabbitMQ and Redis of RABBITMQ_URL /
 * REDIS_HOST / REDIS_PORT instead.
 */
public class TestQuckChatRouterApplication {

    /** The dev run's ingress token (caller "dev", every topic). */
    public static final String DEV_TOKEN = "dev-token-change-me-0123456789";

    public static void main(String[] args) {
        TestBrokers brokers = TestBrokers.get();
        String adminPassword = System.getenv()
                .getOrDefault(
                        "ADMIN_PASSWORD",
                        "dev-admin-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        List<String> all = new ArrayList<>(List.of(
                "--ADMIN_PASSWORD=" + adminPassword,
                "--KAFKA_BROKERS=" + brokers.kafkaBootstrap(),
                "--RABBITMQ_URL=" + brokers.rabbitUrl(),
                "--REDIS_HOST=" + brokers.redisHost(),
                "--REDIS_PORT=" + brokers.redisPort(),
                "--spring.profiles.active=dev",
                // An ingress caller for trying POST /api/v1/events by hand (never a production default).
                "--quckchat.ingress.tokens[0].name=dev",
                "--quckchat.ingress.tokens[0].token=" + DEV_TOKEN,
                "--quckchat.ingress.tokens[0].topics=*"));
        all.addAll(List.of(args));
        var running = SpringApplication.from(QuckChatRouterApplication::main).run(all.toArray(String[]::new));
        String port = running.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        System.out.println("""

                ==== QuckChat Router is running (dev, embedded brokers) ====
                  %s
                  HTTP:      http://localhost:%s  (health: /actuator/health, metrics: /actuator/prometheus)
                  Admin:     admin / %s  (dead letters /admin/dead-letters, Hawtio /actuator/hawtio)
                  Routes:    routes/*.camel.yaml (saved changes reload)
                  Try:       produce JSON to topic message.sent on %s and watch queues %s.notifications / .analytics
                  Ingress:   token %s (caller "dev", every topic), OpenAPI at /api/v1/openapi.yaml
                    curl -i -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\
                      -d '{"messageId":"m-1","conversationId":"c-1","senderId":"u-1","content":"hi"}' \\
                      http://localhost:%s/api/v1/events/message.sent
                ============================================================
                """.formatted(
                        brokers.describe(),
                        port,
                        adminPassword,
                        brokers.kafkaBootstrap(),
                        "quckchat",
                        DEV_TOKEN,
                        DEV_TOKEN,
                        port));
    }
}
