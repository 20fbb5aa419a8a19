package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quckchat.router.support.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;

/** What {@link BullMqClient} writes to a real Redis, key by key (BullMQ's layout: docs/bullmq-component.md). */
class BullMqClientIT {

    private static final TestRedis REDIS = TestRedis.get();
    private static final long TWO_32 = 4_294_967_296L;

    private final StringRedisTemplate redis = REDIS.redis();
    private String prefix;
    private BullMqClient client;

    @BeforeEach
    void setUp() {
        prefix = TestRedis.randomPrefix();
        client = new BullMqClient(REDIS.factory(), prefix);
    }

    @AfterEach
    void cleanUp() {
        REDIS.deleteAll(prefix);
    }

    private String key(String queue, String suffix) {
        return prefix + ":" + queue + ":" + suffix;
    }

    private List<MapRecord<String, Object, Object>> events(String queue) {
        return redis.opsForStream().range(key(queue, "events"), Range.unbounded());
    }

    private static List<String> eventNames(List<MapRecord<String, Object, Object>> events) {
        return events.stream().map(e -> (String) e.getValue().get("event")).toList();
    }

    private Map<Object, Object> hash(String queue, String id) {
        return redis.opsForHash().entries(key(queue, id));
    }

    private Set<TypedTuple<String>> zset(String queue, String suffix) {
        return redis.opsForZSet().rangeWithScores(key(queue, suffix), 0, -1);
    }

