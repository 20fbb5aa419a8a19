package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.router.deadletter.DeadLetterLane;
import io.quckchat.router.delivery.OutagePolicy;
import io.quckchat.router.fanout.RetryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The fan-out's BullMQ side: the job lane, the {@code bullmq-sink} and {@code schedule-sink} components. */
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
}
