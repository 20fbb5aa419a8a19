package io.quckchat.camel.bullmq;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * On a Redis Cluster, the masters that script calls go to: by the slot of each call's first key,
 * the connection Lettuce routes that slot's commands through (so a {@code WAIT} there counts their
 * writes), by {@code host:port}.
 */
final class SlotMasters {

    private SlotMasters() {}

    /**
     * @param nativeConnection a Spring Redis connection's native connection
     * @param calls script calls as prepared (KEYS first)
     * @return null when the connection is not to a cluster
     */
    @SuppressWarnings("unchecked")
    static Map<String, StatefulRedisConnection<byte[], byte[]>> of(Object nativeConnection, List<byte[][]> calls) {
        if (!(nativeConnection instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster)) {
            return null;
        }
        var stateful = ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) cluster).getStatefulConnection();
        Map<String, StatefulRedisConnection<byte[], byte[]>> masters = new LinkedHashMap<>();
        for (byte[][] call : calls) {
            RedisClusterNode node = stateful.getPartitions().getPartitionBySlot(SlotHash.getSlot(call[0]));
            if (node == null) {
                throw new RedisConnectionFailureException(
                        "No Redis Cluster node serves the slot of " + new String(call[0], StandardCharsets.UTF_8));
            }
            String host = node.getUri().getHost();
            int port = node.getUri().getPort();
            masters.computeIfAbsent(host + ":" + port, address -> stateful.getConnection(host, port));
        }
        return masters;
    }
}
