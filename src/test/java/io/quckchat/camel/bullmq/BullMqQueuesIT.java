package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * {@link BullMqQueues} on a real Redis. Failed and active jobs are set up here with the writes a
 * worker makes; the interop suite (src/test/node) checks the same reads against stock workers.
 */
class BullMqQueuesIT {

    private static final TestRedis REDIS = TestRedis.get();

    private final StringRedisTemplate redis = REDIS.redis();
    private String prefix;
    private BullMqClient client;
    private BullMqQueues queues;

    @BeforeEach
    void setUp() {
        prefix = TestRedis.randomPrefix();
        client = new BullMqClient(REDIS.factory(), prefix);
        queues = new BullMqQueues(REDIS.factory(), prefix);
    }

    @AfterEach
    void cleanUp() {
        REDIS.deleteAll(prefix);
    }

    private String key(String queue, String suffix) {
        return prefix + ":" + queue + ":" + suffix;
    }

    /** What a worker leaves when a job fails for good. */
    private void failAsAWorkerWould(String queue, String id, long finishedOn) {
        redis.opsForList().remove(key(queue, "wait"), 0, id);
        redis.opsForZSet().add(key(queue, "failed"), id, finishedOn);
        redis.opsForHash()
                .putAll(
                        key(queue, id),
                        Map.of(
                                "failedReason", "boom",
                                "stacktrace", "[\"Error: boom\\n    at a (x.js:1:1)\",\"Error: boom\\n    at b\"]",
                                "atm", "2",
                                "ats", "2",
                                "processedOn", Long.toString(finishedOn - 5),
                                "finishedOn", Long.toString(finishedOn)));
    }

    @Test
    void countsEveryState() {
        client.add("q", "a", "{}", null);
        client.add("q", "b", "{}", null);
        client.add("q", "c", "{}", BullMqJobOptions.builder().priority(2).build());
        client.add("q", "d", "{}", BullMqJobOptions.builder().delay(60_000L).build());
        client.add("q", "e", "{}", null);
        failAsAWorkerWould("q", "5", 1000);
        redis.opsForList().rightPopAndLeftPush(key("q", "wait"), key("q", "active"));

        Map<BullMqState, Long> counts = queues.counts("q");
        assertThat(counts)
                .containsExactly(
                        Map.entry(BullMqState.WAITING, 1L),
                        Map.entry(BullMqState.ACTIVE, 1L),
                        Map.entry(BullMqState.DELAYED, 1L),
                        Map.entry(BullMqState.PRIORITIZED, 1L),
                        Map.entry(BullMqState.COMPLETED, 0L),
                        Map.entry(BullMqState.FAILED, 1L),
                        Map.entry(BullMqState.PAUSED, 0L),
                        Map.entry(BullMqState.WAITING_CHILDREN, 0L));
        assertThat(queues.counts("empty"))
                .allSatisfy((state, count) -> assertThat(count).isZero());
    }

