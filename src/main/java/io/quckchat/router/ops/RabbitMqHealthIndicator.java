package io.quckchat.router.ops;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * RabbitMQ reachable with the router's own client factory (the {@code rabbit} health component):
 * the same URL, credentials and TLS trust as the lanes, so a certificate the lanes refuse is
 * refused here too. Keeps one connection open between checks. When down, names the reason ({@code
 * rabbit: ACCESS_REFUSED ...}, {@code rabbit: unable to find valid certification path ...}), in the
 * health details and once in the log each time it changes.
 */
public class RabbitMqHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RabbitMqHealthIndicator.class);

    private final ConnectionFactory factory;
    private Connection connection;
    private final BrokerProblem problem = new BrokerProblem("rabbit", log);

    public RabbitMqHealthIndicator(ConnectionFactory factory) {
        super("RabbitMQ health check failed");
        this.factory = factory;
    }

    @Override
    protected synchronized void doHealthCheck(Health.Builder builder) {
        String server = factory.getHost() + ":" + factory.getPort() + (factory.isSSL() ? " (TLS)" : "");
        try {
            if (connection == null || !connection.isOpen()) {
                connection = factory.newConnection("quckchat-router-health");
            }
            problem.passed("RabbitMQ " + server);
            builder.up()
                    .withDetail("server", server)
                    .withDetail(
                            "version",
                            String.valueOf(connection.getServerProperties().get("version")));
        } catch (Exception e) {
            builder.down().withDetail("server", server).withDetail("error", problem.failed("RabbitMQ " + server, e));
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close();
            } catch (Exception e) {
                log.debug("Closing the RabbitMQ health connection", e);
            }
        }
    }
}
