package io.quckchat.camel.bullmq;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Adds BullMQ jobs from the JVM that stock BullMQ 5.x and 6.x workers, {@code QueueEvents} and Bull
 * Board cannot tell apart from jobs added by Node's {@code Queue.add}: one atomic Lua script per job
 * (called by SHA-1) writes the job hash, puts the id in {@code wait} / {@code paused} / {@code
 * prioritized} / {@code delayed} with BullMQ's scores, sets the worker wake-up marker and appends the
 * {@code added} and {@code waiting} / {@code delayed} events. Thread-safe; uses the application's
 * Spring Data Redis connection.
 */
public final class BullMqClient {

    /** BullMQ's default key prefix. */
    public static final String DEFAULT_PREFIX = "bull";

    private static final int ADD_KEYS = 10;
    /** Queues whose keys are kept encoded; more (queue names from message headers ...) are encoded per job. */
    private static final int MAX_CACHED_QUEUES = 1024;

    private final ScriptRunner runner;
    private final String prefix;
    private final Map<String, byte[][]> addKeysByQueue = new ConcurrentHashMap<>();

    /**
     * @param factory the Redis connection (Lettuce recommended: pipelines then share its connection)
     * @param prefix the key prefix the workers use; null or blank means {@value #DEFAULT_PREFIX}
     */
    public BullMqClient(RedisConnectionFactory factory, String prefix) {
        this(new ScriptRunner(factory), prefix);
    }

    /**
     * As {@link #BullMqClient(RedisConnectionFactory, String)}, and every batch of adds returns only
     * once {@code replicaWait} replicas hold it (see {@link ReplicaWait}): for a Sentinel or cluster
     * setup that must not lose a job in a failover. Needs a Lettuce factory.
     */
    public BullMqClient(RedisConnectionFactory factory, String prefix, ReplicaWait replicaWait) {
        this(new ScriptRunner(factory, replicaWait), prefix);
    }

    BullMqClient(ScriptRunner runner, String prefix) {
        this.runner = runner;
        this.prefix = prefix == null || prefix.isBlank() ? DEFAULT_PREFIX : prefix;
    }

    public String prefix() {
        return prefix;
    }

    public RedisConnectionFactory connectionFactory() {
        return runner.factory();
    }

    /** The same client for queues under another key prefix. */
    public BullMqClient withPrefix(String otherPrefix) {
        BullMqClient other = new BullMqClient(runner, otherPrefix);
        return other.prefix.equals(prefix) ? this : other;
    }

    /**
     * Adds one job atomically. Returns the job id: the custom {@code jobId} of the options, else the
     * queue's next number. For a custom id that exists already (in any state) it returns that id and
     * changes nothing but a {@code duplicated} event, as BullMQ does.
     *
     * @param dataJson the job data as JSON text; null means {@code {}}
     * @param options null means {@link BullMqJobOptions#none()}
     * @throws BullMqException for a job BullMQ would refuse (invalid queue name, custom id, data that
     *     is not JSON, a queue of BullMQ 4 or older ...), thrown before Redis is touched when it can be
     * @throws org.springframework.dao.DataAccessException when Redis cannot be reached or answered
     *     too late (e.g. {@code RedisConnectionFailureException}, {@code QueryTimeoutException})
     */
    public String add(String queue, String name, String dataJson, BullMqJobOptions options) {
        return add(queue, name, dataJson, options, false);
    }

