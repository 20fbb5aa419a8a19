package io.quckchat.router.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.camel.bullmq.BullMqQueues;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The BullMQ job writer and reader on the router's Redis connection, and the {@code bullmq} Camel
 * component (registered under its scheme, so {@code bullmq:<queue>} resolves to it).
 */
@Configuration(proxyBeanMethods = false)
public class BullMqBeans {

    @Bean
    BullMqClient bullMqClient(RedisConnectionFactory redis, @Value("${quckchat.bullmq.prefix:bull}") String prefix) {
        return new BullMqClient(redis, prefix);
    }

    @Bean
    BullMqQueues bullMqQueues(RedisConnectionFactory redis, @Value("${quckchat.bullmq.prefix:bull}") String prefix) {
        return new BullMqQueues(redis, prefix);
    }

    @Bean("bullmq")
    BullMqComponent bullMqComponent(BullMqClient client, ObjectProvider<ObjectMapper> objectMapper) {
        BullMqComponent component = new BullMqComponent(client);
        objectMapper.ifUnique(component::setObjectMapper);
        return component;
    }
}
