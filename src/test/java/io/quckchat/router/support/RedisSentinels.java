package io.quckchat.router.support;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Sentinel setup of real {@code redis-server} processes, as production runs one: a master, two
 * replicas and three sentinels (quorum 2) watching it. Every data node asks for {@link #PASSWORD},
 * every sentinel for {@link #SENTINEL_PASSWORD};
 * the replicas replicate as their own ACL user, so a test can {@link #cutReplication() cut
 * replication} while the master keeps taking writes (what a network partition does), and then
 * {@link #killMaster() kill the master} for the sentinels to promote a replica.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER = "quckchat";
    public static final String PASSWORD = "sentinel-data-0123";
    /** The sentinels' own password (their {@code requirepass}). */
    public static final String SENTINEL_PASSWORD = "sentinels-own-0123";

    private static final String REPLICATION_PASSWORD = "replication-0123";

    private final RedisProcess master;
    private final List<RedisProcess> replicas = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();
    private final RedisClient client = RedisClient.create();

    public RedisSentinels() throws IOException {
        int masterPort = TestBrokers.freePort();
        master = new RedisProcess(masterPort, dataNode(List.of()));
        for (int i = 0; i < 2; i++) {
            replicas.add(new RedisProcess(
                    TestBrokers.freePort(), dataNode(List.of("--replicaof", "127.0.0.1", String.valueOf(masterPort)))));
        }
        for (int i = 0; i < 3; i++) {
            sentinels.add(
                    RedisProcess.sentinel(TestBrokers.freePort(), MASTER, masterPort, PASSWORD, SENTINEL_PASSWORD));
        }
    }

    private static List<String> dataNode(List<String> more) {
        List<String> settings = new ArrayList<>(List.of(
                "--requirepass",
                PASSWORD,
                "--user",
                "replicator",
                "on",
                ">" + REPLICATION_PASSWORD,
                "~*",
                "&*",
                "+@all",
                "--masteruser",
                "replicator",
                "--masterauth",
                REPLICATION_PASSWORD));
        settings.addAll(more);
        return settings;
    }

    /** Starts every process and returns once both replicas are in sync and the sentinels know all. */
    public RedisSentinels start() throws IOException {
        master.start();
        for (RedisProcess replica : replicas) {
            replica.start();
        }
        for (RedisProcess sentinel : sentinels) {
            sentinel.start();
        }
        await("the master has its two replicas connected")
                .atMost(Duration.ofSeconds(30))
                .until(() -> onData(master.port(), c -> c.info("replication")).contains("connected_slaves:2"));
        await("every sentinel knows both replicas and the other two sentinels")
                .atMost(Duration.ofSeconds(60))
                .until(() -> sentinels.stream()
                        .allMatch(sentinel -> onSentinel(sentinel.port(), info -> {
                            String status = info.info("sentinel");
                            return status.contains("slaves=2,sentinels=3");
                        })));
        return this;
    }

    /** {@code REDIS_SENTINEL_NODES}. */
    public String sentinelNodes() {
        return String.join(
                ",", sentinels.stream().map(s -> "127.0.0.1:" + s.port()).toList());
    }

    /** The port of the master as the sentinels see it now. */
    public int masterPort() {
        return onSentinel(sentinels.get(0).port(), c -> {
            SocketAddress address = c.getMasterAddrByName(MASTER);
            return ((java.net.InetSocketAddress) address).getPort();
        });
    }

    /** The port the master had at the start (it changes with a failover). */
    public int firstMasterPort() {
        return master.port();
    }

    /** The ports of the two replicas. */
    public List<Integer> replicaPorts() {
        return replicas.stream().map(RedisProcess::port).toList();
    }

    /**
     * Cuts replication as a network partition would: the master drops its replicas and refuses
     * them (their user is switched off), and keeps taking the router's writes, which no replica
     * gets.
     */
    public void cutReplication() {
        onData(master.port(), c -> {
            c.aclSetuser("replicator", io.lettuce.core.AclSetuserArgs.Builder.off());
            return c.clientKill(io.lettuce.core.KillArgs.Builder.user("replicator"));
        });
    }

    /** Kills the master with SIGKILL. */
    public void killMaster() {
        master.stop();
    }

    /** A command on a data node, as the default user. */
    public <T> T onData(int port, Function<RedisCommands<String, String>, T> command) {
        RedisURI uri = local(port, PASSWORD);
        try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
            return command.apply(connection.sync());
        }
    }

    private <T> T onSentinel(
            int port, Function<io.lettuce.core.sentinel.api.sync.RedisSentinelCommands<String, String>, T> command) {
        RedisURI uri = local(port, SENTINEL_PASSWORD);
        try (var connection = client.connectSentinel(uri)) {
            return command.apply(connection.sync());
        }
    }

    private static RedisURI local(int port, String password) {
        return RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withPassword(password.toCharArray())
                .withTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcess::stop);
        replicas.forEach(RedisProcess::stop);
        master.stop();
        client.shutdown();
    }
}
