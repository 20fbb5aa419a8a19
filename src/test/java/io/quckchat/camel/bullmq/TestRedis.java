package io.quckchat.camel.bullmq;

import io.quckchat.router.support.RedisProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The real Redis of the bullmq tests, one per JVM: a {@code redis-server} spawned on a free port
 * ({@link RedisProcess}), or with {@code -Dquckchat.test.brokers=external} the server at {@code
 * REDIS_HOST}/{@code REDIS_PORT} (default 127.0.0.1:6379). Tests keep apart by a random key prefix.
 */
public final class TestRedis {

    private static TestRedis instance;

    private final RedisProcess process;
    private final String host;
    private final int port;
    private final LettuceConnectionFactory factory;
    private final StringRedisTemplate redis;

    private TestRedis() throws IOException {
        if (external()) {
            process = null;
            host = env("REDIS_HOST", "127.0.0.1");
            port = Integer.parseInt(env("REDIS_PORT", "6379"));
        } else {
            process = new RedisProcess(freePort());
            process.start();
            host = "127.0.0.1";
            port = process.port();
        }
        factory = factory(host, port, Duration.ofSeconds(10));
        redis = new StringRedisTemplate(factory);
    }

    public static synchronized TestRedis get() {
        if (instance == null) {
            try {
                instance = new TestRedis();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start redis-server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "bullmq-test-redis-stop"));
        }
        return instance;
    }

    public static boolean external() {
        return "external".equals(System.getProperty("quckchat.test.brokers", "embedded"));
    }

    /** A started Lettuce factory, as Spring Boot would build one. */
    public static LettuceConnectionFactory factory(String host, int port, Duration timeout) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(host, port),
                LettuceClientConfiguration.builder().commandTimeout(timeout).build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** A key prefix no other test uses, e.g. {@code bmqt-1a2b3c4d5e:bull}. */
    public static String randomPrefix() {
        return "bmqt-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + ":bull";
    }

    public LettuceConnectionFactory factory() {
        return factory;
    }

    public StringRedisTemplate redis() {
        return redis;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Every key under a prefix. */
    public List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        try (Cursor<String> cursor = redis.scan(
                ScanOptions.scanOptions().match(prefix + ":*").count(1000).build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }

    public void deleteAll(String prefix) {
        List<String> keys = keys(prefix);
        if (!keys.isEmpty()) {
            redis.delete(keys);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void close() {
        factory.destroy();
        if (process != null) {
            process.stop();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
