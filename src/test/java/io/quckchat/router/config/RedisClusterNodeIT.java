package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.NodeWorker;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RedisCluster;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stock BullMQ workers on the Redis Cluster the router writes to: a BullMQ 5 and a BullMQ 6
 * {@code Worker} (src/test/node/cluster-worker.js, ioredis {@code Cluster}) on the router's push
 * queue under a hash-tagged prefix complete every job the router added, each once. Needs Node and
 * {@code npm ci} in src/test/node: run by {@code ./mvnw -B -Pbrowser verify} (.ci/run pass 4).
 */
class RedisClusterNodeIT {

    private static final int EVENTS = 400;

    @Test
    void stockBullMqWorkersOnTheClusterCompleteTheRoutersJobs() throws Exception {
        assertThat(NodeWorker.NODE_DIR.resolve("node_modules/bullmq-v5"))
                .as("stock BullMQ (npm ci in src/test/node, done by -Pbrowser)")
                .exists();
        try (RedisCluster redis = new RedisCluster().start()) {
            Namespace ns = Namespace.random();
            String bullPrefix = "{" + ns.id() + "}:bull";
            TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
            ConfigurableApplicationContext router = RouterApp.start(
                    ns, "--REDIS_CLUSTER_NODES=" + redis.clusterNodes(), "--quckchat.bullmq.prefix=" + bullPrefix);
            Map<String, String> environment = Map.of(
                    "REDIS_CLUSTER_NODES", redis.clusterNodes(), "BULLMQ_PREFIX", bullPrefix, "BULLMQ_QUEUE", "push");
            try (KafkaProbe kafka = new KafkaProbe();
                    NodeWorker v5 = NodeWorker.start("cluster-worker.js", "bullmq-5", with(environment, "5"));
                    NodeWorker v6 = NodeWorker.start("cluster-worker.js", "bullmq-6", with(environment, "6"))) {
                await("ready on the cluster")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(Readiness.http(router), "/actuator/health/readiness") == 200);
                kafka.streamMessages("node-" + UUID.randomUUID(), EVENTS, 20, 100, Duration.ZERO)
                        .get();

                await("every push job completed by a stock worker")
                        .atMost(Duration.ofSeconds(90))
                        .until(() -> redis.onCluster(c -> c.zcard(bullPrefix + ":push:completed")), equalTo((long)
                                EVENTS));
                assertThat((long) redis.<Long>onCluster(c -> c.zcard(bullPrefix + ":push:failed")))
                        .as("none failed")
                        .isZero();
                assertThat((long) redis.<Long>onCluster(c -> c.zcard(bullPrefix + ":push:prioritized")))
                        .as("none left waiting")
                        .isZero();
                long byFive = redis.onCluster(c -> c.zrange(bullPrefix + ":push:completed", 0, -1)).stream()
                        .map(id -> redis.onCluster(c -> c.hget(bullPrefix + ":push:" + id, "returnvalue")))
                        .filter(value -> value.contains("\"5."))
                        .count();
                assertThat(byFive)
                        .as("the BullMQ 5 worker completed some, the BullMQ 6 worker the rest")
                        .isBetween(1L, EVENTS - 1L);
            } finally {
                router.close();
                try (RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
                    rabbit.cleanUp("notifications", "analytics");
                }
            }
        }
    }

    private static Map<String, String> with(Map<String, String> environment, String major) {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("BULLMQ_MAJOR", major);
        return all;
    }
}
