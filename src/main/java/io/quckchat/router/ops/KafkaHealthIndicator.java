package io.quckchat.router.ops;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.source.ChatEventSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Kafka reachable (the cluster answers within a few seconds) and the fan-out consumer running and
 * polling (not stalled past {@code quckchat.kafka.max-poll-interval}, its loop not ended).
 * When down, names the reason ({@code kafka: Authentication failed ... SASL mechanism SCRAM-SHA-256},
 * a certificate or a timeout), in the details and once in the log each time it changes.
 */
public class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaHealthIndicator.class);

    private final Admin admin;
    private final ChatEventSource source;
    private final BrokerProblem problem = new BrokerProblem("kafka", log);

    public KafkaHealthIndicator(KafkaClients clients, ChatEventSource source) {
        super("Kafka health check failed");
        Map<String, Object> config = clients.common("health");
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        this.admin = Admin.create(config);
        this.source = source;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        String cluster;
        try {
            cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                    .clusterId()
                    .get(4, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            down(builder, e);
            return;
        }
        String stalled = source.stalled();
        if (stalled != null) {
            down(builder, new IllegalStateException(stalled));
            return;
        }
        problem.passed("Kafka");
        builder.up()
                .withDetail("clusterId", cluster)
                .withDetail("consumerRunning", source.isRunning())
                .withDetail("topics", source.topics())
                .withDetail("eventsInFlight", source.inFlight())
                .withDetail("bytesInFlight", source.inFlightBytes());
    }

    private void down(Health.Builder builder, Exception problemSeen) {
        builder.down()
                .withDetail("error", problem.failed("Kafka", problemSeen))
                .withDetail("consumerRunning", source.isRunning());
    }

    @Override
    public void close() {
        admin.close();
    }
}
