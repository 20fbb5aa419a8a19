package io.quckchat.router.ops;

import io.quckchat.router.config.RedisConnection;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Redis answers a PING on the router's one Redis connection. Replaces Spring Boot's indicator of
 * the same name, whose failure says only "Unable to connect to Redis": this one names the cause
 * Redis or the TLS handshake gave ({@code redis: WRONGPASS ...}, {@code redis: unable to find valid
 * certification path ...}), in the health details and once in the log each time it changes.
 */
public class RedisHealthIndicator extends AbstractHealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(RedisHealthIndicator.class);

    private final RedisConnectionFactory factory;
    private final RedisConnection connection;
    private volatile String lastProblem;

    public RedisHealthIndicator(RedisConnectionFactory factory, RedisConnection connection) {
        super("Redis health check failed");
        this.factory = factory;
        this.connection = connection;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        try (var redis = factory.getConnection()) {
            String pong = redis.ping();
            if (lastProblem != null) {
                log.info("Redis {} reachable again", connection.describe());
                lastProblem = null;
            }
            builder.up().withDetail("server", connection.describe()).withDetail("ping", pong);
        } catch (RuntimeException e) {
            String problem = BrokerProblem.describe("redis", e);
            if (!Objects.equals(problem, lastProblem)) {
                log.warn("Redis {} unavailable: {}", connection.describe(), problem);
                lastProblem = problem;
            }
            builder.down().withDetail("server", connection.describe()).withDetail("error", problem);
        }
    }
}
