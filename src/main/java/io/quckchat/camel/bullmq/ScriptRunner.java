package io.quckchat.camel.bullmq;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;

/**
 * Runs this package's scripts by SHA-1 ({@code EVALSHA}) on the application's Redis connection. A
 * script unknown to the server ({@code NOSCRIPT}, e.g. after a restart or {@code SCRIPT FLUSH}) is
 * loaded and the call repeated, so a script is sent in full only once per server.
 *
 * <p>Errors: a script error starting with {@code BULLMQ}, and {@code WRONGTYPE} / {@code ERR}
 * replies, refuse the job for good ({@link BullMqException}); anything else (connection lost,
 * timeout, {@code OOM}, {@code LOADING}, {@code READONLY}, {@code BUSY} ...) is a Spring {@link
 * DataAccessException} the caller may retry.
 *
 * <p>Pipelines use Lettuce on the factory's shared connection when the factory is a {@link
 * LettuceConnectionFactory} (no extra connection, every call in flight at once, and on a standalone
 * server the whole batch in one write); with another driver, one call after the other. lettuce-core
 * must be on the classpath either way.
 */
final class ScriptRunner {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final RedisConnectionFactory factory;
    private final boolean lettuceAsync;
    private final Duration timeout;
    private final ReplicaWait replicaWait;

    ScriptRunner(RedisConnectionFactory factory) {
        this(factory, factory instanceof LettuceConnectionFactory);
    }

    ScriptRunner(RedisConnectionFactory factory, boolean lettuceAsync) {
        this(factory, lettuceAsync, ReplicaWait.NONE);
    }

    ScriptRunner(RedisConnectionFactory factory, ReplicaWait replicaWait) {
        this(factory, factory instanceof LettuceConnectionFactory, replicaWait);
    }

    private ScriptRunner(RedisConnectionFactory factory, boolean lettuceAsync, ReplicaWait replicaWait) {
        if (factory == null) {
            throw new IllegalArgumentException("A RedisConnectionFactory is required");
        }
        this.factory = factory;
        this.lettuceAsync = lettuceAsync;
        this.replicaWait = replicaWait;
        if (replicaWait.replicas() > 0 && !lettuceAsync) {
            throw new IllegalArgumentException("Waiting for replicas needs Lettuce (a LettuceConnectionFactory)");
        }
        this.timeout = factory instanceof LettuceConnectionFactory lettuce
                ? lettuce.getClientConfiguration().getCommandTimeout()
                : DEFAULT_TIMEOUT;
    }

    RedisConnectionFactory factory() {
        return factory;
    }

    /** Runs one script call and returns its reply (byte[] for VALUE, List for MULTI, Long for INTEGER). */
    <T> T run(LuaScript script, ReturnType type, int numKeys, byte[]... keysAndArgs) {
        try (RedisConnection connection = factory.getConnection()) {
            try {
                return connection.scriptingCommands().evalSha(script.sha1(), type, numKeys, keysAndArgs);
            } catch (DataAccessException e) {
                if (!isNoScript(e)) {
                    throw classify(e);
                }
            }
            load(connection, script, List.<byte[][]>of(keysAndArgs));
            try {
                return connection.scriptingCommands().evalSha(script.sha1(), type, numKeys, keysAndArgs);
            } catch (DataAccessException e) {
                throw classify(e);
            }
        }
    }

    /**
     * Runs many calls of one VALUE script in one pipelined round trip (with Lettuce). Each element of the result is
     * the reply, or the {@link BullMqException} that refused that call. A failure that is not about
     * one call (connection, timeout, server state) throws for the whole batch.
     */
    List<Object> runAll(LuaScript script, int numKeys, List<byte[][]> calls) {
        if (calls.isEmpty()) {
            return List.of();
        }
        try (RedisConnection connection = factory.getConnection()) {
            ReplicaWait.Fence fence = replicaWait.open(connection, calls);
            Object[] results = lettuceAsync
                    ? lettucePipeline(connection, script, numKeys, calls)
                    : oneByOne(connection, script, numKeys, calls);
            List<Integer> unknownScript = new ArrayList<>();
            for (int i = 0; i < results.length; i++) {
                if (results[i] instanceof Exception e && isNoScript(e)) {
                    unknownScript.add(i);
                }
            }
            if (!unknownScript.isEmpty()) {
                List<byte[][]> again = unknownScript.stream().map(calls::get).toList();
                load(connection, script, again);
                Object[] retried = lettuceAsync
                        ? lettucePipeline(connection, script, numKeys, again)
                        : oneByOne(connection, script, numKeys, again);
                for (int j = 0; j < retried.length; j++) {
                    results[unknownScript.get(j)] = retried[j];
                }
            }
            if (fence != null) {
                fence.close();
            }
            List<Object> out = new ArrayList<>(results.length);
            for (Object result : results) {
                if (result instanceof Exception e) {
                    RuntimeException classified = classify(e);
                    if (classified instanceof BullMqException refused) {
                        out.add(refused);
                    } else {
                        throw classified;
                    }
                } else {
                    out.add(result);
                }
            }
            return out;
        }
    }

