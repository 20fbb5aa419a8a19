package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RedisCluster;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The router on a Redis Cluster of real {@code redis-server} processes (three masters, a replica
 * each), with a hash-tagged BullMQ prefix as BullMQ documents for clusters, through the failover
 * of the master that holds the BullMQ queues in the middle of a stream: every event's job is there
 * afterwards. The ledger's keys spread over all masters: its reads and writes go one script call
 * per slot, and every event of the stream is in it. The dashboard finds the queue (a SCAN of
 * every master).
 */
class RedisClusterIT {

    private static final int EVENTS = 3000;

    @Test
    void aStreamThroughAFailoverOfTheQueuesMaster() throws Exception {
        try (RedisCluster redis = new RedisCluster().start()) {
            Namespace ns = Namespace.random();
            String bullPrefix = "{" + ns.id() + "}:bull";
            TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
            ConfigurableApplicationContext router = RouterApp.start(
                    ns,
                    "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                    "--REDIS_CLUSTER_NODES=" + redis.clusterNodes(),
                    "--REDIS_WAIT_REPLICAS=1",
                    "--quckchat.bullmq.prefix=" + bullPrefix);
            try (KafkaProbe kafka = new KafkaProbe()) {
                Http http = Readiness.http(router);
                await("ready on the cluster")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
                assertThat(http.get("/actuator/health", Http.admin()).body())
                        .contains("cluster " + redis.clusterNodes());

                String prefix = "cluster-" + UUID.randomUUID();
                String prioritized = bullPrefix + ":push:prioritized";
                CompletableFuture<Void> stream = kafka.streamMessages(prefix, EVENTS, 50, 50, Duration.ofMillis(100));
                await("a part of the stream in the cluster")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> redis.onCluster(c -> c.zcard(prioritized)) >= 500);
                int queuesMaster = redis.masterOf(prioritized);
                redis.kill(queuesMaster);
                await("a replica takes over the queues' slot")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> redis.masterOf(prioritized) != queuesMaster);
                // with REDIS_WAIT_REPLICAS=1 the queues' master takes no job until it has a replica
                // again: the failed node, restarted, rejoins as one
                redis.restart(queuesMaster);
                stream.get();

                await("every event's push job in the cluster")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> redis.onCluster(c -> c.zcard(prioritized)), equalTo((long) EVENTS));
                await("every event in the ledger, spread over the masters")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> ledgerKeys(redis, ns, prefix).size(), equalTo(EVENTS));
                Set<Integer> ledgerMasters = new HashSet<>();
                for (String key : ledgerKeys(redis, ns, prefix)) {
                    ledgerMasters.add(redis.masterOf(key));
                }
                assertThat(ledgerMasters).as("ledger keys on every master").hasSize(3);

                await("ready again after the failover")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
                assertThat(http.get("/admin/queues/api/queues", Http.admin()).body())
                        .as("the dashboard finds the queue on the cluster")
                        .contains("\"push\"");
            } finally {
                router.close();
                try (RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
                    rabbit.cleanUp("notifications", "analytics");
                }
            }
        }
    }

    /** The ledger's keys of this stream's events, by SCAN of every master. */
    private static List<String> ledgerKeys(RedisCluster redis, Namespace ns, String prefix) {
        return redis.onCluster(c -> {
            List<String> keys = new java.util.ArrayList<>();
            ScanIterator.scan(
                            c,
                            ScanArgs.Builder.matches(ns.ledgerPrefix() + ":" + prefix + "-*")
                                    .limit(1000))
                    .forEachRemaining(keys::add);
            return keys;
        });
    }
}
