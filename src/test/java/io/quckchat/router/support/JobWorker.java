package io.quckchat.router.support;

import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * The Redis steps a BullMQ worker takes on one job, done by the test so a job can be failed with a
 * reason and stack trace, or completed, exactly as a stock worker leaves it (wire-format notes,
 * shared/design/bullmq-wire-format.md §2 and §4.3): take it to active ({@code processedOn},
 * {@code ats}), then finish it ({@code atm}, {@code finishedOn}, {@code failedReason} as plain text
 * and {@code stacktrace} as a JSON array, or {@code returnvalue}; the id in the failed or completed
 * sorted set scored by finishedOn; an event on the stream). Written from those facts; no BullMQ
 * code. Takes a given job, so a test knows which one it fails.
 */
public final class JobWorker {

    // KEYS 1 job hash 2 wait 3 prioritized 4 active 5 failed 6 completed 7 events
    // ARGV 1 id 2 "fail"|"complete" 3 now ms 4 failedReason or returnvalue 5 stacktrace JSON
    private static final DefaultRedisScript<Long> RUN = new DefaultRedisScript<>("""
            local call = redis.call
            if call('EXISTS', KEYS[1]) == 0 then return -1 end
            local id, now = ARGV[1], ARGV[3]
            local taken = call('LREM', KEYS[2], 0, id) + call('ZREM', KEYS[3], id)
            if taken == 0 then return -3 end
            call('LPUSH', KEYS[4], id)
            call('HSET', KEYS[1], 'processedOn', now)
            call('HINCRBY', KEYS[1], 'ats', 1)
            call('XADD', KEYS[7], '*', 'event', 'active', 'jobId', id, 'prev', 'waiting')
            call('LREM', KEYS[4], 0, id)
            call('HINCRBY', KEYS[1], 'atm', 1)
            if ARGV[2] == 'fail' then
              call('HSET', KEYS[1], 'failedReason', ARGV[4], 'stacktrace', ARGV[5], 'finishedOn', now)
              call('ZADD', KEYS[5], now, id)
              call('XADD', KEYS[7], '*', 'event', 'failed', 'jobId', id, 'failedReason', ARGV[4], 'prev', 'active')
            else
              call('HSET', KEYS[1], 'returnvalue', ARGV[4], 'finishedOn', now)
              call('ZADD', KEYS[6], now, id)
              call('XADD', KEYS[7], '*', 'event', 'completed', 'jobId', id, 'returnvalue', ARGV[4], 'prev', 'active')
            end
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final String prefix;

    /** @param prefix the BullMQ key prefix, e.g. {@link Namespace#bullPrefix()} */
    public JobWorker(StringRedisTemplate redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    /** Takes the job from wait or prioritized and fails it; the stack trace is one JSON string array. */
    public void fail(String queue, String id, String reason, String stacktraceJson) {
        run(queue, id, "fail", reason, stacktraceJson);
    }

    /** Takes the job from wait or prioritized and completes it with this return value (JSON text). */
    public void complete(String queue, String id, String returnValueJson) {
        run(queue, id, "complete", returnValueJson, "");
    }

    private void run(String queue, String id, String mode, String text, String stack) {
        String base = prefix + ":" + queue + ":";
        Long result = redis.execute(
                RUN,
                List.of(
                        base + id,
                        base + "wait",
                        base + "prioritized",
                        base + "active",
                        base + "failed",
                        base + "completed",
                        base + "events"),
                id,
                mode,
                Long.toString(System.currentTimeMillis()),
                text,
                stack);
        if (result == null || result != 1L) {
            throw new IllegalStateException("Job " + id + " of " + queue + " not taken (" + result + ")");
        }
    }
}
