package io.quckchat.camel.bullmq;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * Makes jobs durable across a failover: after a batch of adds, Redis {@code WAIT}s until this many
 * replicas hold every write the connection made, at most {@code timeout}. Redis replicates
 * asynchronously, so a job that only the master held when it died (Sentinel or a cluster then
 * promotes a replica) would be gone although the master had answered; with the wait, the add
 * counts only once a replica has it, and a batch that falls short throws a {@link
 * QueryTimeoutException}, which the caller retries (BullMQ keeps the first job of a custom id, so
 * the retry adds only what is missing).
 *
 * <p>{@code WAIT} counts the writes of the connection it is sent on: the shared connection of a
 * standalone or Sentinel master, and on a Redis Cluster the connection to each master that takes
 * a call of the batch (the connection Lettuce routes the slot's commands through). Lettuce sends
 * a command again after a reconnect, so a {@code WAIT} could reach a new connection (or a newly
 * promoted master) that made no writes, and answer at once. So the batch is fenced: {@code CLIENT
 * INFO} before the writes and after the {@code WAIT}, in the same pipeline; if the two name
 * different connections, the batch counts as failed.
 *
 * @param replicas 0: no waiting
 */
public record ReplicaWait(int replicas, Duration timeout) {

    public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ofSeconds(1));

    public ReplicaWait {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more, got " + replicas);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /**
     * Opens the fence before the calls are sent: one {@code CLIENT INFO} on each connection that
     * will take them (calls as prepared for a script: KEYS first). Null when there is nothing to wait for.
     */
    Fence open(RedisConnection connection, List<byte[][]> calls) {
        if (replicas == 0 || calls.isEmpty()) {
            return null;
        }
        Object nativeConnection = connection.getNativeConnection();
        Map<String, RedisClusterAsyncCommands<byte[], byte[]>> targets = new LinkedHashMap<>();
        Map<String, StatefulRedisConnection<byte[], byte[]>> masters = SlotMasters.of(nativeConnection, calls);
        if (masters != null) {
            masters.forEach((address, master) -> targets.put(address, master.async()));
        } else {
            @SuppressWarnings("unchecked")
            var master = (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
            targets.put("master", master);
        }
        List<RedisFuture<String>> before = new ArrayList<>(targets.size());
        targets.values().forEach(target -> before.add(target.clientInfo()));
        return new Fence(targets, before, calls.size());
    }

    /** A batch's fence: closed once the calls are answered. */
    final class Fence {

        private final Map<String, RedisClusterAsyncCommands<byte[], byte[]>> targets;
        private final List<RedisFuture<String>> before;
        private final int calls;

        private Fence(
                Map<String, RedisClusterAsyncCommands<byte[], byte[]>> targets,
                List<RedisFuture<String>> before,
                int calls) {
            this.targets = targets;
            this.before = before;
            this.calls = calls;
        }

        /**
         * Waits for the replicas and checks that each {@code WAIT} ran on the connection of the writes.
         *
         * @throws QueryTimeoutException when fewer replicas confirmed, or a connection changed
         */
        void close() {
            long timeoutMillis = timeout.toMillis();
            List<String> addresses = new ArrayList<>(targets.keySet());
            List<RedisFuture<Long>> waits = new ArrayList<>(targets.size());
            List<RedisFuture<String>> after = new ArrayList<>(targets.size());
            for (RedisClusterAsyncCommands<byte[], byte[]> target : targets.values()) {
                waits.add(target.waitForReplication(replicas, timeoutMillis));
                after.add(target.clientInfo());
            }
            for (int i = 0; i < addresses.size(); i++) {
                long acknowledged = answer(waits.get(i), timeoutMillis);
                String opened = connectionOf(answer(before.get(i), timeoutMillis));
                String closed = connectionOf(answer(after.get(i), timeoutMillis));
                if (!opened.equals(closed)) {
                    throw new QueryTimeoutException("The Redis connection (" + addresses.get(i) + ") changed during a"
                            + " batch of " + calls + " BullMQ writes (" + opened + ", then " + closed + "): whether"
                            + " replicas hold them is unknown, so the batch counts as failed and is sent again");
                }
                if (acknowledged < replicas) {
                    throw new QueryTimeoutException("Redis (" + addresses.get(i) + ") took " + calls
                            + " BullMQ writes but " + acknowledged + " of the " + replicas + " replicas asked for"
                            + " (REDIS_WAIT_REPLICAS) confirmed them within " + timeout
                            + "; the batch counts as failed and is sent again");
                }
            }
        }
    }

    /** The connection a {@code CLIENT INFO} reply describes: its id and both ends' addresses. */
    private static String connectionOf(String clientInfo) {
        String[] fields = clientInfo.trim().split(" ");
        StringBuilder connection = new StringBuilder();
        for (String field : fields) {
            if (field.startsWith("id=") || field.startsWith("addr=") || field.startsWith("laddr=")) {
                connection.append(connection.isEmpty() ? "" : " ").append(field);
            }
        }
        return connection.toString();
    }

    private static <T> T answer(RedisFuture<T> reply, long timeoutMillis) {
        try {
            return reply.get(timeoutMillis + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RedisConnectionFailureException(
                    "Redis failed while waiting for replicas: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new QueryTimeoutException("Redis did not answer WAIT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisSystemException("Interrupted while waiting for Redis replicas", e);
        }
    }
}
