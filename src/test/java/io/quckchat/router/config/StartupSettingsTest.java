package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quckchat.router.QuckChatRouterApplication;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A missing or malformed setting stops start-up with one line naming it and its environment variable. */
@ExtendWith(OutputCaptureExtension.class)
class StartupSettingsTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "KAFKA_BROKERS|''|Invalid setting quckchat.kafka.brokers (KAFKA_BROKERS): is empty",
                "KAFKA_BROKERS|kafka-without-port|Invalid setting quckchat.kafka.brokers (KAFKA_BROKERS): 'kafka-without-port' is not host:port",
                "KAFKA_BROKERS|a:9092,b:http|Invalid setting quckchat.kafka.brokers (KAFKA_BROKERS): 'b:http' has no valid port",
                "KAFKA_SASL_MECHANISM|gssapi|Invalid setting quckchat.kafka.sasl.mechanism (KAFKA_SASL_MECHANISM): must be one of",
                "RABBITMQ_URL|http://rabbit:5672|Invalid setting quckchat.rabbitmq.url (RABBITMQ_URL): must start with amqp:// or amqps://",
                "RABBITMQ_URL|amqp://guest:secret@rabbit:99999|Invalid setting quckchat.rabbitmq.url (RABBITMQ_URL): is not a port number",
                "RABBITMQ_URL|amqp://[broken|Invalid setting quckchat.rabbitmq.url (RABBITMQ_URL): is not a URL",
                "RABBITMQ_EXCHANGE|''|Invalid setting quckchat.rabbitmq.exchange (RABBITMQ_EXCHANGE): is empty",
                "REDIS_PORT|abc|Invalid setting quckchat.redis.port (REDIS_PORT): cannot be read from 'abc'",
                "REDIS_PORT|70000|Invalid setting quckchat.redis.port (REDIS_PORT): is not a port number (1-65535): 70000",
                "REDIS_HOST|''|Invalid setting quckchat.redis.host (REDIS_HOST): is empty",
                "REDIS_URL|http://u:secret@redis:6379|Invalid setting quckchat.redis.url (REDIS_URL): must start with redis:// or rediss:// (TLS), got 'http://u:****@redis:6379'",
                "REDIS_URL|rediss://:secret@redis:6379/zero|Invalid setting quckchat.redis.url (REDIS_URL): has '/zero' where the database index goes",
                "REDIS_URL|redis://secret@redis:6379/x|Invalid setting quckchat.redis.url (REDIS_URL): has '/x' where the database index goes (/0, /1 ...): 'redis://****@redis:6379/x'",
                "REDIS_TLS|true|Invalid setting quckchat.redis.tls (REDIS_TLS): is true with a redis:// URL (REDIS_URL): write rediss:// for TLS",
                "REDIS_DATABASE|-1|Invalid setting quckchat.redis.database (REDIS_DATABASE): must be 0 or more, got -1",
                "REDIS_PASSWORD_FILE|/no/such/file|Invalid setting quckchat.redis.password-file (REDIS_PASSWORD_FILE): '/no/such/file' is not a file",
                "REDIS_TLS_CA_FILE|/no/such/ca.pem|Invalid setting quckchat.redis.tls-ca-file (REDIS_TLS_CA_FILE): '/no/such/ca.pem' is not a file",
                "REDIS_SENTINEL_NODES|s1:26379,s2|Invalid setting quckchat.redis.sentinel-nodes (REDIS_SENTINEL_NODES): has 's2' where host:port goes",
                "REDIS_SENTINEL_NODES|s1:26379|Invalid setting quckchat.redis.sentinel-master (REDIS_SENTINEL_MASTER): is empty",
                "REDIS_CLUSTER_NODES|r1:6379,r2:6379|Invalid setting quckchat.bullmq.prefix (BULLMQ_PREFIX): 'bull' has no hash tag",
                "REDIS_WAIT_REPLICAS|-1|Invalid setting quckchat.redis.wait-replicas (REDIS_WAIT_REPLICAS): must be 0 or more, got -1",
                "BULL_BOARD_PATH|admin/queues|Invalid setting quckchat.bull-board.path (BULL_BOARD_PATH): must start with '/'",
                "BULL_BOARD_ENABLED|maybe|Invalid setting quckchat.bull-board.enabled (BULL_BOARD_ENABLED): cannot be read",
                "quckchat.bull-board.chart-interval|500ms|Invalid setting quckchat.bull-board.chart-interval: must be at least 1s, got PT0.5S",
                "quckchat.bull-board.chart-interval|1h|Invalid setting quckchat.bull-board.chart-interval: must be at most 10m, got PT1H",
                "quckchat.delivery.jitter|1.5|Invalid setting quckchat.delivery.jitter: must be between 0 and 1, got 1.5",
                "quckchat.kafka.max-in-flight|0|Invalid setting quckchat.kafka.max-in-flight: must be positive, got 0",
                "quckchat.kafka.max-in-flight-bytes|512KB|Invalid setting quckchat.kafka.max-in-flight-bytes: must be at least 1MB, got 524288B",
                "quckchat.ingress.publish-timeout|50ms|Invalid setting quckchat.ingress.publish-timeout: must be at least 200ms, got PT0.05S",
                "quckchat.schemas-dir|''|Invalid setting quckchat.schemas-dir: is empty",
                "quckchat.schedules.daily-usage.slot|yyyy-MM-dd'T|Invalid setting quckchat.schedules.daily-usage.slot: is not a java.time pattern",
                "quckchat.schedules.daily-usage.cron|''|Invalid setting quckchat.schedules.daily-usage.cron: is empty",
            })
    void badSettingStopsStartUpNamingIt(String variable, String value, String expected, CapturedOutput output) {
        String[] args = {
            "--" + variable + "=" + value,
            "--KAFKA_SASL_USERNAME=" + saslUser(variable),
            // REDIS_TLS is checked against the URL's scheme
            variable.equals("REDIS_TLS") ? "--REDIS_URL=redis://redis:6379" : "--spring.main.banner-mode=off"
        };
        assertThatThrownBy(() -> SpringApplication.run(QuckChatRouterApplication.class, args))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(expected);
        assertThat(output.getAll())
                .as("the failure report has the one line naming the setting")
                .contains(expected)
                .as("and no password")
                .doesNotContain("secret");
    }

    private static String saslUser(String variable) {
        return variable.startsWith("KAFKA_SASL") ? "router" : "";
    }
}
