package io.quckchat.router.ops;

import io.lettuce.core.RedisCommandExecutionException;
import io.quckchat.router.config.RedisConnection;
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
    private final BrokerProblem problem =
            new BrokerProblem("redis", log, e -> e instanceof RedisCommandExecutionException);

    public RedisHealthIndicator(RedisConnectionFactory factory, RedisConnection connection) {
        super("Redis health check failed");
        this.factory = factory;
        this.connection = connection;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String where = "Redis " + connection.describe();
        try (var redis = factory.getConnection()) {
            String pong = redis.ping();
            problem.passed(where);
            builder.up().withDetail("server", connection.describe()).withDetail("ping", pong);
        } catch (RuntimeException e) {
            builder.down().withDetail("server", connection.describe()).withDetail("error", problem.failed(where, e));
        }
    }
}
