package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.delivery.OutagePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    @Bean
    DeadLetterLane deadLetterLane(KafkaClients clients, OutagePolicy outage) {
        return new DeadLetterLane(clients, outage.backoff());
    }
}
