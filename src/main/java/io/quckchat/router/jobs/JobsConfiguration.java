package io.quckchat.router.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.ReplicaWait;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.deadletter.DeadLetterLane;
import io.quckchat.router.delivery.OutagePolicy;
import io.quckchat.router.event.RetryPolicy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The fan-out's BullMQ side: the job lane, the {@code bullmq-sink} and {@code schedule-sink}
 * components, and the BullMQ client they write with.
 */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

    @Bean
    BullMqLane bullMqLane(BullMqClient client, OutagePolicy outage, DeadLetterLane deadLetters) {
        BullMqLane lane = new BullMqLane(client, outage.backoff(), 512);
        lane.deadLetterTo(deadLetters);
        return lane;
    }

    @Bean("bullmq-sink")
    BullMqSinkComponent bullMqSinkComponent(BullMqLane lane, RetryPolicy legRetryPolicy) {
        return new BullMqSinkComponent(lane, legRetryPolicy);
    }

    @Bean("schedule-sink")
    ScheduleSinkComponent scheduleSinkComponent(BullMqClient client) {
        return new ScheduleSinkComponent(client);
    }

    @Bean
    SchedulesRouteConfiguration schedulesRouteConfiguration() {
        return new SchedulesRouteConfiguration();
    }

    /**
     * The BullMQ job writer and reader on the router's Redis connection, and the {@code bullmq} Camel
     * component (registered under its scheme, so {@code bullmq:<queue>} resolves to it). Nested so
     * that they can be started alone ({@code BullMqClientsIT}).
     */
    @Configuration(proxyBeanMethods = false)
    static class BullMqClients {

        @Bean
        BullMqClient bullMqClient(RedisConnectionFactory redis, RouterProperties properties) {
            RouterProperties.Redis settings = properties.redis();
            return new BullMqClient(
                    redis,
                    properties.bullmq().prefix(),
                    new ReplicaWait(settings.replicasToWaitFor(), settings.waitTimeout()));
        }

        @Bean
        BullMqQueues bullMqQueues(RedisConnectionFactory redis, RouterProperties properties) {
            return new BullMqQueues(redis, properties.bullmq().prefix());
        }

        @Bean("bullmq")
        BullMqComponent bullMqComponent(BullMqClient client, ObjectProvider<ObjectMapper> objectMapper) {
            BullMqComponent component = new BullMqComponent(client);
            objectMapper.ifUnique(component::setObjectMapper);
            return component;
        }
    }
}
