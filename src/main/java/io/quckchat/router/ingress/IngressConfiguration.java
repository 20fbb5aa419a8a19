package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.fanout.JsonSchemas;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/** The HTTP ingress: its security filter chain on {@code /api/v1/**}, Kafka producer, idempotency store and routes. */
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

    @Bean
    IngressRoutes ingressRoutes(EventIngress ingress) {
        return new IngressRoutes(ingress);
    }

    /**
     * {@code /api/v1/**} has its own chain, ahead of the admin one: bearer tokens only (admin
     * credentials open nothing here, and an ingress token opens nothing elsewhere), no sessions, no
     * CSRF (no cookies are used). {@link IngressFilter} is created here, not as a bean, so that the
     * servlet container does not also run it on every other path.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain ingressApi(
            HttpSecurity http, Callers callers, IngressContract contract, RouterProperties properties)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        IngressFilter gate = new IngressFilter(
                callers, contract, properties.ingress().maxBodySize().toBytes(), json);
        http.securityMatcher(IngressRoutes.BASE + "/**")
                .authorizeHttpRequests(
                        requests -> requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                                .permitAll()
                                .anyRequest()
                                .authenticated())
                .addFilterBefore(gate, AuthorizationFilter.class)
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint((request, response, e) -> IngressFilter.refuse(
                                response, Problem.unauthorized("authentication required"), IngressFilter.REALM, json)))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        return http.build();
    }
}
