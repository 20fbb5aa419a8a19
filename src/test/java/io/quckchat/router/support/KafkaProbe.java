package io.quckchat.router.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A plain Kafka producer for test events, and a reader of dead-letter topics. */
public final class KafkaProbe implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaProbe() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestBrokers.get().kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** Produces one event, as QuckChat's backend does: key and JSON value, optionally a ce_id header. */
    public RecordMetadata send(String topic, String key, String value, String ceId) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        if (ceId != null) {
            record.headers().add("ce_id", ceId.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    public void sendAsync(String topic, String key, String value, String ceId) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        if (ceId != null) {
            record.headers().add("ce_id", ceId.getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record);
    }

    /**
     * Produces message.sent events in the background, as a chat backend would: ids (ce_id) {@code
     * <prefix>-0} … {@code <prefix>-(count-1)}, event {@code i} in conversation {@code c-<i % keys>}
     * (its key), flushed every {@code batch} events and then {@code pause} long, to spread them over
     * time.
     */
    public CompletableFuture<Void> streamMessages(String prefix, int count, int keys, int batch, Duration pause) {
        return streamMessages("message.sent", prefix, count, keys, batch, pause);
    }

    /** As {@link #streamMessages(String, int, int, int, Duration)}, to another topic. */
    public CompletableFuture<Void> streamMessages(
            String topic, String prefix, int count, int keys, int batch, Duration pause) {
        return streamMessages(topic, prefix, 0, count, keys, batch, pause);
    }

    /** As above, the events {@code from} (inclusive) to {@code to} (exclusive) only. */
    public CompletableFuture<Void> streamMessages(
            String topic, String prefix, int from, int to, int keys, int batch, Duration pause) {
        return CompletableFuture.runAsync(() -> {
            for (int i = from; i < to; i++) {
                String key = "c-" + (i % keys);
                sendAsync(
                        topic,
                        key,
                        "{\"messageId\":\"" + i + "\",\"conversationId\":\"" + key + "\",\"senderId\":\"u1\"}",
                        prefix + "-" + i);
                if (i % batch == batch - 1) {
                    flush();
                    if (!pause.isZero()) {
                        try {
                            TimeUnit.MILLISECONDS.sleep(pause.toMillis()); // pacing production, not awaiting a result
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
            flush();
        });
    }

    public void flush() {
        producer.flush();
    }

    /** Every record now on a topic (e.g. {@code message.sent.dlq}); empty if the topic does not exist. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBrokers.get().kafkaBootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return List.of();
        }
    }

    /**
     * The end offset of every partition of these topics: equal before and after an action means it
     * produced nothing to them.
     */
    public static Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
        try (Admin admin = TestBrokers.get().kafkaAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((name, description) -> description
                            .partitions()
                            .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topics, e);
        }
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
