package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.delivery.OutagePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    @Bean
    DeadLetterLane deadLetterLane(KafkaClients clients, OutagePolicy outage) {
        return new DeadLetterLane(clients, outage.backoff());
    }

    @Bean(destroyMethod = "close")
    DeadLetters deadLetters(
            KafkaClients clients, StringRedisTemplate redis, RouterProperties properties, DeadLetterLane lane) {
        DeadLetters deadLetters =
                new DeadLetters(clients, redis, properties.delivery().ledgerPrefix());
        lane.onTopic(deadLetters::topicSeen);
        return deadLetters;
    }
}
