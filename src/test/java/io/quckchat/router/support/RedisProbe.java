package io.quckchat.router.support;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** A plain Redis client on the test brokers' Redis, to read what the router wrote. */
public final class RedisProbe implements AutoCloseable {

    private final LettuceConnectionFactory factory;
    private final StringRedisTemplate redis;

    public RedisProbe() {
        this(
                new RedisStandaloneConfiguration(
                        TestBrokers.get().redisHost(), TestBrokers.get().redisPort()),
                LettuceClientConfiguration.defaultConfiguration());
    }

    /** A client of another Redis server (one a test started with users, a password or TLS). */
    public RedisProbe(RedisStandaloneConfiguration server, LettuceClientConfiguration client) {
        factory = new LettuceConnectionFactory(server, client);
        factory.afterPropertiesSet();
        factory.start();
        redis = new StringRedisTemplate(factory);
    }

    public StringRedisTemplate redis() {
        return redis;
    }

    public LettuceConnectionFactory factory() {
        return factory;
    }

    /** Jobs of a BullMQ queue waiting with a priority (all push jobs have one). */
    public int prioritized(Namespace namespace, String queue) {
        Long count = redis.opsForZSet().zCard(namespace.bullPrefix() + ":" + queue + ":prioritized");
        return count == null ? 0 : count.intValue();
    }

    @Override
    public void close() {
        factory.destroy();
    }
}
