package io.quckchat.router.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.fanout.EventSchemas;
import io.quckchat.router.rabbitmq.RabbitMqTopology;
import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/** The routing simulator ({@code POST /admin/routes/simulate}). */
@Configuration(proxyBeanMethods = false)
class RoutesConfiguration {

    @Bean
    RouteSimulator routeSimulator(
            CamelContext camelContext,
            Environment environment,
            RouterProperties properties,
            BullMqClient bullMqClient,
            EventSchemas schemas,
            RetryPolicy legRetryPolicy) {
        // its own topology (the router's declares what the live routes need), the router's settings
        RabbitMqTopology topology = new RabbitMqTopology(properties.rabbitmq());
        return new RouteSimulator(
                camelContext, environment, new RouteSandbox.Parts(topology, bullMqClient, schemas, legRetryPolicy));
    }

    @Bean
    SimulatorController simulatorController(
            RouteSimulator simulator,
            ObjectMapper objectMapper,
            RouterProperties properties,
            ResourceLoader resources) {
        return new SimulatorController(
                simulator,
                objectMapper,
                properties.ingress().maxBodySize().toBytes(),
                resources,
                properties.samplesDir());
    }
}
