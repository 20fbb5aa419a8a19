package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.TestRedis;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.rabbitmq.RabbitMqTopology;
import io.quckchat.router.support.TestBrokers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** {@link QueueDepths} against real RabbitMQ and Redis: what it reads, and what it keeps open between reads. */
class QueueDepthsIT {

    private static final TestBrokers BROKERS = TestBrokers.get();

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String queuePrefix = "depths-" + id;
    private final String bullPrefix = "depths-" + id;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger connectionsOpened = new AtomicInteger();
    private LettuceConnectionFactory redis;
    private Connection admin;
    private final List<String> declared = new ArrayList<>();
    private QueueDepths depths;

    @BeforeEach
    void setUp() throws Exception {
        ConnectionFactory plain = new ConnectionFactory();
        plain.setUri(BROKERS.rabbitUri());
        admin = plain.newConnection("queue-depths-it");
        redis = TestRedis.factory(BROKERS.redisHost(), BROKERS.redisPort(), Duration.ofSeconds(10));
        ConnectionFactory counting = new ConnectionFactory() {
            @Override
            public Connection newConnection(String clientProvidedName)
                    throws java.io.IOException, java.util.concurrent.TimeoutException {
                connectionsOpened.incrementAndGet();
                return super.newConnection(clientProvidedName);
            }
        };
        counting.setUri(BROKERS.rabbitUri());
        RabbitMqTopology topology = new RabbitMqTopology(
                new RouterProperties.Rabbitmq(BROKERS.rabbitUrl(), queuePrefix, queuePrefix + ".x", 16, "", ""));
        topology.require("analytics");
        topology.require("email"); // never declared: its read fails, the others must not
        topology.require("sms");
        depths = new QueueDepths(
                registry, Map::of, counting, topology, new BullMqQueues(redis, bullPrefix), () -> Set.of("push"));
    }

    @AfterEach
    void tearDown() throws Exception {
        depths.close();
        try (Channel channel = admin.createChannel()) {
            for (String queue : declared) {
                channel.queueDelete(queue);
            }
        }
        admin.close();
        StringRedisTemplate keys = new StringRedisTemplate(redis);
        keys.delete(keys.keys(bullPrefix + ":*"));
        redis.destroy();
    }

    private void fill(String shortName, int messages) throws Exception {
        try (Channel channel = admin.createChannel()) {
            channel.confirmSelect();
            channel.queueDeclare(queuePrefix + "." + shortName, true, false, false, null);
            declared.add(queuePrefix + "." + shortName);
            for (int i = 0; i < messages; i++) {
                channel.basicPublish("", queuePrefix + "." + shortName, null, "{}".getBytes());
            }
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void everyRefreshReusesOneRabbitConnectionAndAMissingQueueSpoilsNoOther() throws Exception {
        fill("analytics", 2);
        fill("sms", 1);

        depths.refresh();
        depths.refresh();
        depths.refreshOnSchedule();

        assertThat(depths.rabbitDepths()).containsOnly(entry("analytics", 2L), entry("sms", 1L));
        assertThat(gauge("quckchat.rabbitmq.queue.messages", "queue", "sms")).isEqualTo(1.0);
        assertThat(connectionsOpened).hasValue(1);
    }

    @Test
    void scheduledRefreshesLookForQueuesNoRouteNamesOnlyEveryFewMinutes() {
        BullMqClient jobs = new BullMqClient(redis, bullPrefix);
        jobs.add("push", "new-message", "{}", null);
        depths.refreshOnSchedule(); // the first look: finds nothing but the routes' push
        // a queue some other service made with BullMQ (its meta hash is how queues are found)
        new StringRedisTemplate(redis).opsForHash().put(bullPrefix + ":reports:meta", "version", "bullmq:6.7.0");
        jobs.add("reports", "daily", "{}", null);
        jobs.add("push", "new-message", "{}", null);

        depths.refreshOnSchedule();
        assertThat(gauge("quckchat.bullmq.jobs", "queue", "push", "state", "waiting"))
                .isEqualTo(2.0);
        assertThat(registry.find("quckchat.bullmq.jobs").tag("queue", "reports").gauges())
                .isEmpty();

        depths.refresh(); // asked for: looks now
        assertThat(gauge("quckchat.bullmq.jobs", "queue", "reports", "state", "waiting"))
                .isEqualTo(1.0);
    }
}
