package io.quckchat.router.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.camel.bullmq.BullMqAddResult;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.camel.bullmq.BullMqJobOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The benchmark's plain-client baseline: what a careful engineer writes by hand for the message.sent
 * fan-out with the router's guarantees, at its best strategy. One loop: poll a batch from Kafka
 * (manual commits), publish every event of it to the two RabbitMQ queues with publisher confirms
 * (mandatory, persistent; all of the batch's publishes in flight at once), add every push job with
 * the BullMQ add script in one pipelined round trip (deterministic job ids), wait for every confirm,
 * then commit the batch. A nack, a returned message or a refused job stops it: a baseline that
 * loses events would flatter nobody.
 *
 * <p>Started by {@link RouterBench} as a separate JVM with the router's JVM options, so that its CPU
 * and memory are measured the same way. Arguments: {@code --name=value} (see {@link #main}).
 */
public final class BaselineBridge {

    /** The queues of the message.sent fan-out that the benchmark watches (the push job aside). */
    static final List<String> ROUTING_KEYS = List.of("notifications", "analytics");

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String exchange = o.get("exchange");
        String queuePrefix = o.get("queue-prefix");
        int maxPoll = Integer.parseInt(o.getOrDefault("max-poll-records", "1000"));

        ConnectionFactory rabbitFactory = new ConnectionFactory();
        rabbitFactory.setUri(o.get("rabbitmq-url"));
        Connection rabbit = rabbitFactory.newConnection("baseline");
        Channel channel = rabbit.createChannel();
        channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
        for (String key : ROUTING_KEYS) {
            String queue = queuePrefix + "." + key;
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, key);
        }
        channel.confirmSelect();
        AtomicReference<String> returned = new AtomicReference<>();
        channel.addReturnListener(r -> returned.compareAndSet(null, "returned by RabbitMQ: " + r.getReplyText()));

        LettuceConnectionFactory redis = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(o.get("redis-host"), Integer.parseInt(o.get("redis-port"))));
        redis.afterPropertiesSet();
        redis.start();
        BullMqClient bullmq = new BullMqClient(redis, o.get("bull-prefix"));
        BullMqJobOptions pushOptions =
                BullMqJobOptions.defaults().toBuilder().priority(10).build();

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                o.get("kafka"),
                ConsumerConfig.GROUP_ID_CONFIG,
                o.get("group"),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                maxPoll,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.wakeup();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        consumer.subscribe(List.of(o.get("topic")));
        try {
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                List<BullMqJob> jobs = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    String id = header(record, "ce_id");
                    for (String key : ROUTING_KEYS) {
                        channel.basicPublish(exchange, key, true, properties(record, id, key), record.value());
                    }
                    jobs.add(new BullMqJob(
                            "push",
                            "new-message",
                            new String(record.value(), StandardCharsets.UTF_8),
                            pushOptions.toBuilder().jobId(id + ".new-message").build()));
                }
                for (BullMqAddResult result : bullmq.addAll(jobs)) {
                    if (result.error() != null) {
                        throw new IllegalStateException("BullMQ refused a job", result.error());
                    }
                }
                channel.waitForConfirmsOrDie(30_000);
                if (returned.get() != null) {
                    throw new IllegalStateException(returned.get());
                }
                consumer.commitSync();
            }
        } catch (WakeupException stopping) {
            // SIGTERM: leave the group; what was not committed is read again by the next run
        } finally {
            consumer.close(Duration.ofSeconds(5));
            rabbit.close();
            redis.destroy();
        }
    }

    private static AMQP.BasicProperties properties(ConsumerRecord<byte[], byte[]> record, String id, String key) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("ce_id", id);
        headers.put("ce_type", record.topic());
        headers.put("ce_source", "quckchat-backend");
        headers.put("x-source-topic", record.topic());
        headers.put("x-source-partition", record.partition());
        headers.put("x-source-offset", record.offset());
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(id + ":" + key)
                .type(record.topic())
                .timestamp(new Date(record.timestamp()))
                .headers(headers)
                .build();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null
                ? record.topic() + "-" + record.partition() + "-" + record.offset()
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** {@code --name=value} arguments, as {@link RouterBench} passes them to a subject. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private BaselineBridge() {}
}
