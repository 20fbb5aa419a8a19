package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The actions of {@link BullMqQueues} (pause, resume, promote, clean, logs) on a real Redis, key by
 * key, including the answers when a job moved or went meanwhile. The interop suite (src/test/node,
 * actions.test.js) checks the same actions against stock BullMQ 5 and 6 workers.
 */
class BullMqQueueActionsIT {

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

    private void version(String queue, String version) {
        redis.opsForHash().put(key(queue, "meta"), "version", version);
    }

    private List<String> list(String queue, String suffix) {
        return redis.opsForList().range(key(queue, suffix), 0, -1);
    }

    private List<Map<Object, Object>> events(String queue) {
        return redis.opsForStream().range(key(queue, "events"), Range.unbounded()).stream()
                .map(MapRecord::getValue)
                .toList();
    }

    private Map<Object, Object> lastEvent(String queue) {
        List<Map<Object, Object>> events = events(queue);
        return events.get(events.size() - 1);
    }

    /** What a worker leaves when a job finishes for good: out of wait, into completed/failed at finishedOn. */
    private void finish(String queue, String id, String set, long finishedOn) {
        redis.opsForList().remove(key(queue, "wait"), 0, id);
        redis.opsForZSet().add(key(queue, set), id, finishedOn);
        redis.opsForHash().put(key(queue, id), "finishedOn", Long.toString(finishedOn));
        redis.opsForList().rightPushAll(key(queue, id + ":logs"), "started " + id, "done " + id);
    }

    @Test
    void pauseOfABullMq5QueueMovesWaitToPausedAndResumeBringsEveryJobBack() {
        version("q", "bullmq:5.81.5");
        client.add("q", "a", "{}", null);
        client.add("q", "b", "{}", null);
        assertThat(list("q", "wait")).containsExactly("2", "1");

        assertThat(queues.pause("q")).isTrue();

        assertThat(queues.isPaused("q")).isTrue();
        assertThat(redis.hasKey(key("q", "wait"))).isFalse();
        assertThat(list("q", "paused")).containsExactly("2", "1");
        assertThat(redis.hasKey(key("q", "marker"))).isFalse();
        assertThat(lastEvent("q")).isEqualTo(Map.of("event", "paused"));
        assertThat(queues.counts("q")).containsEntry(BullMqState.PAUSED, 2L).containsEntry(BullMqState.WAITING, 0L);

        // While paused: a job added by the BullMQ 5 rule (to paused), and one a v6-style producer put in wait.
        client.add("q", "c", "{}", null);
        redis.opsForList().leftPush(key("q", "wait"), "x");
        // Paused again, as Node allows: nothing is overwritten, wait's job queues behind the paused ones.
        assertThat(queues.pause("q")).isFalse();
        assertThat(list("q", "paused")).containsExactly("x", "3", "2", "1");
        redis.opsForList().leftPush(key("q", "wait"), "y");

        assertThat(queues.resume("q")).isTrue();

        assertThat(queues.isPaused("q")).isFalse();
        assertThat(redis.hasKey(key("q", "paused"))).isFalse();
        // The paused jobs run first (right end), then y: no job lost.
        assertThat(list("q", "wait")).containsExactly("y", "x", "3", "2", "1");
        assertThat(redis.opsForZSet().score(key("q", "marker"), "0")).isEqualTo(0.0);
        assertThat(lastEvent("q")).isEqualTo(Map.of("event", "resumed"));
        assertThat(queues.resume("q")).isFalse();
        assertThat(events("q").stream().filter(e -> e.get("event").equals("paused")))
                .hasSize(2);
    }

    @Test
    void aQueueWithoutAVersionIsPausedTheBullMq5Way() {
        client.add("q", "a", "{}", null);
        assertThat(queues.pause("q")).isTrue();
        assertThat(list("q", "paused")).containsExactly("1");
        assertThat(redis.hasKey(key("q", "wait"))).isFalse();
        assertThat(queues.resume("q")).isTrue();
        assertThat(list("q", "wait")).containsExactly("1");
    }

