package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.fanout.JsonSchemas;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The HTTP ingress: its endpoint on {@code /api/v1}, Kafka producer and idempotency store. */
@Configuration(proxyBeanMethods = false)
class IngressConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngressConfiguration.class);

    @Bean
    Callers ingressCallers(RouterProperties properties) {
        Callers callers = new Callers(properties.ingress());
        if (callers.size() == 0 && !properties.ingress().allowAnonymous()) {
            log.warn("No ingress tokens (quckchat.ingress.tokens): POST /api/v1/events refuses every request");
        } else if (properties.ingress().allowAnonymous()) {
            log.warn("quckchat.ingress.allow-anonymous is true: requests without a token may post to every topic");
        }
        return callers;
    }

    @Bean
    IngressContract ingressContract() {
        return new IngressContract(new ObjectMapper());
    }

    @Bean(destroyMethod = "close")
    IngressPublisher ingressPublisher(KafkaClients clients, RouterProperties properties) {
        return new IngressPublisher(clients, properties.ingress().publishTimeout());
    }

    @Bean
    Idempotency ingressIdempotency(StringRedisTemplate redis, RouterProperties properties) {
        RouterProperties.Ingress ingress = properties.ingress();
        // A claim outlives the longest a request can take, so a crashed request's key frees itself.
        Duration lock = ingress.publishTimeout().multipliedBy(2).plusSeconds(1);
        return new Idempotency(redis, ingress.idempotencyPrefix(), ingress.idempotencyTtl(), lock, EventIngress.JSON);
    }

    @Bean
    EventIngress eventIngress(
            IngressContract contract,
            JsonSchemas schemas,
            IngressPublisher publisher,
            Idempotency idempotency,
            RouterProperties properties) {
        return new EventIngress(
                contract, schemas, publisher, idempotency, properties.ingress().maxBatchSize());
    }

    /**
     * The ingress answers every request under {@code /api/v1} in {@link IngressEndpoint}, the first
     * filter of the servlet container's chain, ahead of Spring Security's (which has no chain for
     * these paths: bearer tokens are {@link IngressGate}'s, and admin credentials open nothing here).
     */
    @Bean
    FilterRegistrationBean<IngressEndpoint> ingressEndpoint(
            Callers callers,
            IngressContract contract,
            EventIngress ingress,
            MeterRegistry meters,
            RouterProperties properties) {
        IngressGate gate = new IngressGate(
                callers, contract, properties.ingress().maxBodySize().toBytes());
        FilterRegistrationBean<IngressEndpoint> registration =
                new FilterRegistrationBean<>(new IngressEndpoint(gate, ingress, meters));
        registration.setName("quckchatIngress");
        registration.addUrlPatterns(IngressEndpoint.BASE, IngressEndpoint.BASE + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
