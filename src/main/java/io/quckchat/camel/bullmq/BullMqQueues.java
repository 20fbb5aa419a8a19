package io.quckchat.camel.bullmq;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * Reads BullMQ queue state the way Bull Board does (counts, pages of jobs, one job with its failure,
 * its logs) and acts on it (retry, promote, clean, pause, resume), for queues written by Node's
 * BullMQ 5.x / 6.x or by {@link BullMqClient}. Each read is one Lua call, so it is a consistent
 * snapshot; each action is one Lua call, so it is atomic and decides "not found" or "moved
 * meanwhile" in the same step. Thread-safe.
 */
public final class BullMqQueues {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<BullMqState> COUNTED = List.of(
            BullMqState.WAITING,
            BullMqState.ACTIVE,
            BullMqState.DELAYED,
            BullMqState.PRIORITIZED,
            BullMqState.COMPLETED,
            BullMqState.FAILED,
            BullMqState.PAUSED,
            BullMqState.WAITING_CHILDREN);
    /** Suffixes of a queue's own keys ({@code <prefix>:<queue>:<suffix>}): never job ids. */
    private static final Set<String> QUEUE_KEYS = Set.of(
            "id",
            "wait",
            "paused",
            "active",
            "prioritized",
            "pc",
            "delayed",
            "marker",
            "meta",
            "events",
            "completed",
            "failed",
            "waiting-children",
            "stalled",
            "stalled-check",
            "limiter",
            "repeat");

    private final ScriptRunner runner;
    private final String prefix;

    /** @param prefix the key prefix; null or blank means {@value BullMqClient#DEFAULT_PREFIX} */
    public BullMqQueues(RedisConnectionFactory factory, String prefix) {
        this.runner = new ScriptRunner(factory);
        this.prefix = prefix == null || prefix.isBlank() ? BullMqClient.DEFAULT_PREFIX : prefix;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Job counts per state (waiting, active, delayed, prioritized, completed, failed, paused,
     * waiting-children), in that order, as one snapshot. {@code paused} counts BullMQ 5's paused list;
     * under BullMQ 6 a paused queue's jobs stay in {@code waiting}.
     */
    public Map<BullMqState, Long> counts(String queue) {
        QueueKeys keys = new QueueKeys(prefix, queue);
        List<Object> reply = runner.run(
                LuaScript.COUNTS,
                ReturnType.MULTI,
                9,
                keys.bytes("wait"),
                keys.bytes("active"),
                keys.bytes("delayed"),
                keys.bytes("prioritized"),
                keys.bytes("completed"),
                keys.bytes("failed"),
                keys.bytes("paused"),
                keys.bytes("waiting-children"),
                keys.bytes("meta"));
        Map<BullMqState, Long> counts = new EnumMap<>(BullMqState.class);
        for (int i = 0; i < COUNTED.size(); i++) {
            counts.put(COUNTED.get(i), ((Number) reply.get(i)).longValue());
        }
        return counts;
    }

    /**
     * True if the queue is there: it has a {@code meta} hash, which every add (Node's or this
     * package's) and Node's {@code Queue} create.
     */
    public boolean exists(String queue) {
        QueueKeys keys = new QueueKeys(prefix, queue);
        try (RedisConnection connection = runner.factory().getConnection()) {
            return Boolean.TRUE.equals(connection.keyCommands().exists(keys.bytes("meta")));
        }
    }

    /** True while the queue is paused ({@code meta.paused} is set). */
    public boolean isPaused(String queue) {
        QueueKeys keys = new QueueKeys(prefix, queue);
        try (RedisConnection connection = runner.factory().getConnection()) {
            Boolean paused =
                    connection.hashCommands().hExists(keys.bytes("meta"), "paused".getBytes(StandardCharsets.UTF_8));
            return Boolean.TRUE.equals(paused);
        }
    }

    /**
     * One page of the jobs in a state, in Node's default order ({@code getJobs(state, start, end)}):
     * for lists the newest first (the next to run is last), for sorted sets the highest score first
     * (latest finished for completed/failed, furthest due for delayed, lowest priority for
     * prioritized). {@code start} and {@code end} are inclusive indexes; {@code end = -1} means to the
     * end. Ids whose hash is gone are skipped, so a page can be shorter than asked.
     */
    public List<BullMqJobInfo> jobs(String queue, BullMqState state, long start, long end) {
        if (state == null || state == BullMqState.UNKNOWN) {
            throw new IllegalArgumentException("A state to list is required, got " + state);
        }
        QueueKeys keys = new QueueKeys(prefix, queue);
        List<Object> reply = runner.run(
                LuaScript.JOBS,
                ReturnType.MULTI,
                1,
                keys.bytes(state.keySuffix()),
                keys.baseBytes(),
                utf8(state.isList() ? "list" : "zset"),
                utf8(Long.toString(start)),
                utf8(Long.toString(end)));
        List<BullMqJobInfo> jobs = new ArrayList<>(reply.size() / 2);
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            jobs.add(toJob(queue, string(reply.get(i)), state, (List<?>) reply.get(i + 1)));
        }
        return jobs;
    }