    @Test
    void pauseOfABullMq6QueueKeepsTheJobsInWaitAndResumeMergesALegacyPausedList() {
        version("q", "bullmq:6.7.0");
        client.add("q", "a", "{}", null);
        client.add("q", "b", "{}", null);

        assertThat(queues.pause("q")).isTrue();

        assertThat(list("q", "wait")).containsExactly("2", "1");
        assertThat(redis.hasKey(key("q", "paused"))).isFalse();
        assertThat(redis.hasKey(key("q", "marker"))).isFalse();
        assertThat(redis.opsForHash().get(key("q", "meta"), "paused")).isEqualTo("1");
        assertThat(queues.counts("q")).containsEntry(BullMqState.WAITING, 2L);

        client.add("q", "c", "{}", null);
        redis.opsForList().rightPushAll(key("q", "paused"), "old2", "old1");
        assertThat(queues.resume("q")).isTrue();

        assertThat(list("q", "wait")).containsExactly("3", "2", "1", "old2", "old1");
        assertThat(redis.hasKey(key("q", "paused"))).isFalse();
        assertThat(redis.opsForHash().hasKey(key("q", "meta"), "paused")).isFalse();
    }

    @Test
    void resumeWithNothingReadySetsTheDelayedMarker() {
        client.add(
                "q",
                "d",
                "{}",
                BullMqJobOptions.builder().delay(60_000L).timestamp(1_000_000L).build());
        queues.pause("q");
        assertThat(redis.hasKey(key("q", "marker"))).isFalse();
        queues.resume("q");
        assertThat(redis.opsForZSet().rangeWithScores(key("q", "marker"), 0, -1))
                .singleElement()
                .satisfies(marker -> {
                    assertThat(marker.getValue()).isEqualTo("1");
                    assertThat(marker.getScore()).isEqualTo(1_060_000.0);
                });
    }

    @Test
    void promoteMovesADelayedJobToWaitWithItsMarker() {
        client.add("q", "d", "{}", BullMqJobOptions.builder().delay(60_000L).build());
        redis.delete(key("q", "marker"));

        assertThat(queues.promoteJob("q", "1"))
                .isEqualTo(new BullMqActionResult(BullMqActionResult.Outcome.DONE, BullMqState.WAITING));

        assertThat(redis.opsForZSet().size(key("q", "delayed"))).isZero();
        assertThat(list("q", "wait")).containsExactly("1");
        assertThat(redis.opsForHash().get(key("q", "1"), "delay")).isEqualTo("0");
        assertThat(redis.opsForZSet().score(key("q", "marker"), "0")).isEqualTo(0.0);
        assertThat(lastEvent("q")).isEqualTo(Map.of("event", "waiting", "jobId", "1", "prev", "delayed"));

        // It moved: the answer says where it is now; an unknown job is not found.
        assertThat(queues.promote("q", "1")).isFalse();
        assertThat(queues.promoteJob("q", "1"))
                .isEqualTo(new BullMqActionResult(BullMqActionResult.Outcome.WRONG_STATE, BullMqState.WAITING));
        assertThat(queues.promoteJob("q", "missing"))
                .isEqualTo(new BullMqActionResult(BullMqActionResult.Outcome.NOT_FOUND, null));
        assertThat(queues.promoteJob("q", "wait").outcome()).isEqualTo(BullMqActionResult.Outcome.NOT_FOUND);
        finish("q", "1", "completed", 5);
        assertThat(queues.promoteJob("q", "1").state()).isEqualTo(BullMqState.COMPLETED);
        assertThat(list("q", "wait")).isEmpty();
    }

    @Test
    void promoteOfAPrioritizedDelayedJobGoesToPrioritizedAndAPausedQueueGetsNoMarker() {
        client.add(
                "q",
                "p",
                "{}",
                BullMqJobOptions.builder().delay(60_000L).priority(3).build());
        assertThat(queues.promote("q", "1")).isTrue();
        assertThat(redis.opsForZSet().score(key("q", "prioritized"), "1")).isEqualTo(3 * 4294967296.0 + 1);
        assertThat(list("q", "wait")).isEmpty();

        version("v5", "bullmq:5.81.5");
        client.add("v5", "d", "{}", BullMqJobOptions.builder().delay(60_000L).build());
        queues.pause("v5");
        assertThat(queues.promoteJob("v5", "1"))
                .isEqualTo(new BullMqActionResult(BullMqActionResult.Outcome.DONE, BullMqState.PAUSED));
        assertThat(list("v5", "paused")).containsExactly("1");
        assertThat(redis.hasKey(key("v5", "marker"))).isFalse();

        version("v6", "bullmq:6.7.0");
        client.add("v6", "d", "{}", BullMqJobOptions.builder().delay(60_000L).build());
        queues.pause("v6");
        assertThat(queues.promoteJob("v6", "1").state()).isEqualTo(BullMqState.WAITING);
        assertThat(list("v6", "wait")).containsExactly("1");
        assertThat(redis.hasKey(key("v6", "marker"))).isFalse();
    }

