package io.quckchat.router.delivery;

import io.quckchat.router.fanout.ChatEvent;
import io.quckchat.router.fanout.Leg;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.StringRedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The per-leg delivery ledger (CONTRACT §8), shared by all replicas through Redis: one hash per
 * event, {@code <prefix>:<eventId>}, field = leg name, value = how it ended, expiring after the
 * configured TTL. Before an event's legs are sent the ledger is read, and legs already done are
 * skipped; so a replay after a crash or rebalance, or an event produced twice with one
 * {@code ce_id}, sends only what is missing.
 *
 * <p>The ledger saves duplicates; it never holds deliveries back. Writes are batched in the
 * background after a leg is confirmed; when Redis is down reads are skipped (everything is sent,
 * at least once) and writes wait in a bounded buffer. The rare duplicate this allows carries the
 * same RabbitMQ {@code message_id} or BullMQ {@code jobId} as the first delivery.
 */
public class Ledger {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);
    private static final long READ_PAUSE_AFTER_FAILURE_MS = 2000;

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;
    private final BlockingQueue<Leg> pendingWrites = new ArrayBlockingQueue<>(200_000);
    private volatile long readsPausedUntil;
    private volatile boolean running;
    private Thread writer;

    public Ledger(StringRedisTemplate redis, String prefix, Duration ttl) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
    }

    public String key(String eventId) {
        return prefix + ":" + eventId;
    }

    /** The legs already done for each of these events, in one round trip; empty when Redis is unreachable. */
    public Map<String, Set<String>> done(List<ChatEvent> events) {
        if (events.isEmpty() || System.currentTimeMillis() < readsPausedUntil) {
            return Map.of();
        }
        try {
            List<Object> replies = redis.executePipelined((RedisCallback<Object>) connection -> {
                StringRedisConnection strings = (StringRedisConnection) connection;
                for (ChatEvent event : events) {
                    strings.hKeys(key(event.id()));
                }
                return null;
            });
            Map<String, Set<String>> done = new HashMap<>();
            for (int i = 0; i < events.size(); i++) {
                Object reply = replies.get(i);
                if (reply instanceof Set<?> fields && !fields.isEmpty()) {
                    Set<String> names = new HashSet<>();
                    fields.forEach(field -> names.add(field.toString()));
                    done.computeIfAbsent(events.get(i).id(), id -> new HashSet<>())
                            .addAll(names);
                }
            }
            return done;
        } catch (RuntimeException e) {
            readsPausedUntil = System.currentTimeMillis() + READ_PAUSE_AFTER_FAILURE_MS;
            log.warn(
                    "Ledger unreadable, delivering without it for {} ms: {}",
                    READ_PAUSE_AFTER_FAILURE_MS,
                    e.toString());
            return Map.of();
        }
    }

    /** Notes a delivered or dead-lettered leg, soon. */
    public void record(Leg leg) {
        if (!pendingWrites.offer(leg)) {
            log.warn("Ledger write buffer full; {} may be delivered again if its event is replayed", leg.describe());
        }
    }

    /** Forgets a leg, so that a redrive of it is not skipped. */
    public void forget(String eventId, String legName) {
        redis.opsForHash().delete(key(eventId), legName);
    }

    public Map<Object, Object> entries(String eventId) {
        return redis.opsForHash().entries(key(eventId));
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
        try {
            redis.executePipelined((RedisCallback<Object>) connection -> {
                for (Leg leg : batch) {
                    byte[] key = key(leg.event().id()).getBytes(StandardCharsets.UTF_8);
                    connection
                            .hashCommands()
                            .hSet(
                                    key,
                                    leg.name().getBytes(StandardCharsets.UTF_8),
                                    leg.outcome().name().getBytes(StandardCharsets.UTF_8));
                    connection.keyCommands().pExpire(key, ttlMillis);
                }
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            log.debug("Ledger write of {} legs failed, will retry: {}", batch.size(), e.toString());
            return false;
        }
    }
}