    /** One job with its state, or empty if there is no such job (or the id is one of the queue's own keys). */
    public Optional<BullMqJobInfo> job(String queue, String id) {
        // BullMQ ids never hold ':' (it separates the parts of its keys); such a key is not a job.
        if (id == null || id.isEmpty() || id.indexOf(':') >= 0 || QUEUE_KEYS.contains(id)) {
            return Optional.empty();
        }
        QueueKeys keys = new QueueKeys(prefix, queue);
        List<Object> reply = runner.run(
                LuaScript.JOB,
                ReturnType.MULTI,
                9,
                keys.bytes(id),
                keys.bytes("completed"),
                keys.bytes("failed"),
                keys.bytes("delayed"),
                keys.bytes("prioritized"),
                keys.bytes("active"),
                keys.bytes("wait"),
                keys.bytes("paused"),
                keys.bytes("waiting-children"),
                utf8(id));
        if (reply == null || reply.isEmpty()) {
            return Optional.empty();
        }
        BullMqState state = BullMqState.ofNodeName(string(reply.get(0)));
        return Optional.of(toJob(queue, id, state, (List<?>) reply.get(1)));
    }

    /**
     * The names of the queues under this prefix: those with a {@code meta} hash, which every add
     * (Node's or this package's) creates. Scans the key space, so meant for a dashboard, not a hot
     * path.
     */
    public List<String> queues() {
        TreeSet<String> names = new TreeSet<>();
        scan(escapeGlob(prefix) + ":*:meta", key -> {
            String queue = key.substring(prefix.length() + 1, key.length() - ":meta".length());
            if (!queue.isEmpty() && queue.indexOf(':') < 0) {
                names.add(queue);
            }
        });
        return List.copyOf(names);
    }

    /** Every key matching the glob pattern, by SCAN (never KEYS), 1,000 a round trip. */
    private void scan(String pattern, java.util.function.Consumer<String> each) {
        try (RedisConnection connection = runner.factory().getConnection();
                Cursor<byte[]> cursor = connection
                        .keyCommands()
                        .scan(ScanOptions.scanOptions()
                                .match(pattern)
                                .count(1000)
                                .build())) {
            while (cursor.hasNext()) {
                each.accept(string(cursor.next()));
            }
        }
    }

    /** The job with this id in every queue under this prefix (for a dashboard's search box). */
    public List<BullMqJobInfo> findJob(String id) {
        List<BullMqJobInfo> found = new ArrayList<>();
        for (String queue : queues()) {
            job(queue, id).ifPresent(found::add);
        }
        return found;
    }

