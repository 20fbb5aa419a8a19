package io.quckchat.router.delivery;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.event.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.data.redis.ClientResourcesBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The delivery machinery shared by all sinks: retry policies, the ledger, the dispatcher. */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    /** The policy of legs that a destination rejects: attempts, then dead letter. */
    @Bean
    RetryPolicy legRetryPolicy(RouterProperties properties) {
        return RetryPolicies.legs(properties.delivery());
    }

    /** The policy while a destination is unreachable: retried without limit, never dead-lettered. */
    @Bean
    OutagePolicy outagePolicy(RouterProperties properties) {
        return new OutagePolicy(RetryPolicies.outage(properties.delivery()));
    }

    @Bean
    DeliveryLifecycle deliveryLifecycle(
            java.util.List<Lane> lanes, Ledger ledger, ObjectProvider<DeliveryObserver> observer) {
        DeliveryObserver delivery = observer.getIfAvailable(() -> DeliveryObserver.NONE);
        lanes.forEach(lane -> lane.observe(delivery));
        return new DeliveryLifecycle(lanes, ledger);
    }

    @Bean
    Ledger ledger(StringRedisTemplate redis, RouterProperties properties) {
        return new Ledger(
                redis,
                properties.delivery().ledgerPrefix(),
                properties.delivery().ledgerTtl(),
                properties.delivery().timeout());
    }

    @Bean
    Dispatcher dispatcher(Ledger ledger, ObjectProvider<DeliveryObserver> observer, DeadLetterSink deadLetters) {
        return new Dispatcher(ledger, observer.getIfAvailable(() -> DeliveryObserver.NONE), deadLetters);
    }

    /** Reconnect to Redis at least every 5 s after an outage (Lettuce's default backs off to 30 s). */
    @Bean
    ClientResourcesBuilderCustomizer quickRedisReconnect() {
        return builder -> builder.reconnectDelay(
                Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS));
    }

    /**
     * Redis commands fail at once while disconnected instead of queueing until a timeout: the lanes
     * and the ledger back off by themselves, and other destinations keep flowing meanwhile. Set on
     * the client options Spring Boot builds, so that its TLS and socket options stay.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer failFastWhenDisconnected() {
        return builder -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }
}