    @Test
    void aPlainJobIsWrittenAsQueueAddWritesIt() {
        long before = System.currentTimeMillis();
        String id = client.add("email", "send-welcome", "{\"to\":\"a@b.c\"}", BullMqJobOptions.defaults());

        assertThat(id).isEqualTo("1");
        Map<Object, Object> job = hash("email", id);
        assertThat(job).containsOnlyKeys("name", "data", "opts", "timestamp", "delay", "priority");
        assertThat(job.get("name")).isEqualTo("send-welcome");
        assertThat(job.get("data")).isEqualTo("{\"to\":\"a@b.c\"}");
        assertThat(job.get("opts"))
                .isEqualTo("{\"attempts\":3,\"backoff\":{\"type\":\"exponential\",\"delay\":1000},"
                        + "\"removeOnComplete\":{\"age\":86400,\"count\":10000},\"removeOnFail\":{\"age\":604800}}");
        assertThat(Long.parseLong((String) job.get("timestamp"))).isBetween(before, System.currentTimeMillis());
        assertThat(job.get("delay")).isEqualTo("0");
        assertThat(job.get("priority")).isEqualTo("0");

        assertThat(redis.opsForList().range(key("email", "wait"), 0, -1)).containsExactly("1");
        assertThat(zset("email", "marker")).containsExactly(TypedTuple.of("0", 0.0));
        assertThat(redis.opsForValue().get(key("email", "id"))).isEqualTo("1");
        assertThat(redis.opsForHash().entries(key("email", "meta"))).isEqualTo(Map.of("opts.maxLenEvents", "10000"));

        List<MapRecord<String, Object, Object>> events = events("email");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getValue()).isEqualTo(Map.of("event", "added", "jobId", "1", "name", "send-welcome"));
        assertThat(events.get(1).getValue()).isEqualTo(Map.of("event", "waiting", "jobId", "1"));
        assertThat(REDIS.keys(prefix))
                .containsExactlyInAnyOrder(
                        key("email", "1"),
                        key("email", "wait"),
                        key("email", "marker"),
                        key("email", "id"),
                        key("email", "meta"),
                        key("email", "events"));
    }

    @Test
    void noDataIsAnEmptyObjectAndNoOptionsAreBullMqsDefaults() {
        String id = client.add("q", "n", null, null);
        assertThat(hash("q", id)).containsEntry("data", "{}").containsEntry("opts", "{\"attempts\":0}");
    }

    @Test
    void idsCountUpAndCustomIdsUseTheCounterToo() {
        assertThat(client.add("q", "a", "{}", null)).isEqualTo("1");
        assertThat(client.add(
                        "q",
                        "b",
                        "{}",
                        BullMqJobOptions.builder().jobId("order-42").build()))
                .isEqualTo("order-42");
        assertThat(client.add("q", "c", "{}", null)).isEqualTo("3");
        assertThat(hash("q", "order-42").get("opts")).isEqualTo("{\"attempts\":0,\"jobId\":\"order-42\"}");
    }

    @Test
    void fifoJobsArePushedLeftAndLifoJobsRight() {
        BullMqJobOptions lifo = BullMqJobOptions.builder().lifo(true).build();
        client.add("q", "a", "{}", null);
        client.add("q", "b", "{}", null);
        client.add("q", "c", "{}", lifo);
        // Workers pop from the right: 3 (lifo) runs first, then 1, then 2.
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("2", "1", "3");
        assertThat(hash("q", "3").get("opts")).isEqualTo("{\"attempts\":0,\"lifo\":true}");
    }

    @Test
    void prioritizedJobsAreScoredByPriorityThenArrival() {
        client.add("q", "a", "{}", BullMqJobOptions.builder().priority(5).build());
        client.add("q", "b", "{}", BullMqJobOptions.builder().priority(1).build());
        client.add("q", "c", "{}", BullMqJobOptions.builder().priority(5).build());

        assertThat(zset("q", "prioritized"))
                .containsExactly(
                        TypedTuple.of("2", (double) (1 * TWO_32 + 2)),
                        TypedTuple.of("1", (double) (5 * TWO_32 + 1)),
                        TypedTuple.of("3", (double) (5 * TWO_32 + 3)));
        assertThat(redis.opsForValue().get(key("q", "pc"))).isEqualTo("3");
        assertThat(redis.hasKey(key("q", "wait"))).isFalse();
        assertThat(hash("q", "1"))
                .containsEntry("priority", "5")
                .containsEntry("opts", "{\"attempts\":0,\"priority\":5}");
        assertThat(zset("q", "marker")).containsExactly(TypedTuple.of("0", 0.0));
        assertThat(eventNames(events("q"))).containsExactly("added", "waiting", "added", "waiting", "added", "waiting");
    }

    @Test
    void delayedJobsAreScoredByDueTimeWithASequenceWithinTheMillisecond() {
        long ts = System.currentTimeMillis();
        BullMqJobOptions later =
                BullMqJobOptions.builder().delay(60_000L).timestamp(ts).build();
        BullMqJobOptions sooner =
                BullMqJobOptions.builder().delay(5_000L).timestamp(ts).build();
        client.add("q", "a", "{}", later);
        client.add("q", "b", "{}", later);
        client.add("q", "c", "{}", sooner.toBuilder().priority(3).build());

        long due = ts + 60_000;
        long soonDue = ts + 5_000;
        assertThat(zset("q", "delayed"))
                .containsExactly(
                        TypedTuple.of("3", (double) (soonDue * 4096)),
                        TypedTuple.of("1", (double) (due * 4096)),
                        TypedTuple.of("2", (double) (due * 4096 + 1)));
        // The marker says when the earliest delayed job is due.
        assertThat(zset("q", "marker")).containsExactly(TypedTuple.of("1", (double) soonDue));
        assertThat(hash("q", "1"))
                .containsEntry("delay", "60000")
                .containsEntry("timestamp", Long.toString(ts))
                .containsEntry("opts", "{\"attempts\":0,\"delay\":60000,\"timestamp\":" + ts + "}");
        assertThat(hash("q", "3")).containsEntry("priority", "3");
        assertThat(redis.hasKey(key("q", "prioritized"))).isFalse();
        List<MapRecord<String, Object, Object>> events = events("q");
        assertThat(eventNames(events)).containsExactly("added", "delayed", "added", "delayed", "added", "delayed");
        assertThat(events.get(1).getValue())
                .isEqualTo(Map.of("event", "delayed", "jobId", "1", "delay", Long.toString(due)));
    }

    @Test
    void aDuplicateCustomIdChangesNothingButADuplicatedEvent() {
        BullMqJobOptions opts = BullMqJobOptions.builder().jobId("evt-1.send").build();
        assertThat(client.add("q", "first", "{\"v\":1}", opts)).isEqualTo("evt-1.send");
        assertThat(client.add(
                        "q", "second", "{\"v\":2}", opts.toBuilder().priority(3).build()))
                .isEqualTo("evt-1.send");

        assertThat(hash("q", "evt-1.send")).containsEntry("name", "first").containsEntry("data", "{\"v\":1}");
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("evt-1.send");
        assertThat(redis.hasKey(key("q", "prioritized"))).isFalse();
        assertThat(redis.opsForValue().get(key("q", "id"))).isEqualTo("2");
        List<MapRecord<String, Object, Object>> events = events("q");
        assertThat(eventNames(events)).containsExactly("added", "waiting", "duplicated");
        assertThat(events.get(2).getValue()).isEqualTo(Map.of("event", "duplicated", "jobId", "evt-1.send"));
    }

    @Test
    void idsBullMqRejectsAreRefusedBeforeRedisIsTouched() {
        for (String bad : List.of("123", "0", "-5", "a:b", "0:abc", "x:y:z", "")) {
            assertThatThrownBy(() -> client.add(
                            "q",
                            "n",
                            "{}",
                            BullMqJobOptions.builder().jobId(bad).build()))
                    .as("id '%s'", bad)
                    .isInstanceOf(BullMqException.class)
                    .hasMessageContaining("ustom job id");
        }
        assertThat(REDIS.keys(prefix)).isEmpty();
    }

    @Test
    void otherJobsBullMqWouldRefuseAreRefusedBeforeRedisIsTouched() {
        assertThatThrownBy(() -> client.add("q", "n", "{not json", null))
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("JSON");
        assertThatThrownBy(() -> client.add("q", "n", "{} {}", null)).isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> client.add("a:b", "n", "{}", null))
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("Queue name");
        assertThatThrownBy(() -> client.add("", "n", "{}", null)).isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> client.add("q", null, "{}", null))
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> BullMqJobOptions.builder().priority(2_097_152).build())
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("Priority");
        assertThatThrownBy(() -> BullMqJobOptions.builder().delay(-1L).build()).isInstanceOf(BullMqException.class);
        assertThat(REDIS.keys(prefix)).isEmpty();
    }

    @Test
    void aPausedBullMq5QueueGetsTheJobInItsPausedListWithoutMarker() {
        redis.opsForHash().putAll(key("q", "meta"), Map.of("paused", "1", "version", "bullmq:5.81.5"));
        client.add("q", "n", "{}", null);
        assertThat(redis.opsForList().range(key("q", "paused"), 0, -1)).containsExactly("1");
        assertThat(redis.hasKey(key("q", "wait"))).isFalse();
        assertThat(redis.hasKey(key("q", "marker"))).isFalse();
        assertThat(redis.opsForHash().get(key("q", "meta"), "version")).isEqualTo("bullmq:5.81.5");
    }

    @Test
    void aPausedBullMq6QueueKeepsTheJobInWaitWithoutMarker() {
        redis.opsForHash().putAll(key("q", "meta"), Map.of("paused", "1", "version", "bullmq:6.7.0"));
        client.add("q", "n", "{}", null);
        client.add("q", "p", "{}", BullMqJobOptions.builder().priority(2).build());
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("1");
        assertThat(redis.opsForZSet().size(key("q", "prioritized"))).isEqualTo(1);
        assertThat(redis.hasKey(key("q", "paused"))).isFalse();
        assertThat(redis.hasKey(key("q", "marker"))).isFalse();
        assertThat(redis.opsForHash().get(key("q", "meta"), "version")).isEqualTo("bullmq:6.7.0");
    }

    @Test
    void aPausedQueueOfUnknownVersionGetsThePausedListWhichNoVersionLoses() {
        redis.opsForHash().put(key("q", "meta"), "paused", "1");
        client.add("q", "n", "{}", null);
        assertThat(redis.opsForList().range(key("q", "paused"), 0, -1)).containsExactly("1");
        assertThat(redis.opsForHash().hasKey(key("q", "meta"), "version")).isFalse();
    }

    @Test
    void aQueueAtItsGlobalConcurrencyGetsNoMarker() {
        redis.opsForHash().put(key("q", "meta"), "concurrency", "1");
        redis.opsForList().leftPush(key("q", "active"), "busy");
        client.add("q", "n", "{}", null);
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("1");
        assertThat(redis.hasKey(key("q", "marker"))).isFalse();

        redis.opsForHash().put(key("q", "meta"), "concurrency", "2");
        client.add("q", "n", "{}", null);
        assertThat(zset("q", "marker")).containsExactly(TypedTuple.of("0", 0.0));
    }

    @Test
    void theQueuesMaxLenEventsIsKeptAndTheStreamTrimmedToIt() {
        redis.opsForHash().putAll(key("q", "meta"), Map.of("opts.maxLenEvents", "10", "version", "bullmq:6.7.0"));
        List<BullMqJob> jobs = IntStream.range(0, 1000)
                .mapToObj(i -> new BullMqJob("q", "n", "{}", null))
                .toList();
        assertThat(client.addAll(jobs)).allMatch(BullMqAddResult::ok);
        assertThat(redis.opsForHash().entries(key("q", "meta")))
                .isEqualTo(Map.of("opts.maxLenEvents", "10", "version", "bullmq:6.7.0"));
        // 2000 events were written; MAXLEN ~ trims whole stream nodes (100 entries each).
        assertThat(redis.opsForStream().size(key("q", "events"))).isLessThan(300);
    }

    @Test
    void aQueueOfBullMq4IsRefusedByTheScriptAndNothingIsWritten() {
        redis.opsForHash().put(key("old", "meta"), "version", "bullmq:4.17.0");
        assertThatThrownBy(() -> client.add("old", "n", "{}", null))
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("bullmq:4.17.0");
        assertThat(REDIS.keys(prefix)).containsExactly(key("old", "meta"));
    }

    @Test
    void addAllReturnsResultsInInputOrderAndRefusesOnlyTheBadJobs() {
        redis.opsForHash().put(key("old", "meta"), "version", "bullmq:4.17.0");
        List<BullMqJob> jobs = new ArrayList<>();
        jobs.add(new BullMqJob("q", "a", "{\"i\":0}", null));
        jobs.add(new BullMqJob("q", "b", "not json", null));
        jobs.add(new BullMqJob("old", "c", "{}", null));
        jobs.add(new BullMqJob(
                "q", "d", "{}", BullMqJobOptions.builder().jobId("custom").build()));
        jobs.add(null);
        jobs.add(new BullMqJob(
                "q", "e", "{}", BullMqJobOptions.builder().priority(1).build()));

        List<BullMqAddResult> results = client.addAll(jobs);

        assertThat(results).extracting(BullMqAddResult::ok).containsExactly(true, false, false, true, false, true);
        assertThat(results).extracting(BullMqAddResult::jobId).containsExactly("1", null, null, "custom", null, "3");
        assertThat(results.get(1).error()).hasMessageContaining("JSON");
        assertThat(results.get(2).error()).hasMessageContaining("bullmq:4.17.0");
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("custom", "1");
        assertThat(redis.opsForZSet().range(key("q", "prioritized"), 0, -1)).containsExactly("3");
        assertThat(client.addAll(List.of())).isEmpty();
    }

    @Test
    void dataGivenAsUtf8BytesIsStoredByteForByteLikeTheSameText() {
        String text = "{\"text\":\"grüße 👋\",\"n\":1}";
        List<BullMqAddResult> results = client.addAll(
                List.of(
                        BullMqJob.ofUtf8Json("q", "bytes", text.getBytes(StandardCharsets.UTF_8), null),
                        new BullMqJob("q", "text", text, null),
                        BullMqJob.ofUtf8Json("other", "bytes", text.getBytes(StandardCharsets.UTF_8), null),
                        BullMqJob.ofUtf8Json("bad:queue", "bytes", text.getBytes(StandardCharsets.UTF_8), null)),
                true);

        assertThat(results).extracting(BullMqAddResult::jobId).containsExactly("1", "2", "1", null);
        assertThat(results.get(3).error()).hasMessageContaining("cannot contain ':'");
        assertThat(hash("q", "1").get("data")).isEqualTo(text);
        assertThat(hash("q", "2").get("data")).isEqualTo(text);
        // the keys of each queue are its own, though encoded once per queue and reused
        assertThat(hash("other", "1").get("name")).isEqualTo("bytes");
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("2", "1");
        assertThat(redis.opsForList().range(key("other", "wait"), 0, -1)).containsExactly("1");
    }

    @Test
    void withoutLettucesAsyncApiJobsAreAddedOneByOneWithTheSameResults() {
        BullMqClient viaSpring = new BullMqClient(new ScriptRunner(REDIS.factory(), false), prefix);
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            connection.scriptingCommands().scriptFlush();
            return null;
        });
        redis.opsForHash().put(key("old", "meta"), "version", "bullmq:4.17.0");
        List<BullMqAddResult> results = viaSpring.addAll(List.of(
                new BullMqJob("q", "a", "{}", null),
                new BullMqJob("old", "b", "{}", null),
                new BullMqJob(
                        "q", "c", "{}", BullMqJobOptions.builder().lifo(true).build())));
        assertThat(results).extracting(BullMqAddResult::jobId).containsExactly("1", null, "2");
        assertThat(results.get(1).error()).isInstanceOf(BullMqException.class);
        assertThat(redis.opsForList().range(key("q", "wait"), 0, -1)).containsExactly("1", "2");
    }

    @Test
    void aScriptTheServerForgotIsLoadedAgain() {
        client.add("q", "a", "{}", null);
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            connection.scriptingCommands().scriptFlush();
            return null;
        });
        assertThat(client.add("q", "b", "{}", null)).isEqualTo("2");
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            connection.scriptingCommands().scriptFlush();
            return null;
        });
        assertThat(client.addAll(List.of(new BullMqJob("q", "c", "{}", null), new BullMqJob("q", "d", "{}", null))))
                .extracting(BullMqAddResult::jobId)
                .containsExactly("3", "4");
    }

    @Test
    void afterARedisRestartTheScriptIsLoadedAgainAndAnOutageIsADataAccessException() throws Exception {
        try (RedisProcess own = new RedisProcess(TestRedis.freePort())) {
            own.start();
            LettuceConnectionFactory factory = TestRedis.factory("127.0.0.1", own.port(), Duration.ofSeconds(2));
            try {
                BullMqClient ownClient = new BullMqClient(factory, prefix);
                assertThat(ownClient.add("q", "a", "{}", null)).isEqualTo("1");

                own.stop();
                assertThatThrownBy(() -> ownClient.add("q", "b", "{}", null))
                        .isInstanceOf(DataAccessException.class)
                        .isNotInstanceOf(BullMqException.class);
                assertThatThrownBy(() -> ownClient.addAll(List.of(new BullMqJob("q", "c", "{}", null))))
                        .isInstanceOf(DataAccessException.class);

                own.start(); // empty: no data, no scripts
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .ignoreExceptionsInstanceOf(DataAccessException.class)
                        .until(() -> ownClient.add("q", "d", "{}", null), "1"::equals);
                assertThat(ownClient.addAll(List.of(new BullMqJob("q", "e", "{}", null))))
                        .extracting(BullMqAddResult::jobId)
                        .containsExactly("2");
            } finally {
                factory.destroy();
            }
        }
    }

    @Test
    void aServerThatCannotBeReachedIsADataAccessException() throws Exception {
        LettuceConnectionFactory nowhere = TestRedis.factory("127.0.0.1", TestRedis.freePort(), Duration.ofSeconds(1));
        try {
            BullMqClient unreachable = new BullMqClient(nowhere, prefix);
            assertThatThrownBy(() -> unreachable.add("q", "a", "{}", null)).isInstanceOf(DataAccessException.class);
            assertThatThrownBy(() -> unreachable.addAll(List.of(new BullMqJob("q", "a", "{}", null))))
                    .isInstanceOf(DataAccessException.class);
        } finally {
            nowhere.destroy();
        }
    }
}
