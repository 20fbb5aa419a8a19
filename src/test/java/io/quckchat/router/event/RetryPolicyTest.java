package io.quckchat.router.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsByTheMultiplierUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(10), 2, 0);

        assertThat(millis(policy, 1, 2, 3, 4, 5, 6, 7, 8, 9))
                .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L);
        // the outage policy has unlimited attempts: a long outage must stay at the cap, not overflow
        assertThat(policy.backoff(10_000)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aFractionalMultiplierGrowsToo() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(1000), Duration.ofMillis(3000), 1.5, 0);

        assertThat(millis(policy, 1, 2, 3, 4, 5)).containsExactly(1000L, 1500L, 2250L, 3000L, 3000L);
    }

    @Test
    void everyBackoffLiesBetweenTheJitteredFloorAndTheCappedValue() {
        Random random = new Random(20_240_601);
        for (int i = 0; i < 20_000; i++) {
            long initial = 1 + random.nextInt(2000);
            long max = initial + random.nextInt(60_000);
            double multiplier = 1 + random.nextDouble() * 3;
            double jitter = random.nextInt(10) == 0 ? random.nextInt(2) : random.nextDouble(); // 0 and 1 too
            int failures = 1 + random.nextInt(40);
            RetryPolicy policy =
                    new RetryPolicy(5, Duration.ofMillis(initial), Duration.ofMillis(max), multiplier, jitter);

            double capped = Math.min(initial * Math.pow(multiplier, failures - 1), max);
            long backoff = policy.backoff(failures).toMillis();

            // whole milliseconds: the bounds widen to the nearest millisecond outside them
            assertThat(backoff)
                    .as("%s after %d failures (capped %.3f ms)", policy, failures, capped)
                    .isBetween((long) Math.floor(capped * (1 - jitter)), (long) Math.ceil(capped));
        }
    }

    @Test
    void jitterSpreadsBackoffsOverItsWholeRange() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(1000), Duration.ofMillis(1000), 2, 0.5);

        LongSummaryStatistics stats = new LongSummaryStatistics();
        for (int i = 0; i < 2000; i++) {
            stats.accept(policy.backoff(1 + i % 5).toMillis());
        }

        assertThat(stats.getMin()).isBetween(500L, 550L);
        assertThat(stats.getMax()).isBetween(950L, 1000L);
        assertThat(stats.getAverage()).isBetween(725.0, 775.0);
    }

    @Test
    void withoutJitterTheBackoffIsExact() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofMillis(900), 3, 0);

        for (int i = 0; i < 100; i++) {
            assertThat(millis(policy, 1, 2, 3)).containsExactly(250L, 750L, 900L);
        }
    }

    private static long[] millis(RetryPolicy policy, int... failures) {
        long[] millis = new long[failures.length];
        for (int i = 0; i < failures.length; i++) {
            millis[i] = policy.backoff(failures[i]).toMillis();
        }
        return millis;
    }
}