    /**
     * Loads the script where these calls (KEYS first) go. On a Redis Cluster only on the masters of
     * their slots: Lettuce's {@code SCRIPT LOAD} goes to every node it knows, and fails while a node
     * that failed over is still listed (a promoted replica has no scripts: Redis 7 does not
     * replicate {@code SCRIPT LOAD}).
     */
    private static void load(RedisConnection connection, LuaScript script, List<byte[][]> calls) {
        Map<String, StatefulRedisConnection<byte[], byte[]>> masters;
        try {
            masters = SlotMasters.of(connection.getNativeConnection(), calls);
            if (masters == null) {
                connection.scriptingCommands().scriptLoad(script.source());
                return;
            }
            masters.values().forEach(master -> master.sync().scriptLoad(script.source()));
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Object[] lettucePipeline(RedisConnection connection, LuaScript script, int numKeys, List<byte[][]> calls) {
        RedisClusterAsyncCommands<byte[], byte[]> async =
                (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
        List<RedisFuture<Object>> futures = new ArrayList<>(calls.size());
        try {
            if (async instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
                // One write for the whole batch: a command sent on its own through the async API is
                // its own write and flush on the connection's I/O thread (a system call per job).
                // Each call's arguments are encoded into one array (EncodedArgs): one copy per call.
                List<AsyncCommand<byte[], byte[], Object>> commands = new ArrayList<>(calls.size());
                byte[] sha1 = script.sha1().getBytes(StandardCharsets.US_ASCII);
                for (byte[][] call : calls) {
                    CommandArgs<byte[], byte[]> args = EncodedArgs.evalSha(sha1, numKeys, call);
                    @SuppressWarnings({"unchecked", "rawtypes"})
                    CommandOutput<byte[], byte[], Object> output =
                            (CommandOutput) new ValueOutput<>(ByteArrayCodec.INSTANCE);
                    commands.add(new AsyncCommand<>(new Command<>(CommandType.EVALSHA, output, args)));
                }
                standalone.getStatefulConnection().dispatch(commands);
                futures.addAll(commands);
            } else {
                for (byte[][] call : calls) {
                    byte[][] keys = Arrays.copyOfRange(call, 0, numKeys);
                    byte[][] args = Arrays.copyOfRange(call, numKeys, call.length);
                    futures.add(async.evalsha(script.sha1(), ScriptOutputType.VALUE, keys, args));
                }
            }
        } catch (RuntimeException e) {
            throw translate(e);
        }
        Object[] results = new Object[calls.size()];
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < results.length; i++) {
            try {
                results[i] = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (!(cause instanceof io.lettuce.core.RedisCommandExecutionException)) {
                    throw translate(cause);
                }
                results[i] = cause;
            } catch (TimeoutException e) {
                throw new QueryTimeoutException(
                        "Redis did not answer " + calls.size() + " pipelined " + script.name() + " calls within "
                                + timeout,
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisSystemException("Interrupted while waiting for Redis", e);
            }
        }
        return results;
    }

    /**
     * Without Lettuce's asynchronous API the calls run one after the other. (Spring's pipeline API is
     * no substitute: when one call of a Lettuce pipeline fails, {@code closePipeline} throws without
     * the other calls' replies, so the per-job results would be lost.)
     */
    private Object[] oneByOne(RedisConnection connection, LuaScript script, int numKeys, List<byte[][]> calls) {
        Object[] results = new Object[calls.size()];
        for (int i = 0; i < results.length; i++) {
            try {
                results[i] =
                        connection.scriptingCommands().evalSha(script.sha1(), ReturnType.VALUE, numKeys, calls.get(i));
            } catch (DataAccessException e) {
                if (!isNoScript(e) && !(classify(e) instanceof BullMqException)) {
                    throw e;
                }
                results[i] = e;
            }
        }
        return results;
    }

    private static DataAccessException translate(Throwable e) {
        if (e instanceof DataAccessException dae) {
            return dae;
        }
        DataAccessException converted = e instanceof Exception ex ? new LettuceExceptionConverter().convert(ex) : null;
        if (converted == null || "Redis exception".equals(converted.getMessage())) {
            // Spring's generic message says nothing: Lettuce's says what happened (CLUSTERDOWN ...)
            return new RedisSystemException(String.valueOf(e.getMessage()), e);
        }
        return converted;
    }

    private static boolean isNoScript(Throwable e) {
        return serverError(e).startsWith("NOSCRIPT");
    }

    /** Refusals of the job for good become {@link BullMqException}; the rest a DataAccessException. */
    static RuntimeException classify(Throwable e) {
        String error = serverError(e);
        String code = error.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        if (code.equals("BULLMQ")) {
            return new BullMqException(error.substring("BULLMQ ".length()).trim(), e);
        }
        if (code.equals("WRONGTYPE") || code.equals("ERR")) {
            return new BullMqException("Redis refused the job: " + error, e);
        }
        return translate(e);
    }

    /** The server's error reply found in the cause chain ("" if none). */
    private static String serverError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.lettuce.core.RedisCommandExecutionException && t.getMessage() != null) {
                return t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.matches("^(NOSCRIPT|BULLMQ|WRONGTYPE|ERR) .*")) {
                return message;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return "";
    }
}
