package io.quckchat.router.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.config.TrustedCa;
import io.quckchat.router.deadletter.DeadLetterLane;
import io.quckchat.router.delivery.OutagePolicy;
import io.quckchat.router.event.RetryPolicy;
import java.net.URI;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RabbitMqConfiguration {

    @Bean
    RabbitMqTopology rabbitTopology(RouterProperties properties) {
        return new RabbitMqTopology(properties.rabbitmq());
    }

    /** The plain Java client's factory for RABBITMQ_URL (publisher, topology and depth connections). */
    @Bean
    ConnectionFactory rabbitClientFactory(RouterProperties properties) throws Exception {
        ConnectionFactory factory = connectionFactory(
                properties.rabbitmq().url(),
                properties.delivery().timeout().toMillis(),
                TrustedCa.bundle(properties.rabbitmq().tlsCaFile(), "quckchat.rabbitmq.tls-ca-file"));
        String passwordFile = properties.rabbitmq().passwordFile();
        if (passwordFile != null && !passwordFile.isBlank()) {
            factory.setCredentialsProvider(
                    new PasswordFileCredentials(factory.getUsername(), Path.of(passwordFile.trim())));
        }
        return factory;
    }

    @Bean
    RabbitMqLane rabbitLane(
            ConnectionFactory rabbitClientFactory,
            RouterProperties properties,
            RabbitMqTopology topology,
            OutagePolicy outage,
            DeadLetterLane deadLetters) {
        RabbitMqLane lane = new RabbitMqLane(
                rabbitClientFactory,
                topology,
                outage.backoff(),
                properties.rabbitmq().maxUnconfirmed(),
                properties.delivery().timeout());
        lane.deadLetterTo(deadLetters);
        return lane;
    }

    @Bean("rabbitmq-sink")
    RabbitMqSinkComponent rabbitMqSinkComponent(
            RabbitMqLane lane, RabbitMqTopology topology, RetryPolicy legRetryPolicy) {
        return new RabbitMqSinkComponent(lane, topology, legRetryPolicy);
    }

    /**
     * Declares exchange and queues once the routes have said which queues they use (when Camel has
     * started them). A Camel startup listener rather than a {@code CamelContextConfiguration}: for
     * those, camel-spring-boot registers an event notifier that is asked about every exchange event
     * (measured in docs/benchmark.md#where-the-time-went-and-what-was-fixed, "exchange events").
     */
    @Bean
    Object declareRabbitTopology(CamelContext camelContext, RabbitMqLane lane) throws Exception {
        StartupListener declare = new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {}

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                lane.declareTopology();
            }
        };
        camelContext.addStartupListener(declare);
        return declare;
    }

    /**
     * A client factory for {@code RABBITMQ_URL}. For {@code amqps://} it verifies the server's
     * certificate and host name against {@code trust} (the client's own {@code amqps} default would
     * trust any certificate).
     */
    static ConnectionFactory connectionFactory(String url, long timeoutMillis, SslBundle trust) throws Exception {
        URI uri = RouterProperties.rabbitUri(url);
        ConnectionFactory factory = new ConnectionFactory();
        if ("amqps".equals(uri.getScheme())) {
            // the client's setUri would first install a trust-everything manager for amqps (and say
            // so in the log): set the address as amqp with the amqps port, then the real trust
            int port = uri.getPort() > 0 ? uri.getPort() : ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT;
            factory.setUri("amqp://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@") + uri.getHost()
                    + ":" + port + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            factory.useSslProtocol(trust.createSslContext());
            factory.enableHostnameVerification();
        } else {
            factory.setUri(uri);
        }
        factory.setAutomaticRecoveryEnabled(false); // the lane reconnects and resends itself
        factory.setConnectionTimeout((int) timeoutMillis);
        factory.setRequestedHeartbeat(10);
        return factory;
    }
}
