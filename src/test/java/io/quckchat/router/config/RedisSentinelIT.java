package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.Readiness;
import io.quckchat.router.support.RedisSentinels;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The router on a Sentinel setup of real {@code redis-server} processes (a master with a password,
 * two replicas, three sentinels with a password of their own, given in a secret file), through a failover in the middle of a stream of events, in the
 * worst order there is: replication is cut first (a partition), the master keeps taking BullMQ
 * jobs that no replica gets, and then it dies. The sentinels promote a replica that lacks those
 * jobs. Nothing may be lost: with Sentinel the router waits for a replica to hold each batch of
 * jobs ({@code REDIS_WAIT_REPLICAS}, 1 by default with Sentinel) before it counts the legs as
 * delivered, so the jobs the dead master alone held are sent again to the new one.
 */
class RedisSentinelIT {

    private static final int EVENTS = 3000;

    @Test
    void aFailoverDuringAStreamLosesNoJob() throws Exception {
        try (RedisSentinels redis = new RedisSentinels().start()) {
            Namespace refused = Namespace.random();
            TestBrokers.get().startGroupAtEnd(refused.groupId(), Set.copyOf(TestBrokers.TOPICS));
            Readiness.assertRefused(
                    "redis",
                    "a wrong password for the sentinels",
                    "WRONGPASS invalid username-password pair",
                    "not-the-sentinels-0123",
                    refused,
                    "--REDIS_SENTINEL_NODES=" + redis.sentinelNodes(),
                    "--REDIS_SENTINEL_MASTER=" + RedisSentinels.MASTER,
                    "--REDIS_PASSWORD=" + RedisSentinels.PASSWORD,
                    "--REDIS_SENTINEL_PASSWORD=not-the-sentinels-0123");

            Namespace ns = Namespace.random();
            TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
            ConfigurableApplicationContext router = RouterApp.start(
                    ns,
                    "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                    "--REDIS_SENTINEL_NODES=" + redis.sentinelNodes(),
                    "--REDIS_SENTINEL_MASTER=" + RedisSentinels.MASTER,
                    "--REDIS_PASSWORD=" + RedisSentinels.PASSWORD,
                    "--REDIS_SENTINEL_PASSWORD_FILE="
                            + Files.writeString(
                                    Files.createTempFile("sentinel-password", ""),
                                    RedisSentinels.SENTINEL_PASSWORD + "\n"));
            try (KafkaProbe kafka = new KafkaProbe()) {
                Http http = Readiness.http(router);
                await("ready on the Sentinel setup")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
                assertThat(http.get("/actuator/health", Http.admin()).body())
                        .contains("master " + RedisSentinels.MASTER + " of sentinels " + redis.sentinelNodes());

                String prefix = "sentinel-" + UUID.randomUUID();
                CompletableFuture<Void> stream = kafka.streamMessages(prefix, EVENTS, 50, 50, Duration.ofMillis(100));
                int first = redis.firstMasterPort();
                await("a part of the stream on the first master")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> pushJobs(redis, ns, first) >= 500);

                redis.cutReplication();
                // Once replication is cut the replicas hold what they will ever get from the
                // first master; jobs it holds beyond that are the ones a failover would lose. (A
                // count taken on the master at the cut would not do: the batch that fails its
                // WAIT may land before it, and that batch is then only ever sent again.)
                await("jobs that only the first master holds")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> redis.replicaPorts().stream()
                                .allMatch(replica -> pushJobs(redis, ns, first) > pushJobs(redis, ns, replica)));
                redis.killMaster();

                await("the sentinels promote a replica")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> redis.masterPort() != first);
                stream.get();
                int promoted = redis.masterPort();
                await("every event's push job on the promoted master")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> pushJobs(redis, ns, promoted), org.hamcrest.Matchers.equalTo((long) EVENTS));
                java.util.List<String> ledger =
                        redis.onData(promoted, c -> c.keys(ns.ledgerPrefix() + ":" + prefix + "-*"));
                assertThat(ledger).as("the ledger follows the failover too").isNotEmpty();
                await("ready again after the failover")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Readiness.status(http, "/actuator/health/readiness") == 200);
            } finally {
                router.close();
                try (RabbitMqProbe rabbit = new RabbitMqProbe(ns)) {
                    rabbit.cleanUp("notifications", "analytics");
                }
            }
        }
    }

    /** Push jobs (one per message.sent event, a custom id each) on the data node at this port. */
    private static long pushJobs(RedisSentinels redis, Namespace ns, int port) {
        try {
            return redis.onData(port, c -> c.zcard(ns.bullPrefix() + ":push:prioritized"));
        } catch (RuntimeException unreachable) {
            return -1;
        }
    }
}
