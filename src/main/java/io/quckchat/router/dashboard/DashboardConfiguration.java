package io.quckchat.router.dashboard;

import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.router.deadletter.DeadLetters;
import io.quckchat.router.jobs.BullMqSinkComponent;
import io.quckchat.router.jobs.ScheduleSinkComponent;
import io.quckchat.router.ops.QueueDepths;
import org.apache.camel.CamelContext;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The queue dashboard, at {@code BULL_BOARD_PATH}, only when {@code BULL_BOARD_ENABLED} is true. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
class DashboardConfiguration {

    @Bean
    QueueDashboard queueDashboard(
            BullMqQueues bullMqQueues,
            BullMqSinkComponent jobSinks,
            ScheduleSinkComponent scheduleSinks,
            QueueDepths queueDepths,
            DeadLetters deadLetters,
            CamelContext camelContext) {
        return new QueueDashboard(bullMqQueues, jobSinks, scheduleSinks, queueDepths, deadLetters, camelContext);
    }
}
