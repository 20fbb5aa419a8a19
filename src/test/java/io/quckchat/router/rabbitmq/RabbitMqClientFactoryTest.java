package io.quckchat.router.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.router.config.TrustedCa;
import org.junit.jupiter.api.Test;

/** RABBITMQ_URL read into the client factory the lanes, queue depths and health share. */
class RabbitMqClientFactoryTest {

    @Test
    void amqpsKeepsTheAddressCredentialsAndVirtualHostAndTurnsOnTls() throws Exception {
        ConnectionFactory factory = RabbitMqConfiguration.connectionFactory(
                "amqps://router:p%40ss%2Fword@rabbit.internal/chat", 3000, TrustedCa.bundle("", "test"));
        assertThat(factory.isSSL()).isTrue();
        assertThat(factory.getHost()).isEqualTo("rabbit.internal");
        assertThat(factory.getPort()).as("amqps' default port").isEqualTo(5671);
        assertThat(factory.getUsername()).isEqualTo("router");
        assertThat(factory.getPassword()).isEqualTo("p@ss/word");
        assertThat(factory.getVirtualHost()).isEqualTo("chat");
    }

    @Test
    void amqpStaysPlain() throws Exception {
        ConnectionFactory factory = RabbitMqConfiguration.connectionFactory(
                "amqp://guest:guest@127.0.0.1:5673", 3000, TrustedCa.bundle("", "test"));
        assertThat(factory.isSSL()).isFalse();
        assertThat(factory.getPort()).isEqualTo(5673);
        assertThat(factory.getVirtualHost()).isEqualTo("/");
    }
}