    /**
     * Jobs in any queue under this prefix whose id starts with {@code idPrefix}, at most {@code
     * limit} of them, sorted by queue and id. Scans the key space once ({@code
     * <prefix>:*:<idPrefix>*}), so meant for a dashboard's search box, not a hot path; keys of a
     * job's lock, logs and flow bookkeeping are not jobs and are skipped.
     */
    public List<BullMqJobInfo> findJobsByIdPrefix(String idPrefix, int limit) {
        if (idPrefix == null || idPrefix.isEmpty() || limit < 1) {
            return List.of();
        }
        TreeSet<String> keys = new TreeSet<>();
        scan(escapeGlob(prefix) + ":*:" + escapeGlob(idPrefix) + "*", key -> {
            String rest = key.substring(prefix.length() + 1);
            int colon = rest.indexOf(':');
            if (colon > 0 && rest.indexOf(':', colon + 1) < 0 && rest.startsWith(idPrefix, colon + 1)) {
                keys.add(rest);
            }
        });
        List<BullMqJobInfo> found = new ArrayList<>();
        for (String key : keys) {
            if (found.size() >= limit) {
                break;
            }
            int colon = key.indexOf(':');
            job(key.substring(0, colon), key.substring(colon + 1)).ifPresent(found::add);
        }
        return found;
    }

    /**
     * Moves a failed job back to waiting, as BullMQ's {@code job.retry('failed')}: clears
     * finishedOn, processedOn and failedReason, pushes it to wait (FIFO, or LIFO if its options say
     * so; the paused list of a paused BullMQ 5 queue) or to prioritized by its priority, wakes the
     * workers and emits {@code waiting} with {@code prev: failed}. attemptsMade is kept, so a job
     * that used up its attempts gets one more try.
     *
     * @return true if moved; false if there is no such job or it is not in failed
     */
    public boolean retry(String queue, String id) {
        return retry(queue, id, false);
    }

    /** As {@link #retry(String, String)}; with {@code resetAttempts} the job gets all its attempts again. */
    public boolean retry(String queue, String id, boolean resetAttempts) {
        QueueKeys keys = new QueueKeys(prefix, queue);
        Long result = runner.run(
                LuaScript.RETRY,
                ReturnType.INTEGER,
                10,
                keys.bytes(id),
                keys.bytes("failed"),
                keys.bytes("wait"),
                keys.bytes("paused"),
                keys.bytes("meta"),
                keys.bytes("active"),
                keys.bytes("marker"),
                keys.bytes("prioritized"),
                keys.bytes("pc"),
                keys.bytes("events"),
                utf8(id),
                utf8(resetAttempts ? "1" : "0"));
        return result != null && result == 1L;
    }

    /**
     * Pauses the queue as Node's {@code Queue.pause()} does, for BullMQ 5 and 6 workers alike: sets
     * {@code meta.paused} (every worker then stops taking jobs; running ones finish), deletes the
     * wake-up marker and emits {@code paused}. Unless the queue's {@code meta.version} says BullMQ 6
     * or newer, the waiting jobs also move to the {@code paused} list, where BullMQ 5 keeps them: a
     * BullMQ 5 {@code resume()} renames that list over {@code wait}, so jobs left in {@code wait}
     * would be lost. (BullMQ 6 keeps them in {@code wait} and merges a {@code paused} list on resume,
     * so the move is safe for it too.) Pausing a paused queue pauses it again, as Node does, without
     * losing jobs.
     *
     * @return true if the queue was running, false if it was already paused
     */
    public boolean pause(String queue) {
        QueueKeys keys = new QueueKeys(prefix, queue);
        Long result = runner.run(
                LuaScript.PAUSE,
                ReturnType.INTEGER,
                5,
                keys.bytes("meta"),
                keys.bytes("wait"),
                keys.bytes("paused"),
                keys.bytes("marker"),
                keys.bytes("events"));
        return result != null && result == 1L;
    }

