package io.quckchat.router.fanout;

import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.event.RetryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

@Configuration(proxyBeanMethods = false)
class FanoutConfiguration {

    @Bean
    JsonSchemas eventSchemas(ResourceLoader resources, RouterProperties properties) {
        return new JsonSchemas(resources, properties.schemasDir());
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
