package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BrokerProblemTest {

    /** What Lettuce throws when no sentinel answered: one node's failure as the cause, the rest suppressed. */
    private static RedisConnectionException noSentinel(Throwable cause, Throwable... others) {
        RedisConnectionException e = new RedisConnectionException(
                "Cannot connect to a Redis Sentinel: [redis://127.0.0.1:1, redis://127.0.0.1:2]", cause);
        for (Throwable other : others) {
            e.addSuppressed(other);
        }
        return e;
    }

    @Test
    void theBrokersAnswerWinsOverAClosedConnectionEvenWhenItIsOnlySuppressed() {
        BrokerProblem problem = new BrokerProblem(
                "redis",
                LoggerFactory.getLogger(BrokerProblemTest.class),
                e -> e instanceof RedisCommandExecutionException);
        RedisConnectionException e = noSentinel(
                new RedisException("Connection closed prematurely"),
                new RedisConnectionException(
                        "Cannot connect Redis Sentinel at redis://127.0.0.1:2",
                        new RedisCommandExecutionException("WRONGPASS invalid username-password pair")));

        assertThat(problem.failed("Redis", e)).isEqualTo("redis: WRONGPASS invalid username-password pair");
    }

    @Test
    void withoutAnAnswerTheInnermostMessageOfTheCauseChainIsTheReason() {
        BrokerProblem problem = new BrokerProblem(
                "redis",
                LoggerFactory.getLogger(BrokerProblemTest.class),
                e -> e instanceof RedisCommandExecutionException);

        assertThat(problem.failed("Redis", noSentinel(new RedisException("Connection closed prematurely"))))
                .isEqualTo("redis: Connection closed prematurely");
        assertThat(new BrokerProblem("rabbit", LoggerFactory.getLogger(BrokerProblemTest.class))
                        .failed("RabbitMQ", new IllegalStateException("outer", new java.io.IOException("refused"))))
                .isEqualTo("rabbit: refused");
    }

    private static final class RedisException extends io.lettuce.core.RedisException {
        RedisException(String message) {
            super(message);
        }
    }
}
