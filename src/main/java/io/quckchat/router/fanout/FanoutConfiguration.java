package io.quckchat.router.fanout;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class FanoutConfiguration {

    @Bean
    EventReader eventReader(ObjectProvider<EventSchemas> schemas, RetryPolicy legRetryPolicy) {
        return new EventReader(schemas.getIfAvailable(() -> EventSchemas.NONE), legRetryPolicy);
    }

    @Bean
    FanoutRouteConfiguration fanoutRouteConfiguration(EventReader reader, EventRejecter deadLetters) {
        return new FanoutRouteConfiguration(reader, deadLetters);
    }
}