    @Test
    void cleanRemovesTheJobsFinishedBeforeTheCutOffOldestFirstUpToTheLimit() {
        long now = System.currentTimeMillis();
        for (int i = 1; i <= 5; i++) {
            client.add("q", "n", "{}", null);
        }
        finish("q", "1", "failed", now - 300_000);
        finish("q", "2", "failed", now - 200_000);
        finish("q", "3", "failed", now - 100_000);
        finish("q", "4", "failed", now - 1_000);
        finish("q", "5", "completed", now - 300_000);

        assertThat(queues.clean("q", BullMqState.FAILED, Duration.ofSeconds(60), 2))
                .containsExactly("1", "2");

        assertThat(redis.opsForZSet().range(key("q", "failed"), 0, -1)).containsExactly("3", "4");
        assertThat(redis.hasKey(key("q", "1"))).isFalse();
        assertThat(redis.hasKey(key("q", "1:logs"))).isFalse();
        assertThat(redis.hasKey(key("q", "2"))).isFalse();
        assertThat(redis.hasKey(key("q", "3"))).isTrue();
        assertThat(redis.hasKey(key("q", "3:logs"))).isTrue();
        assertThat(redis.hasKey(key("q", "5"))).isTrue();
        assertThat(lastEvent("q")).isEqualTo(Map.of("event", "cleaned", "count", "2"));

        // Job 3 was retried meanwhile: it is no longer failed, so not cleaned.
        assertThat(queues.retry("q", "3")).isTrue();
        assertThat(queues.clean("q", BullMqState.FAILED, Duration.ofSeconds(60), 100))
                .isEmpty();
        assertThat(lastEvent("q")).isEqualTo(Map.of("event", "cleaned", "count", "0"));
        assertThat(queues.job("q", "3")).isPresent();
        assertThat(queues.clean("q", BullMqState.FAILED, Duration.ZERO, 100)).containsExactly("4");
        assertThat(queues.clean("q", BullMqState.COMPLETED, Duration.ZERO, 100)).containsExactly("5");
        assertThat(redis.hasKey(key("q", "5:logs"))).isFalse();

        assertThatThrownBy(() -> queues.clean("q", BullMqState.WAITING, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.clean("q", BullMqState.FAILED, Duration.ofSeconds(-1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.clean("q", BullMqState.FAILED, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsAreReadLikeGetJobLogs() {
        client.add("q", "n", "{}", null);
        redis.opsForList().rightPushAll(key("q", "1:logs"), "one", "two", "three");

        assertThat(queues.logs("q", "1", 0, -1)).isEqualTo(new BullMqJobLogs(List.of("one", "two", "three"), 3, true));
        assertThat(queues.logs("q", "1", 1, 1)).isEqualTo(new BullMqJobLogs(List.of("two"), 3, true));
        assertThat(queues.logs("q", "1", 1, 10).logs()).containsExactly("two", "three");
        assertThat(queues.logs("q", "1", 0, 0, false).logs()).containsExactly("three");
        assertThat(queues.logs("q", "1", 0, -1, false).logs()).containsExactly("three", "two", "one");
        assertThat(queues.logs("q", "1", 1, 2, false).logs()).containsExactly("two", "one");

        client.add("q", "n", "{}", null);
        assertThat(queues.logs("q", "2", 0, -1)).isEqualTo(new BullMqJobLogs(List.of(), 0, true));
        assertThat(queues.logs("q", "gone", 0, -1)).isEqualTo(new BullMqJobLogs(List.of(), 0, false));
        assertThatThrownBy(() -> queues.logs("q", "1", 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void existsIsTrueForAQueueWithAMetaHash() {
        assertThat(queues.exists("q")).isFalse();
        client.add("q", "n", "{}", null);
        assertThat(queues.exists("q")).isTrue();
    }
}
