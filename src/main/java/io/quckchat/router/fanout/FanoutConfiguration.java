package io.quckchat.router.fanout;

import io.quckchat.router.event.RetryPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

@Configuration(proxyBeanMethods = false)
class FanoutConfiguration {

    @Bean
    JsonSchemas eventSchemas(
            ResourceLoader resources, @Value("${quckchat.schemas-dir:config/schemas}") String directory) {
        return new JsonSchemas(resources, directory);
    }

    @Bean
    EventReader eventReader(EventSchemas schemas, RetryPolicy legRetryPolicy) {
        return new EventReader(schemas, legRetryPolicy);
    }

    @Bean
    FanoutRouteConfiguration fanoutRouteConfiguration(EventReader reader, EventRejecter deadLetters) {
        return new FanoutRouteConfiguration(reader, deadLetters);
    }
}
