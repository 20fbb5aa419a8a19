package io.quckchat.router.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The brokers every integration test talks to, one set per JVM, started on first use.
 *
 * <ul>
 *   <li>Kafka: always a real KRaft broker in this JVM (spring-kafka-test, Kafka 3.9).
 *   <li>RabbitMQ and Redis: with {@code -Dquckchat.test.brokers=embedded} (the default) an AMQP
 *       0-9-1 broker in this JVM (Qpid Broker-J) and a {@code redis-server} process (from the
 *       PATH, else the embedded-redis binary); with {@code external}, the servers at {@code
 *       RABBITMQ_URL} (default {@code amqp://guest:guest@127.0.0.1:5672}) and {@code
 *       REDIS_HOST}/{@code REDIS_PORT} (default 127.0.0.1:6379).
 * </ul>
 *
 * This class is on the test classpath only, so a production run cannot start a broker by accident.
 */
public final class TestBrokers {

    /** The source topics of docs/contract.md §3. */
    public static final List<String> TOPICS = List.of(
            "user.created",
            "user.updated",
            "user.online",
            "message.sent",
            "message.read",
            "message.reaction",
            "conversation.created",
            "call.initiated",
            "call.ended",
            "notification.send");

    /** Partitions per topic; the benchmark's scaling run asks for more ({@code -Dquckchat.test.partitions=6}). */
    public static final int PARTITIONS = Integer.getInteger("quckchat.test.partitions", 3);

    private static TestBrokers instance;

    private final boolean external;
    private final EmbeddedKafkaKraftBroker kafka;
    private final AmqpBroker amqp;
    private final RedisProcess redis;
    private AmqpBroker tlsOnly;
    private final String rabbitUrl;
    private final String redisHost;
    private final int redisPort;

    private TestBrokers(boolean external) throws Exception {
        this.external = external;
        kafka = new EmbeddedKafkaKraftBroker(1, PARTITIONS, TOPICS.toArray(String[]::new));
        kafka.brokerProperty("auto.create.topics.enable", "false");
        kafka.afterPropertiesSet();
        if (external) {
            amqp = null;
            redis = null;
            rabbitUrl = env("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672");
            redisHost = env("REDIS_HOST", "127.0.0.1");
            redisPort = Integer.parseInt(env("REDIS_PORT", "6379"));
        } else {
            amqp = new AmqpBroker(freePort(), freePort());
            amqp.start();
            redis = new RedisProcess(freePort());
            redis.start();
            rabbitUrl = "amqp://guest:guest@127.0.0.1:" + amqp.port();
            redisHost = "127.0.0.1";
            redisPort = redis.port();
        }
    }

    public static synchronized TestBrokers get() {
        if (instance == null) {
            boolean external = "external".equals(System.getProperty("quckchat.test.brokers", "embedded"));
            try {
                instance = new TestBrokers(external);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the test brokers", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "test-brokers-stop"));
        }
        return instance;
    }

    public boolean external() {
        return external;
    }

    public String mode() {
        return external ? "external" : "embedded";
    }

    public String kafkaBootstrap() {
        return kafka.getBrokersAsString();
    }

    public String rabbitUrl() {
        return rabbitUrl;
    }

    public URI rabbitUri() {
        return URI.create(rabbitUrl);
    }

    public String redisHost() {
        return redisHost;
    }

    public int redisPort() {
        return redisPort;
    }

    /**
     * An AMQP broker with a TLS port: the embedded one, or with external brokers (this machine's
     * RabbitMQ has no TLS listener) one started for it on first use.
     */
    public synchronized AmqpBroker tlsAmqpBroker() throws Exception {
        if (amqp != null) {
            return amqp;
        }
        if (tlsOnly == null) {
            tlsOnly = new AmqpBroker(freePort(), freePort());
            tlsOnly.start();
        }
        return tlsOnly;
    }

    /** The embedded Redis process, to stop and restart it; null in external mode. */
    public RedisProcess redisProcess() {
        return redis;
    }

    /** The embedded AMQP broker, to stop and restart it; null in external mode. */
    public AmqpBroker amqpBroker() {
        return amqp;
    }

    public Admin kafkaAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap()));
    }

    /**
     * Commits offsets for a new consumer group at the current end of these topics, so that a
     * router started with that group reads only what the test produces next (the topics are
     * shared by every test of the run).
     */
    public void startGroupAtEnd(String groupId, Set<String> topics) {
        try (Admin admin = kafkaAdmin()) {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((name, description) -> description
                            .partitions()
                            .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, OffsetSpec> latest =
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                            .collect(Collectors.toMap(
                                    Map.Entry::getKey,
                                    e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(groupId, offsets).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot position group " + groupId, e);
        }
    }

    /** Where things are, for the dev run and for test logs. */
    public String describe() {
        return "Kafka " + kafkaBootstrap() + " (in this JVM), RabbitMQ " + rabbitUrl.replaceAll(":[^:@/]*@", ":****@")
                + (external ? " (external)" : " (Qpid Broker-J in this JVM)") + ", Redis " + redisHost + ":"
                + redisPort + (external ? " (external)" : " (" + redis.executable() + ")");
    }

    private void close() {
        try {
            kafka.destroy();
        } catch (RuntimeException ignored) {
            // JVM is exiting
        }
        if (amqp != null) {
            amqp.stop();
        }
        if (tlsOnly != null) {
            tlsOnly.stop();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A TCP port nothing listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
