package io.quckchat.router.ops;

import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.config.RedisConnection;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.delivery.Lane;
import io.quckchat.router.jobs.BullMqSinkComponent;
import io.quckchat.router.jobs.ScheduleSinkComponent;
import io.quckchat.router.rabbitmq.RabbitMqTopology;
import io.quckchat.router.source.ChatEventSource;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** Metrics, health and the background readers behind them. */
@Configuration(proxyBeanMethods = false)
class OpsConfiguration {

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry registry) {
        return new DeliveryMetrics(registry);
    }

    /**
     * The last hour of the meters for the dashboard's charts; only with the dashboard, so with
     * {@code BULL_BOARD_ENABLED=false} no sampler runs.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
    MeterHistory meterHistory(MeterRegistry registry, ChatEventSource source, RouterProperties properties) {
        MeterHistory history = new MeterHistory(
                registry, source::lag, Clock.SYSTEM, properties.bullBoard().chartInterval(), MeterHistory.MAX_SERIES);
        history.start();
        return history;
    }

    /** Camel's per-route metrics, except for the fan-out routes (which the router's own meters count). */
    @Bean
    RouteMetricsPolicyFactory routeMetricsPolicyFactory(MeterRegistry registry) {
        RouteMetricsPolicyFactory factory = new RouteMetricsPolicyFactory();
        factory.setMeterRegistry(registry);
        return factory;
    }

    /**
     * Camel's route counts ({@code camel_routes_added}, {@code camel_routes_running}), told only of
     * route events. camel-micrometer-starter's own notifier (off in config/application.yml) was also
     * asked about every exchange event, which made Camel create and dispatch four events per routed
     * event for nobody (measured in docs/benchmark.md#where-the-time-went-and-what-was-fixed, "exchange events").
     */
    @Bean
    MicrometerRouteEventNotifier routeEventNotifier(MeterRegistry registry, CamelContext camelContext) {
        MicrometerRouteEventNotifier notifier = new MicrometerRouteEventNotifier();
        notifier.setMeterRegistry(registry);
        notifier.setCamelContext(camelContext);
        notifier.setIgnoreExchangeEvents(true);
        notifier.setIgnoreStepEvents(true);
        camelContext.getManagementStrategy().addEventNotifier(notifier);
        return notifier;
    }

    /** Lane and consumer gauges, and Kafka's own client metrics (lag per partition) for the fan-out consumer. */
    @Bean
    Object fanoutGauges(MeterRegistry registry, List<Lane> lanes, ChatEventSource source) {
        for (Lane lane : lanes) {
            Gauge.builder("quckchat.lane.backlog", lane, Lane::backlog)
                    .description("Legs accepted by a destination's lane and not yet confirmed or dead-lettered")
                    .tag("destination", lane.name())
                    .register(registry);
            Gauge.builder("quckchat.lane.available", lane, l -> l.isAvailable() ? 1 : 0)
                    .description("1 while the destination accepts deliveries, 0 while it is failing transiently")
                    .tag("destination", lane.name())
                    .register(registry);
        }
        Gauge.builder("quckchat.events.in.flight", source, ChatEventSource::inFlight)
                .description("Events read from Kafka whose offsets are not yet committed")
                .register(registry);
        AtomicReference<KafkaClientMetrics> metrics = new AtomicReference<>();
        source.observeConsumer(
                consumer -> {
                    KafkaClientMetrics bound = new KafkaClientMetrics(consumer);
                    bound.bindTo(registry);
                    metrics.set(bound);
                },
                () -> {
                    KafkaClientMetrics bound = metrics.getAndSet(null);
                    if (bound != null) {
                        bound.close();
                    }
                });
        return metrics;
    }

    @Bean(destroyMethod = "close")
    QueueDepths queueDepths(
            MeterRegistry registry,
            ConnectionFactory rabbitClientFactory,
            RabbitMqTopology topology,
            BullMqQueues bullMqQueues,
            BullMqSinkComponent jobSinks,
            ScheduleSinkComponent scheduleSinks,
            ChatEventSource source) {
        QueueDepths depths = new QueueDepths(registry, source::lag, rabbitClientFactory, topology, bullMqQueues, () -> {
            Set<String> queues = new TreeSet<>(jobSinks.queues());
            queues.addAll(scheduleSinks.queues());
            return queues;
        });
        depths.start(10);
        return depths;
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(KafkaClients clients, ChatEventSource source) {
        return new KafkaHealthIndicator(clients, source);
    }

    /** The {@code rabbit} health component, on the lanes' client factory. */
    @Bean(destroyMethod = "close")
    RabbitMqHealthIndicator rabbitHealthIndicator(ConnectionFactory rabbitClientFactory) {
        return new RabbitMqHealthIndicator(rabbitClientFactory);
    }

    /** Named as Spring Boot's Redis indicator, which it replaces (the {@code redis} health component). */
    @Bean
    RedisHealthIndicator redisHealthIndicator(RedisConnectionFactory factory, RedisConnection connection) {
        return new RedisHealthIndicator(factory, connection);
    }

    /** The {@code fanout} health component: in the liveness group (config/application.yml). */
    @Bean
    FanOutHealthIndicator fanoutHealthIndicator(ChatEventSource source) {
        return new FanOutHealthIndicator(source);
    }

    @Bean
    LanesHealthIndicator lanesHealthIndicator(List<Lane> lanes) {
        return new LanesHealthIndicator(lanes);
    }
}