    /**
     * Resumes the queue as Node's {@code Queue.resume()} does: clears {@code meta.paused}, merges the
     * {@code paused} list into {@code wait} without overwriting jobs there (those of the paused list
     * run first, in their order), wakes the workers (marker {@code 0} if a job is ready, else the
     * delayed marker at the earliest due time) and emits {@code resumed}.
     *
     * @return true if the queue was paused, false if it was running
     */
    public boolean resume(String queue) {
        QueueKeys keys = new QueueKeys(prefix, queue);
        Long result = runner.run(
                LuaScript.RESUME,
                ReturnType.INTEGER,
                7,
                keys.bytes("meta"),
                keys.bytes("wait"),
                keys.bytes("paused"),
                keys.bytes("marker"),
                keys.bytes("events"),
                keys.bytes("prioritized"),
                keys.bytes("delayed"));
        return result != null && result == 1L;
    }

    /**
     * Removes the jobs of a finished state that finished more than {@code olderThan} ago, oldest
     * first, at most {@code limit} of them, as Node's {@code Queue.clean(grace, limit, state)}: the
     * job hash, its logs (and flow bookkeeping) keys and its entry in the state's sorted set, in one
     * atomic step; then emits {@code cleaned} with the count. Jobs removed meanwhile by someone else
     * are simply not in the answer.
     *
     * @param state {@link BullMqState#COMPLETED} or {@link BullMqState#FAILED}
     * @param olderThan how long ago a job must have finished (not negative; zero = every job
     *     finished before now)
     * @param limit the most jobs removed by this call, at least 1 (call again for the rest)
     * @return the ids removed, oldest first
     */
    public List<String> clean(String queue, BullMqState state, Duration olderThan, int limit) {
        if (state != BullMqState.COMPLETED && state != BullMqState.FAILED) {
            throw new IllegalArgumentException("Only completed or failed jobs can be cleaned, not " + state);
        }
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must be zero or more, got " + olderThan);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        QueueKeys keys = new QueueKeys(prefix, queue);
        long cutoff = System.currentTimeMillis() - olderThan.toMillis();
        List<Object> reply = runner.run(
                LuaScript.CLEAN,
                ReturnType.MULTI,
                3,
                keys.bytes(state.keySuffix()),
                keys.bytes("meta"),
                keys.bytes("events"),
                keys.baseBytes(),
                utf8(Long.toString(cutoff)),
                utf8(Integer.toString(limit)));
        List<String> ids = new ArrayList<>(reply == null ? 0 : reply.size());
        if (reply != null) {
            reply.forEach(id -> ids.add(string(id)));
        }
        return ids;
    }

    /**
     * Runs a delayed job now, as Node's {@code job.promote()}: out of {@code delayed} into {@code
     * prioritized} (by its priority) or {@code wait} (the {@code paused} list of a paused queue not
     * on BullMQ 6+), its {@code delay} set to 0, the wake-up marker set (unless paused or at its
     * global concurrency) and {@code waiting} emitted with {@code prev: delayed}.
     *
     * @return true if promoted; false if there is no such job or it is not delayed (any more)
     */
    public boolean promote(String queue, String id) {
        return promoteJob(queue, id).done();
    }

    /**
     * As {@link #promote(String, String)}, telling why a job was not promoted: not found, or in
     * which state it is now, decided in the same atomic step.
     */
    public BullMqActionResult promoteJob(String queue, String id) {
        if (!isJobId(id)) {
            return new BullMqActionResult(BullMqActionResult.Outcome.NOT_FOUND, null);
        }
        QueueKeys keys = new QueueKeys(prefix, queue);
        List<Object> reply = runner.run(
                LuaScript.PROMOTE,
                ReturnType.MULTI,
                13,
                keys.bytes(id),
                keys.bytes("delayed"),
                keys.bytes("wait"),
                keys.bytes("paused"),
                keys.bytes("meta"),
                keys.bytes("active"),
                keys.bytes("marker"),
                keys.bytes("prioritized"),
                keys.bytes("pc"),
                keys.bytes("events"),
                keys.bytes("completed"),
                keys.bytes("failed"),
                keys.bytes("waiting-children"),
                utf8(id));
        long code = ((Number) reply.get(0)).longValue();
        if (code == 1L) {
            return new BullMqActionResult(
                    BullMqActionResult.Outcome.DONE, BullMqState.ofNodeName(string(reply.get(1))));
        }
        if (code == -3L) {
            return new BullMqActionResult(
                    BullMqActionResult.Outcome.WRONG_STATE, BullMqState.ofNodeName(string(reply.get(1))));
        }
        return new BullMqActionResult(BullMqActionResult.Outcome.NOT_FOUND, null);
    }

