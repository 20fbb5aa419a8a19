package io.quckchat.router.delivery;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandType;
import io.quckchat.camel.bullmq.EncodedArgs;
import io.quckchat.router.event.Leg;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The per-leg delivery ledger (docs/contract.md §8), shared by all replicas through Redis: one hash per
 * event, {@code <prefix>:<eventId>}, field = leg name, value = how it ended, expiring after the
 * configured TTL. Before an event's legs are sent the ledger is read, and legs already done are
 * skipped; so a replay after a crash or rebalance, or an event produced twice with one
 * {@code ce_id}, sends only what is missing.
 *
 * <p>The ledger saves duplicates; it never holds deliveries back. Writes are batched in the
 * background after a leg is confirmed; when Redis is down reads are skipped (everything is sent,
 * at least once) and writes wait in a bounded buffer. The rare duplicate this allows carries the
 * same RabbitMQ {@code message_id} or BullMQ {@code jobId} as the first delivery.
 *
 * <p>Reads and writes are pipelined on the application's shared Lettuce connection (Spring's
 * {@code executePipelined} would open a new connection per call without a pool): one round trip
 * per poll to read, one per batch to write, with one {@code HSET} and one {@code PEXPIRE} per event.
 */
public class Ledger {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);
    private static final long READ_PAUSE_AFTER_FAILURE_MS = 2000;

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;
    private final Duration timeout;
    private final BlockingQueue<Leg> pendingWrites = new ArrayBlockingQueue<>(200_000);
    private volatile long readsPausedUntil;
    private volatile boolean running;
    private Thread writer;

    /** @param timeout how long a read or write waits for Redis before it counts as failed */
    public Ledger(StringRedisTemplate redis, String prefix, Duration ttl, Duration timeout) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public String key(String eventId) {
        return prefix + ":" + eventId;
    }

    /**
     * Starts reading the legs already done for these events and returns at once, so that the caller
     * can route the events while Redis answers; {@link Read#answer()} gives the answer.
     */
    public Read read(List<String> eventIds) {
        if (eventIds.isEmpty() || System.currentTimeMillis() < readsPausedUntil) {
            return new Read(eventIds, null);
        }
        byte[][] keys = new byte[eventIds.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = utf8(key(eventIds.get(i)));
        }
        try {
            return new Read(eventIds, readAll(keys));
        } catch (RuntimeException e) {
            unreadable(e);
            return new Read(eventIds, null);
        }
    }

    /** A read whose answer is given, not asked of Redis: the seam for unit tests of the dispatcher. */
    Read given(CompletableFuture<Map<String, Set<String>>> answer) {
        return new Read(List.of(), null, answer);
    }

    /** A ledger read in flight. */
    public final class Read {

        private final List<String> eventIds;
        private final CompletableFuture<List<Object>> reply;
        private final CompletableFuture<Map<String, Set<String>>> given;

        /** @param reply null: nothing to wait for (no events, or Redis is being skipped) */
        private Read(List<String> eventIds, CompletableFuture<List<Object>> reply) {
            this(eventIds, reply, null);
        }

        private Read(
                List<String> eventIds,
                CompletableFuture<List<Object>> reply,
                CompletableFuture<Map<String, Set<String>>> given) {
            this.eventIds = eventIds;
            this.reply = reply;
            this.given = given;
        }

        /**
         * Event id to the names of its legs already done, once Redis answers; empty when it did not
         * answer within the timeout or failed. Never completes exceptionally.
         */
        public CompletableFuture<Map<String, Set<String>>> answer() {
            if (given != null) {
                return given;
            }
            if (reply == null) {
                return CompletableFuture.completedFuture(Map.of());
            }
            // a dependent future: its timeout must not cancel the command on the shared connection
            return reply.thenApply(this::done)
                    .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .exceptionally(error -> {
                        unreadable(error);
                        return Map.of();
                    });
        }

        private Map<String, Set<String>> done(List<Object> fields) {
            Map<String, Set<String>> done = new HashMap<>();
            for (int i = 0; i < eventIds.size(); i++) {
                if (fields.get(i) instanceof List<?> names && !names.isEmpty()) {
                    Set<String> legs = done.computeIfAbsent(eventIds.get(i), id -> new HashSet<>());
                    names.forEach(name -> legs.add(new String((byte[]) name, StandardCharsets.UTF_8)));
                }
            }
            return done;
        }
    }

    private void unreadable(Throwable e) {
        readsPausedUntil = System.currentTimeMillis() + READ_PAUSE_AFTER_FAILURE_MS;
        log.warn("Ledger unreadable, delivering without it for {} ms: {}", READ_PAUSE_AFTER_FAILURE_MS, e.toString());
    }

    /** Notes a delivered or dead-lettered leg, soon. */
    public void record(Leg leg) {
        if (!pendingWrites.offer(leg)) {
            log.warn("Ledger write buffer full; {} may be delivered again if its event is replayed", leg.describe());
        }
    }

    public void start() {
        running = true;
        writer = new Thread(this::writeLoop, "ledger-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public void stop() {
        running = false;
        if (writer != null) {
            writer.interrupt();
            try {
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush(drain());
    }

    private void writeLoop() {
        while (running) {
            List<Leg> batch;
            try {
                Leg first = pendingWrites.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch = new ArrayList<>();
                batch.add(first);
                pendingWrites.drainTo(batch, 2000);
            } catch (InterruptedException e) {
                return;
            }
            if (!flush(batch)) {
                batch.forEach(pendingWrites::offer);
                try {
                    Thread.sleep(1000); // back off while Redis is away; the legs wait in the buffer
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * One round trip for a poll's reads: the legs done (HKEYS) of every event key. Scripts keep the
     * ledger to one command per batch instead of one or two per event (standalone Redis; on a
     * cluster the keys of a batch would span slots).
     */
    private static final byte[] READ =
            utf8("local done = {} for i, key in ipairs(KEYS) do done[i] = redis.call('HKEYS', key) end return done");

    /**
     * One round trip for a batch of writes. ARGV: the TTL in milliseconds, then per key the number of
     * legs and their name/outcome pairs.
     */
    private static final byte[] WRITE = utf8("local a = 2 "
            + "for _, key in ipairs(KEYS) do "
            + "  local n = tonumber(ARGV[a]) "
            + "  redis.call('HSET', key, unpack(ARGV, a + 1, a + 2 * n)) "
            + "  redis.call('PEXPIRE', key, ARGV[1]) "
            + "  a = a + 1 + 2 * n "
            + "end "
            + "return #KEYS");

    /**
     * Reads the legs done of these keys: one script call on a standalone or Sentinel master; on a
     * Redis Cluster one per slot (a script may only touch keys of one slot), all in flight at once,
     * and the answers put back in the order of {@code keys}.
     */
    @SuppressWarnings("unchecked")
    private CompletableFuture<List<Object>> readAll(byte[][] keys) {
        RedisClusterAsyncCommands<byte[], byte[]> connection = nativeConnection();
        if (!(connection instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster)) {
            return eval(connection, READ, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), keys)
                    .toCompletableFuture();
        }
        Map<Integer, List<Integer>> bySlot = bySlot(keys);
        Object[] answers = new Object[keys.length];
        List<CompletableFuture<?>> calls = new ArrayList<>(bySlot.size());
        for (List<Integer> positions : bySlot.values()) {
            byte[][] slotKeys = positions.stream().map(i -> keys[i]).toArray(byte[][]::new);
            calls.add(cluster.<List<Object>>eval(READ, ScriptOutputType.MULTI, slotKeys)
                    .toCompletableFuture()
                    .thenAccept(answer -> {
                        for (int j = 0; j < positions.size(); j++) {
                            answers[positions.get(j)] = answer.get(j);
                        }
                    }));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(done -> java.util.Arrays.asList(answers));
    }

    /** The positions of {@code keys} by their cluster slot. */
    private static Map<Integer, List<Integer>> bySlot(byte[][] keys) {
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            bySlot.computeIfAbsent(SlotHash.getSlot(keys[i]), slot -> new ArrayList<>())
                    .add(i);
        }
        return bySlot;
    }

    @SuppressWarnings("unchecked")
    private RedisClusterAsyncCommands<byte[], byte[]> nativeConnection() {
        return redis.execute((RedisCallback<RedisClusterAsyncCommands<byte[], byte[]>>)
                connection -> (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection());
    }

    /**
     * Sends a script call on the shared connection and returns without waiting for the answer. Its
     * arguments (a key and a few fields per event) are encoded into one array ({@link EncodedArgs}).
     */
    @SuppressWarnings("unchecked")
    private static <T> RedisFuture<T> eval(
            RedisClusterAsyncCommands<byte[], byte[]> connection,
            byte[] script,
            CommandOutput<byte[], byte[], T> output,
            byte[][] keys,
            byte[]... args) {
        return connection.dispatch(CommandType.EVAL, output, EncodedArgs.script(script, keys, args));
    }

    /** Waits for the answer, at most the configured timeout. */
    private <T> T await(RedisFuture<T> reply) throws ExecutionException, TimeoutException {
        try {
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while waiting for Redis");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Leg> drain() {
        List<Leg> rest = new ArrayList<>();
        pendingWrites.drainTo(rest);
        return rest;
    }

    private boolean flush(List<Leg> batch) {
        if (batch.isEmpty()) {
            return true;
        }
        long ttlMillis = ttl.toMillis();
        Map<String, List<byte[]>> byEvent = new LinkedHashMap<>();
        for (Leg leg : batch) {
            List<byte[]> fields = byEvent.computeIfAbsent(key(leg.event().id()), k -> new ArrayList<>());
            fields.add(utf8(leg.name()));
            fields.add(utf8(leg.outcome().name()));
        }
        byte[][] allKeys = byEvent.keySet().stream().map(Ledger::utf8).toArray(byte[][]::new);
        List<List<byte[]>> fields = new ArrayList<>(byEvent.values());
        // on a Redis Cluster one script call per slot, else one for the batch
        RedisClusterAsyncCommands<byte[], byte[]> connection = nativeConnection();
        RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster =
                connection instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> c ? c : null;
        Collection<List<Integer>> groups = cluster != null
                ? bySlot(allKeys).values()
                : List.of(java.util.stream.IntStream.range(0, allKeys.length)
                        .boxed()
                        .toList());
        try {
            List<RedisFuture<Long>> writes = new ArrayList<>(groups.size());
            for (List<Integer> group : groups) {
                byte[][] keys = new byte[group.size()][];
                List<byte[]> args = new ArrayList<>(1 + group.size() * 3);
                args.add(utf8(Long.toString(ttlMillis)));
                for (int k = 0; k < keys.length; k++) {
                    keys[k] = allKeys[group.get(k)];
                    List<byte[]> legs = fields.get(group.get(k));
                    args.add(utf8(Integer.toString(legs.size() / 2)));
                    args.addAll(legs);
                }
                byte[][] values = args.toArray(byte[][]::new);
                writes.add(
                        cluster != null // routed by its first key
                                ? cluster.eval(WRITE, ScriptOutputType.INTEGER, keys, values)
                                : eval(connection, WRITE, new IntegerOutput<>(ByteArrayCodec.INSTANCE), keys, values));
            }
            for (RedisFuture<Long> write : writes) {
                await(write);
            }
            return true;
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            log.debug("Ledger write of {} legs failed, will retry: {}", batch.size(), e.toString());
            return false;
        }
    }
}
