package io.quckchat.router.ops;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.source.ChatEventSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** Kafka reachable (the cluster answers within a few seconds) and the fan-out consumer running. */
public class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private final Admin admin;
    private final ChatEventSource source;

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
        String cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                .clusterId()
                .get(4, TimeUnit.SECONDS);
        builder.up()
                .withDetail("clusterId", cluster)
                .withDetail("consumerRunning", source.isRunning())
                .withDetail("topics", source.topics())
                .withDetail("eventsInFlight", source.inFlight());
    }

    @Override
    public void close() {
        admin.close();
    }
}
