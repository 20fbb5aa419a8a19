package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * {@code Idempotency-Key}: one Redis record per caller and key, shared by every replica. A request
 * first claims the record in one atomic script; the claim says whether to publish, replay the
 * stored answer, refuse a different request under the same key (422) or wait for one still
 * running (409). The claim carries the event id, which a retry after a failure reuses: if the
 * failed attempt reached Kafka after all, the fan-out's ledger (keyed by {@code ce_id}) absorbs
 * the second copy.
 */
class Idempotency {

    /** What the claim decided. */
    sealed interface Claim permits Claimed, Replay, Busy, Mismatch {}

    /** Go ahead and publish, with this event id. */
    record Claimed(String key, String eventId) implements Claim {}

    /** The first answer, to send again. */
    record Replay(int status, String body) implements Claim {}

    /** The first request with this key is still running. */
    record Busy() implements Claim {}

    /** The key was used for a different request. */
    record Mismatch() implements Claim {}

    private static final DefaultRedisScript<List> CLAIM = new DefaultRedisScript<>("""
            local stored = redis.call('GET', KEYS[1])
            local eventId = ARGV[1]
            if stored then
              local record = cjson.decode(stored)
              if record.fingerprint ~= ARGV[2] then return {'mismatch', ''} end
              if record.state == 'done' then return {'done', stored} end
              if record.state == 'pending' and tonumber(record['until']) > tonumber(ARGV[3]) then
                return {'busy', ''}
              end
              eventId = record.eventId
            end
            redis.call('SET', KEYS[1], cjson.encode({state = 'pending', fingerprint = ARGV[2], eventId = eventId,
              ['until'] = tonumber(ARGV[3]) + tonumber(ARGV[4])}), 'PX', ARGV[5])
            return {'claimed', eventId}
            """, List.class);

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;
    private final Duration lock;
    private final ObjectMapper json;

    Idempotency(StringRedisTemplate redis, String prefix, Duration ttl, Duration lock, ObjectMapper json) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
        this.lock = lock;
        this.json = json;
    }

    /**
     * Claims a key for a request.
     *
     * @param fingerprint what makes two requests the same (topic, event key, body)
     * @throws org.springframework.dao.DataAccessException when Redis cannot be reached
     */
    Claim claim(String caller, String idempotencyKey, String fingerprint) {
        String key = prefix + ":" + caller + ":" + sha256(idempotencyKey);
        List<?> result = redis.execute(
                CLAIM,
                List.of(key),
                UUID.randomUUID().toString(),
                fingerprint,
                Long.toString(System.currentTimeMillis()),
                Long.toString(lock.toMillis()),
                Long.toString(ttl.toMillis()));
        String outcome = String.valueOf(result.get(0));
        String value = String.valueOf(result.get(1));
        return switch (outcome) {
            case "claimed" -> new Claimed(key, value);
            case "busy" -> new Busy();
            case "mismatch" -> new Mismatch();
            case "done" -> {
                JsonNode record = read(value);
                yield new Replay(
                        record.path("status").asInt(), record.path("body").asText());
            }
            default -> throw new IllegalStateException("Unexpected idempotency claim outcome " + outcome);
        };
    }

    /** Stores the answer to replay. */
    void complete(Claimed claim, String fingerprint, int status, String body) {
        ObjectNode record = json.createObjectNode()
                .put("state", "done")
                .put("fingerprint", fingerprint)
                .put("eventId", claim.eventId())
                .put("status", status)
                .put("body", body);
        redis.opsForValue().set(claim.key(), record.toString(), ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Releases the claim after a failure; the next attempt reuses the event id. */
    void fail(Claimed claim, String fingerprint) {
        ObjectNode record = json.createObjectNode()
                .put("state", "failed")
                .put("fingerprint", fingerprint)
                .put("eventId", claim.eventId());
        redis.opsForValue().set(claim.key(), record.toString(), ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String fingerprint(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprint(String head, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(head.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String value) {
        return fingerprint(value);
    }

    private JsonNode read(String value) {
        try {
            return json.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