    @Test
    void listsPagesInNodesDefaultOrder() {
        for (int i = 0; i < 5; i++) {
            client.add("q", "w" + i, "{\"i\":" + i + "}", null);
        }
        client.add("q", "p5", "{}", BullMqJobOptions.builder().priority(5).build());
        client.add("q", "p1", "{}", BullMqJobOptions.builder().priority(1).build());

        // wait: index 0 is the newest; the next job to run is last.
        assertThat(queues.jobs("q", BullMqState.WAITING, 0, -1))
                .extracting(BullMqJobInfo::id)
                .containsExactly("5", "4", "3", "2", "1");
        assertThat(queues.jobs("q", BullMqState.WAITING, 1, 2))
                .extracting(BullMqJobInfo::id)
                .containsExactly("4", "3");
        BullMqJobInfo first = queues.jobs("q", BullMqState.WAITING, 4, 4).get(0);
        assertThat(first.name()).isEqualTo("w0");
        assertThat(first.data()).isEqualTo("{\"i\":0}");
        assertThat(first.state()).isEqualTo(BullMqState.WAITING);
        // sorted sets: highest score first.
        assertThat(queues.jobs("q", BullMqState.PRIORITIZED, 0, -1))
                .extracting(BullMqJobInfo::id)
                .containsExactly("6", "7");

        failAsAWorkerWould("q", "1", 1000);
        failAsAWorkerWould("q", "2", 3000);
        failAsAWorkerWould("q", "3", 2000);
        assertThat(queues.jobs("q", BullMqState.FAILED, 0, 1))
                .extracting(BullMqJobInfo::id)
                .containsExactly("2", "3");
        // An id whose hash is gone is left out.
        redis.delete(key("q", "2"));
        assertThat(queues.jobs("q", BullMqState.FAILED, 0, -1))
                .extracting(BullMqJobInfo::id)
                .containsExactly("3", "1");
        assertThatThrownBy(() -> queues.jobs("q", BullMqState.UNKNOWN, 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsOneJobWithItsFailureAndState() {
        long ts = 1_700_000_000_000L;
        client.add(
                "q",
                "n",
                "{\"a\":1}",
                BullMqJobOptions.defaults().toBuilder().timestamp(ts).build());
        failAsAWorkerWould("q", "1", ts + 100);

        BullMqJobInfo job = queues.job("q", "1").orElseThrow();
        assertThat(job.state()).isEqualTo(BullMqState.FAILED);
        assertThat(job.name()).isEqualTo("n");
        assertThat(job.data()).isEqualTo("{\"a\":1}");
        assertThat(job.opts())
                .isEqualTo(BullMqJobOptions.defaults().toBuilder()
                        .timestamp(ts)
                        .build()
                        .toJson());
        assertThat(job.timestamp()).isEqualTo(ts);
        assertThat(job.processedOn()).isEqualTo(ts + 95);
        assertThat(job.finishedOn()).isEqualTo(ts + 100);
        assertThat(job.attemptsMade()).isEqualTo(2);
        assertThat(job.attemptsStarted()).isEqualTo(2);
        assertThat(job.failedReason()).isEqualTo("boom");
        assertThat(job.stacktrace()).containsExactly("Error: boom\n    at a (x.js:1:1)", "Error: boom\n    at b");
        assertThat(job.returnvalue()).isNull();
        assertThat(job.fields()).containsEntry("atm", "2");

        assertThat(queues.job("q", "nope")).isEmpty();
    }

    @Test
    void findsTheStateOfEveryKindOfJob() {
        client.add("q", "w", "{}", null);
        client.add("q", "p", "{}", BullMqJobOptions.builder().priority(1).build());
        client.add("q", "d", "{}", BullMqJobOptions.builder().delay(10_000L).build());
        client.add("q", "a", "{}", null);
        redis.opsForList().rightPopAndLeftPush(key("q", "wait"), key("q", "active"));
        client.add("q", "c", "{}", null);
        redis.opsForList().remove(key("q", "wait"), 0, "5");
        redis.opsForZSet().add(key("q", "completed"), "5", 1);
        redis.opsForHash().put(key("q", "meta"), "paused", "1");
        client.add("q", "z", "{}", null);

        assertThat(List.of("1", "2", "3", "4", "5", "6"))
                .extracting(id -> queues.job("q", id).orElseThrow().state())
                .containsExactly(
                        BullMqState.ACTIVE,
                        BullMqState.PRIORITIZED,
                        BullMqState.DELAYED,
                        BullMqState.WAITING,
                        BullMqState.COMPLETED,
                        BullMqState.PAUSED);
        assertThat(queues.isPaused("q")).isTrue();
        assertThat(queues.isPaused("other")).isFalse();
        assertThat(queues.counts("q")).containsEntry(BullMqState.PAUSED, 1L);
    }

    @Test
    void retryMovesAFailedJobBackToWaitLikeJobRetry() {
        client.add("q", "n", "{}", null);
        failAsAWorkerWould("q", "1", 1000);
        redis.delete(key("q", "marker"));

        assertThat(queues.retry("q", "1")).isTrue();

        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("1");
        assertThat(redis.opsForZSet().size(key("q", "failed"))).isZero();
        assertThat(redis.opsForZSet().score(key("q", "marker"), "0")).isEqualTo(0.0);
        Map<Object, Object> hash = redis.opsForHash().entries(key("q", "1"));
        assertThat(hash).doesNotContainKeys("finishedOn", "processedOn", "failedReason");
        assertThat(hash).containsEntry("atm", "2").containsKey("stacktrace");
        List<MapRecord<String, Object, Object>> events =
                redis.opsForStream().range(key("q", "events"), Range.unbounded());
        assertThat(events.get(events.size() - 1).getValue())
                .isEqualTo(Map.of("event", "waiting", "jobId", "1", "prev", "failed"));
        assertThat(queues.job("q", "1").orElseThrow().state()).isEqualTo(BullMqState.WAITING);

        // Only a failed job can be retried.
        assertThat(queues.retry("q", "1")).isFalse();
        assertThat(queues.retry("q", "missing")).isFalse();
        assertThat(redis.opsForList().size(key("q", "wait"))).isEqualTo(1);
    }

    @Test
    void retryKeepsPriorityLifoAndThePausedRules() {
        client.add("q", "p", "{}", BullMqJobOptions.builder().priority(4).build());
        client.add("q", "l", "{}", BullMqJobOptions.builder().lifo(true).build());
        client.add("q", "f", "{}", null);
        redis.delete(key("q", "prioritized"));
        for (String id : List.of("1", "2", "3")) {
            failAsAWorkerWould("q", id, 1000);
        }
        assertThat(queues.retry("q", "1", true)).isTrue();
        assertThat(redis.opsForZSet().range(key("q", "prioritized"), 0, -1)).containsExactly("1");
        assertThat(redis.opsForHash().hasKey(key("q", "1"), "atm")).isFalse();

        assertThat(queues.retry("q", "3")).isTrue();
        assertThat(queues.retry("q", "2")).isTrue();
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("3", "2");

        redis.opsForHash().putAll(key("v5", "meta"), Map.of("version", "bullmq:5.81.5"));
        client.add("v5", "n", "{}", null);
        failAsAWorkerWould("v5", "1", 1000);
        redis.opsForHash().put(key("v5", "meta"), "paused", "1");
        redis.delete(key("v5", "marker"));
        assertThat(queues.retry("v5", "1")).isTrue();
        assertThat(redis.opsForList().range(key("v5", "paused"), 0, -1)).containsExactly("1");
        assertThat(redis.hasKey(key("v5", "marker"))).isFalse();
    }

    @Test
    void listsQueuesAndFindsAJobById() {
        client.add(
                "email",
                "n",
                "{}",
                BullMqJobOptions.builder().jobId("evt-7.welcome").build());
        client.add("push", "n", "{}", null);
        client.add(
                "push",
                "n",
                "{}",
                BullMqJobOptions.builder().jobId("evt-7.welcome").build());

        assertThat(queues.queues()).containsExactly("email", "push");
        assertThat(queues.findJob("evt-7.welcome"))
                .extracting(BullMqJobInfo::queue)
                .containsExactly("email", "push");
        assertThat(queues.findJob("1")).extracting(BullMqJobInfo::queue).containsExactly("push");
        assertThat(queues.findJob("none")).isEmpty();
    }
}
