package io.quckchat.router.bench;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.camel.bullmq.BullMqConstants;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The benchmark's "stock Camel" subject: the message.sent fan-out as a Camel user would first write
 * it with the stock endpoints, at the router's guarantees as far as they go — {@code kafka:} with
 * manual commits after the exchange (auto-commit off, {@code breakOnFirstError}), two {@code
 * spring-rabbitmq:} producers with publisher confirms (each waits for its confirm), and the {@code
 * bullmq:} component for the push job. No ledger and no per-key retries: it does less than the router.
 * It measures why the router does not use the stock endpoints (docs/architecture.md).
 *
 * <p>Started by {@link RouterBench} as its own JVM with the router's JVM options, like {@link
 * BaselineBridge}, with the same arguments.
 */
public final class StockCamelBridge {

    private static final List<String> ROUTING_KEYS = BaselineBridge.ROUTING_KEYS;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BaselineBridge.options(args);
        String exchange = o.get("exchange");
        declare(o.get("rabbitmq-url"), exchange, o.get("queue-prefix"));

        CachingConnectionFactory rabbit = new CachingConnectionFactory(new URI(o.get("rabbitmq-url")));
        rabbit.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        rabbit.setPublisherReturns(true);
        LettuceConnectionFactory redis = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(o.get("redis-host"), Integer.parseInt(o.get("redis-port"))));
        redis.afterPropertiesSet();
        redis.start();

        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("rabbit", rabbit);
        camel.addComponent("bullmq", new BullMqComponent(new BullMqClient(redis, o.get("bull-prefix"))));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + o.get("topic") + "?brokers=" + o.get("kafka") + "&groupId=" + o.get("group")
                                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true"
                                + "&breakOnFirstError=true&maxPollRecords=500"
                                + "&kafkaManualCommitFactory=#class:org.apache.camel.component.kafka.consumer"
                                + ".DefaultKafkaManualAsyncCommitFactory")
                        .routeId("stock-message-sent")
                        .process(StockCamelBridge::identify)
                        .to("spring-rabbitmq:" + exchange + "?connectionFactory=#rabbit&routingKey="
                                + ROUTING_KEYS.get(0) + "&confirm=enabled&autoDeclare=false")
                        .to("spring-rabbitmq:" + exchange + "?connectionFactory=#rabbit&routingKey="
                                + ROUTING_KEYS.get(1) + "&confirm=enabled&autoDeclare=false")
                        .to("bullmq:push?jobName=new-message&priority=10&attempts=3&backoffType=exponential"
                                + "&backoffDelay=1000")
                        .process(exchange -> exchange.getMessage()
                                .getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class)
                                .commit());
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            camel.stop();
            redis.destroy();
            rabbit.destroy();
            stopped.countDown();
        }));
        camel.start();
        stopped.await();
    }

    /** The event id as the watch reads it: the {@code ce_id} header (text) and the job id. */
    private static void identify(Exchange exchange) {
        Object ceId = exchange.getMessage().getHeader("ce_id");
        String id = ceId instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(ceId);
        exchange.getMessage().setHeader("ce_id", id);
        exchange.getMessage().setHeader(BullMqConstants.JOB_ID, id + ".new-message");
    }

    /** The exchange and the two queues, as the router declares them. */
    private static void declare(String url, String exchange, String queuePrefix) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        try (Connection connection = factory.newConnection("stock-camel-declare");
                Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
            for (String key : ROUTING_KEYS) {
                String queue = queuePrefix + "." + key;
                channel.queueDeclare(queue, true, false, false, null);
                channel.queueBind(queue, exchange, key);
            }
        }
    }

    private StockCamelBridge() {}
}