    /**
     * A range of a job's log lines, oldest first, and their count, as Node's {@code
     * Queue.getJobLogs(id, start, end)} / {@code job.getLogs}. A job without logs, or with no such
     * job, gives no lines and count 0 (as in Node); {@link BullMqJobLogs#jobExists()} tells the two
     * apart.
     *
     * @param start first index, from 0
     * @param end last index, inclusive; -1 = to the last line
     */
    public BullMqJobLogs logs(String queue, String id, long start, long end) {
        return logs(queue, id, start, end, true);
    }

    /**
     * As {@link #logs(String, String, long, long)}; with {@code ascending} false the indexes count
     * from the newest line and the lines come newest first (Node's {@code asc = false}).
     */
    public BullMqJobLogs logs(String queue, String id, long start, long end, boolean ascending) {
        if (start < 0 || end < -1 || (end >= 0 && end < start)) {
            throw new IllegalArgumentException("Need 0 <= start <= end, or end = -1; got " + start + ".." + end);
        }
        if (!isJobId(id)) {
            return new BullMqJobLogs(List.of(), 0, false);
        }
        QueueKeys keys = new QueueKeys(prefix, queue);
        List<Object> reply = runner.run(
                LuaScript.LOGS,
                ReturnType.MULTI,
                2,
                keys.bytes(id),
                keys.bytes(id + ":logs"),
                utf8(Long.toString(start)),
                utf8(Long.toString(end)),
                utf8(ascending ? "1" : "0"));
        List<String> lines = new ArrayList<>();
        for (Object line : (List<?>) reply.get(2)) {
            lines.add(string(line));
        }
        return new BullMqJobLogs(lines, ((Number) reply.get(1)).longValue(), ((Number) reply.get(0)).longValue() == 1L);
    }

    /** BullMQ ids never hold ':' (it separates the parts of its keys), nor name one of the queue's keys. */
    private static boolean isJobId(String id) {
        return id != null && !id.isEmpty() && id.indexOf(':') < 0 && !QUEUE_KEYS.contains(id);
    }

    private static BullMqJobInfo toJob(String queue, String id, BullMqState state, List<?> flatHash) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flatHash.size(); i += 2) {
            fields.put(string(flatHash.get(i)), string(flatHash.get(i + 1)));
        }
        String attemptsMade = fields.containsKey("attemptsMade") ? fields.get("attemptsMade") : fields.get("atm");
        return new BullMqJobInfo(
                queue,
                id,
                fields.get("name"),
                state,
                fields.getOrDefault("data", "{}"),
                fields.getOrDefault("opts", "{}"),
                longOr(fields.get("timestamp"), 0L),
                longOr(fields.get("processedOn"), null),
                longOr(fields.get("finishedOn"), null),
                longOr(attemptsMade, 0L).intValue(),
                longOr(fields.get("ats"), 0L).intValue(),
                longOr(fields.get("delay"), 0L),
                longOr(fields.get("priority"), 0L).intValue(),
                fields.get("failedReason"),
                stacktrace(fields.get("stacktrace")),
                fields.get("returnvalue"),
                fields.get("progress"),
                Collections.unmodifiableMap(fields));
    }

    private static List<String> stacktrace(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            List<String> traces = JSON.readValue(json, new TypeReference<List<String>>() {});
            return traces == null
                    ? List.of()
                    : List.copyOf(traces.stream().map(String::valueOf).toList());
        } catch (Exception e) {
            return List.of(json);
        }
    }

    private static Long longOr(String value, Long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(value);
            } catch (NumberFormatException notANumber) {
                return fallback;
            }
        }
    }

    private static String escapeGlob(String text) {
        return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private static String string(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return String.valueOf(value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "BullMqQueues[prefix=" + prefix + "]";
    }
}
