package io.quckchat.router.support;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of real {@code redis-server} processes: three masters that share the 16,384
 * slots, each with one replica, put together by the test with {@code CLUSTER ADDSLOTS}, {@code
 * MEET} and {@code REPLICATE} (no {@code redis-cli} needed). Node timeout 1 s, so a killed master's
 * replica takes over within seconds.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;

    private final List<RedisProcess> masters = new ArrayList<>();
    private final List<RedisProcess> replicas = new ArrayList<>();
    private final RedisClient client = RedisClient.create();
    private RedisClusterClient clusterClient;
    private StatefulRedisClusterConnection<String, String> cluster;

    public RedisCluster() throws IOException {
        for (int i = 0; i < MASTERS; i++) {
            masters.add(node());
            replicas.add(node());
        }
    }

    private static RedisProcess node() throws IOException {
        return new RedisProcess(
                TestBrokers.freePort(),
                List.of(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "1000"));
    }

    /** Starts the six nodes, joins them into a cluster and returns once it is ok everywhere. */
    public RedisCluster start() throws IOException {
        for (int i = 0; i < MASTERS; i++) {
            masters.get(i).start();
            replicas.get(i).start();
        }
        int slotsPerMaster = (SlotHash.SLOT_COUNT + MASTERS - 1) / MASTERS;
        for (int i = 0; i < MASTERS; i++) {
            int from = i * slotsPerMaster;
            int to = Math.min(SlotHash.SLOT_COUNT, from + slotsPerMaster);
            on(
                    masters.get(i).port(),
                    c -> c.clusterAddSlots(IntStream.range(from, to).toArray()));
        }
        for (RedisProcess node : nodes()) {
            on(masters.get(0).port(), c -> c.clusterMeet("127.0.0.1", node.port()));
        }
        await("every node knows the other five")
                .atMost(Duration.ofSeconds(30))
                .until(() -> nodes().stream()
                        .allMatch(node -> on(node.port(), c -> c.clusterInfo()).contains("cluster_known_nodes:6")));
        for (int i = 0; i < MASTERS; i++) {
            String masterId = on(masters.get(i).port(), RedisCommands::clusterMyId);
            on(replicas.get(i).port(), c -> c.clusterReplicate(masterId));
        }
        await("the cluster is ok on every node and every master has its replica in sync")
                .atMost(Duration.ofSeconds(60))
                .until(() -> nodes().stream()
                                .allMatch(node ->
                                        on(node.port(), c -> c.clusterInfo()).contains("cluster_state:ok"))
                        && masters.stream()
                                .allMatch(master -> on(master.port(), c -> c.info("replication"))
                                        .contains("connected_slaves:1"))
                        && replicas.stream()
                                .allMatch(replica -> on(replica.port(), c -> c.info("replication"))
                                        .contains("master_link_status:up")));
        clusterClient = RedisClusterClient.create(
                RedisURI.create("127.0.0.1", masters.get(0).port()));
        cluster = clusterClient.connect();
        return this;
    }

    private List<RedisProcess> nodes() {
        List<RedisProcess> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    /** {@code REDIS_CLUSTER_NODES}: the three masters. */
    public String clusterNodes() {
        return String.join(
                ",", masters.stream().map(m -> "127.0.0.1:" + m.port()).toList());
    }

    /** A command on the cluster, routed by key (the topology refreshed first, after a failover). */
    public <T> T onCluster(Function<RedisAdvancedClusterCommands<String, String>, T> command) {
        clusterClient.refreshPartitions();
        return command.apply(cluster.sync());
    }

    /** The port of the master that serves this key's slot now. */
    public int masterOf(String key) {
        clusterClient.refreshPartitions();
        return cluster.getPartitions()
                .getPartitionBySlot(SlotHash.getSlot(key))
                .getUri()
                .getPort();
    }

    /** The ports of the masters now. */
    public List<Integer> masterPorts() {
        clusterClient.refreshPartitions();
        return cluster.getPartitions().stream()
                .filter(node -> node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM))
                .filter(node -> !node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.FAIL))
                .map(node -> node.getUri().getPort())
                .toList();
    }

    /** Kills the master at this port with SIGKILL. */
    public void kill(int port) {
        nodes().stream().filter(node -> node.port() == port).forEach(RedisProcess::stop);
    }

    /**
     * Starts the node at this port again, as an operator (or Kubernetes) restarts a failed pod: with
     * its cluster configuration file it rejoins, as a replica of the master that took its slots.
     * Returns once that master has it in sync.
     */
    public void restart(int port) throws IOException {
        for (RedisProcess node : nodes()) {
            if (node.port() == port) {
                node.start();
            }
        }
        await("node " + port + " is a replica in sync again")
                .atMost(Duration.ofSeconds(60))
                .until(() -> on(port, c -> c.info("replication")).contains("master_link_status:up"));
    }

    /** A command on one node. */
    public <T> T on(int port, Function<RedisCommands<String, String>, T> command) {
        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withTimeout(Duration.ofSeconds(5))
                .build())) {
            return command.apply(connection.sync());
        }
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
            clusterClient.shutdown();
        }
        nodes().forEach(RedisProcess::stop);
        client.shutdown();
    }
}