    /** As {@link #add(String, String, String, BullMqJobOptions)}; the producer has checked the JSON already. */
    String add(String queue, String name, String dataJson, BullMqJobOptions options, boolean dataIsJson) {
        byte[][] call = prepare(new BullMqJob(queue, name, dataJson, options), dataIsJson);
        Object reply = runner.runAll(LuaScript.ADD, ADD_KEYS, java.util.Collections.singletonList(call))
                .get(0);
        if (reply instanceof BullMqException refused) {
            throw refused;
        }
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    /**
     * Adds many jobs in one pipelined round trip; the results are in the order of {@code jobs}. Each
     * job is atomic on its own, the batch is not. A job refused by validation or by the script comes
     * back as a result with its {@link BullMqException}; the others are still added.
     *
     * @throws org.springframework.dao.DataAccessException for the whole batch when Redis cannot be
     *     reached or answered too late. Jobs of the batch may have been added before the failure:
     *     give jobs custom ids to make a retry of the batch a no-op for those.
     */
    public List<BullMqAddResult> addAll(List<BullMqJob> jobs) {
        return addAll(jobs, false);
    }

    /**
     * As {@link #addAll(List)}; with {@code dataIsJson} the caller vouches that every job's data is
     * JSON text already (it produced or parsed it), and the client does not parse it again.
     */
    public List<BullMqAddResult> addAll(List<BullMqJob> jobs, boolean dataIsJson) {
        if (jobs == null) {
            throw new IllegalArgumentException("jobs must not be null");
        }
        BullMqAddResult[] results = new BullMqAddResult[jobs.size()];
        List<byte[][]> calls = new ArrayList<>(jobs.size());
        int[] callIndex = new int[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            BullMqJob job = jobs.get(i);
            try {
                if (job == null) {
                    throw new BullMqException("Job " + i + " of the batch is null");
                }
                calls.add(prepare(job, dataIsJson));
                callIndex[calls.size() - 1] = i;
            } catch (BullMqException refused) {
                results[i] = BullMqAddResult.refused(refused);
            }
        }
        List<Object> replies = runner.runAll(LuaScript.ADD, ADD_KEYS, calls);
        for (int c = 0; c < replies.size(); c++) {
            Object reply = replies.get(c);
            results[callIndex[c]] = reply instanceof BullMqException refused
                    ? BullMqAddResult.refused(refused)
                    : BullMqAddResult.added(new String((byte[]) reply, StandardCharsets.UTF_8));
        }
        return List.of(results);
    }

    /**
     * What {@link #add} would store for this job, without touching Redis: the job hash's fields from
     * the same arguments the add script gets. For a route test or a dry run.
     *
     * @throws BullMqException for a job the add would refuse before reaching Redis
     */
    public BullMqJobPreview preview(BullMqJob job) {
        if (job == null) {
            throw new BullMqException("Job is null");
        }
        byte[][] call = prepare(job, false);
        String id = text(call[ARG_JOB_ID]);
        String base = text(call[ADD_KEYS]);
        return new BullMqJobPreview(
                job.queue(),
                id.isEmpty() ? null : base + id,
                id.isEmpty() ? null : id,
                text(call[ARG_NAME]),
                text(call[ARG_DATA]),
                text(call[ARG_OPTS]),
                Long.parseLong(text(call[ARG_TIMESTAMP])),
                Long.parseLong(text(call[ARG_DELAY])),
                Integer.parseInt(text(call[ARG_PRIORITY])),
                "1".equals(text(call[ARG_LIFO])));
    }

    // Positions in a prepared call: the 10 KEYS, the key prefix (ARGV[1]), then ARGV[2..10] of add.lua.
    private static final int ARG_JOB_ID = ADD_KEYS + 1;
    private static final int ARG_NAME = ADD_KEYS + 2;
    private static final int ARG_DATA = ADD_KEYS + 3;
    private static final int ARG_OPTS = ADD_KEYS + 4;
    private static final int ARG_TIMESTAMP = ADD_KEYS + 5;
    private static final int ARG_DELAY = ADD_KEYS + 6;
    private static final int ARG_PRIORITY = ADD_KEYS + 7;
    private static final int ARG_LIFO = ADD_KEYS + 8;

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Validates the job and builds the add script's KEYS and ARGV (see add.lua). */
    private byte[][] prepare(BullMqJob job, boolean dataIsJson) {
        byte[][] keys = addKeys(job.queue());
        if (job.name() == null) {
            throw new BullMqException("Job name is required (queue " + job.queue() + ")");
        }
        if (!dataIsJson) {
            String data = job.dataJson() == null ? "{}" : job.dataJson();
            if (!Json.isValid(data)) {
                throw new BullMqException("Job data must be JSON text (a worker runs JSON.parse on it), got: "
                        + (data.length() > 80 ? data.substring(0, 80) + "..." : data));
            }
        }
        BullMqJobOptions opts = BullMqJobOptions.orNone(job.options());
        BullMqJobOptions.validateJobId(opts.jobId());
        long timestamp = opts.timestamp() != null ? opts.timestamp() : System.currentTimeMillis();
        long delay = opts.delayOrZero();
        // the queue's KEYS and key prefix (ARGV[1]), then the job's ARGV in add.lua's order
        byte[][] call = Arrays.copyOf(keys, keys.length + 9);
        int arg = keys.length;
        call[arg++] = utf8(opts.jobId() == null ? "" : opts.jobId());
        call[arg++] = utf8(job.name());
        call[arg++] = job.dataBytes();
        call[arg++] = utf8(opts.toJson());
        call[arg++] = utf8(Long.toString(timestamp));
        call[arg++] = utf8(Long.toString(delay));
        call[arg++] = utf8(Integer.toString(opts.priorityOrZero()));
        call[arg++] = utf8(opts.lifo() ? "1" : "0");
        call[arg] = utf8(Long.toString(timestamp + delay));
        return call;
    }

    /**
     * The add script's KEYS of a queue and, after them, its key prefix (the first ARGV), encoded once
     * per queue: they are the same for every job of the queue and Redis only reads them.
     */
    private byte[][] addKeys(String queue) {
        byte[][] keys = addKeysByQueue.get(queue);
        if (keys == null) {
            QueueKeys queueKeys = new QueueKeys(prefix, queue); // validates the name
            keys = new byte[][] {
                queueKeys.bytes("wait"),
                queueKeys.bytes("paused"),
                queueKeys.bytes("meta"),
                queueKeys.bytes("id"),
                queueKeys.bytes("prioritized"),
                queueKeys.bytes("pc"),
                queueKeys.bytes("delayed"),
                queueKeys.bytes("marker"),
                queueKeys.bytes("events"),
                queueKeys.bytes("active"),
                queueKeys.baseBytes()
            };
            if (addKeysByQueue.size() < MAX_CACHED_QUEUES) {
                addKeysByQueue.put(queue, keys);
            }
        }
        return keys;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "BullMqClient[prefix=" + prefix + "]";
    }
}
