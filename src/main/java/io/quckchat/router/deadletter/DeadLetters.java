package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.event.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Inspects and redrives the dead letters on the {@code *.dlq} topics.
 *
 * <p>A redrive produces the original record again to its source topic, with its event id as
 * {@code ce_id} (so the legs keep their {@code message_id} and {@code jobId}) and a header that
 * says which legs to deliver: the failed leg only, or the whole event. The router then delivers
 * exactly those. Redriven letters are marked in Redis and not redriven again.
 *
 * <p>Listing reads the dead-letter topics from the start on each call: dead letters are few, and
 * this keeps the topics the only store. Paging is over the filtered, newest-first list.
 */
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** What to deliver again. */
    public enum Scope {
        /** Only the leg that failed (the whole event if the event itself was rejected). */
        LEG,
        /** Every leg of the event. */
        EVENT
    }

    /** What a redrive did, or would do in a dry run, for one letter. */
    public record Outcome(String id, String eventId, String action, String topic, String legs, Long offset) {}

    private static final String ALL_LEGS = "*";

    private final KafkaClients clients;
    private final StringRedisTemplate redis;
    private final String marks;
    private volatile KafkaProducer<byte[], byte[]> producer;

    public DeadLetters(KafkaClients clients, StringRedisTemplate redis, String ledgerPrefix) {
        this.clients = clients;
        this.redis = redis;
        this.marks = ledgerPrefix + ":redriven";
    }

    /** Dead letters matching the query, newest first, one page. */
    public List<DeadLetterView> list(DeadLetterQuery query, int page, int size) {
        return find(query).stream().skip((long) page * size).limit(size).toList();
    }

    public int count(DeadLetterQuery query) {
        return find(query).size();
    }

    public Optional<DeadLetterView> get(String id) {
        return find(DeadLetterQuery.ALL).stream().filter(l -> l.id().equals(id)).findFirst();
    }

    /**
     * Redrives these letters (by id); a dry run only says what would happen.
     *
     * <p>One request produces an event at most once per set of legs: letters of the same event
     * whose legs a record of this request already carries share that record (scope {@code EVENT}
     * on two letters of one event delivers each leg once more, not twice).
     */
    public List<Outcome> redrive(List<String> ids, Scope scope, boolean dryRun, boolean force) {
        Map<String, ConsumerRecord<byte[], byte[]>> records =
                readAll().stream().collect(Collectors.toMap(DeadLetters::id, r -> r, (a, b) -> a));
        Map<Object, Object> redriven = redis.opsForHash().entries(marks);
        // topic and event id -> legs -> offset of the record this request produced for them
        Map<String, Map<String, Long>> produced = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (String id : ids) {
            ConsumerRecord<byte[], byte[]> record = records.get(id);
            if (record == null) {
                outcomes.add(new Outcome(id, null, "not-found", null, null, null));
                continue;
            }
            String eventId = header(record, DeadLetterHeaders.EVENT_ID);
            String topic = header(record, DeadLetterHeaders.TOPIC);
            String failedLeg = header(record, DeadLetterHeaders.LEG);
            String legs = scope == Scope.EVENT || DeadLetter.WHOLE_EVENT.equals(failedLeg) ? ALL_LEGS : failedLeg;
            if (redriven.containsKey(id) && !force) {
                outcomes.add(new Outcome(id, eventId, "already-redriven", topic, legs, null));
                continue;
            }
            if (dryRun) {
                outcomes.add(new Outcome(id, eventId, "would-redrive", topic, legs, null));
                continue;
            }
            Map<String, Long> ofEvent = produced.computeIfAbsent(topic + "/" + eventId, k -> new HashMap<>());
            Long offset = ofEvent.containsKey(ALL_LEGS) ? ofEvent.get(ALL_LEGS) : ofEvent.get(legs);
            if (offset == null) {
                offset = send(record, topic, eventId, legs, id).offset();
                ofEvent.put(legs, offset);
                log.info("Redrove dead letter {} (event {}, legs {}) to {}@{}", id, eventId, legs, topic, offset);
            } else {
                log.info("Dead letter {} (event {}, legs {}) redriven by {}@{}", id, eventId, legs, topic, offset);
            }
            redis.opsForHash().put(marks, id, Instant.now() + " " + scope.name().toLowerCase());
            outcomes.add(new Outcome(id, eventId, "redriven", topic, legs, offset));
        }
        return outcomes;
    }

    /** Ids of the letters matching a query, for a filtered redrive. */
    public List<String> ids(DeadLetterQuery query) {
        return find(query).stream().map(DeadLetterView::id).toList();
    }

    private RecordMetadata send(
            ConsumerRecord<byte[], byte[]> record, String topic, String eventId, String legs, String id) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            String key = header.key();
            if (!key.startsWith("__connect.errors.")
                    && !key.startsWith("quckchat.dlq.")
                    && !key.startsWith("quckchat.redrive.")
                    && !key.equals(EventHeaders.CE_ID)) {
                headers.add(header);
            }
        }
        headers.add(EventHeaders.CE_ID, eventId.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.REDRIVE_LEGS, legs.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.REDRIVE_OF, id.getBytes(StandardCharsets.UTF_8));
        try {
            return producer()
                    .send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot redrive " + id + " to " + topic + ": " + e.getMessage(), e);
        }
    }

    private List<DeadLetterView> find(DeadLetterQuery query) {
        Map<Object, Object> redriven = redis.opsForHash().entries(marks);
        return readAll().stream()
                .map(record -> view(record, (String) redriven.get(id(record))))
                .filter(query::matches)
                .sorted(Comparator.comparing(DeadLetterView::deadLetteredAt).reversed())
                .toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll() {
        Map<String, Object> config = clients.common("dead-letter-reader");
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only partitions that hold letters are fetched, so a fetch has no reason to wait for data.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : deadLetterTopics()) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    all.add(new TopicPartition(topic, info.partition()));
                }
            }
            Map<TopicPartition, Long> start = consumer.beginningOffsets(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            List<TopicPartition> partitions =
                    all.stream().filter(p -> start.get(p) < end.get(p)).toList();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            partitions.forEach(p -> consumer.seek(p, start.get(p)));
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Reading the dead-letter topics took over 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private Set<String> deadLetterTopics() {
        try (Admin admin = Admin.create(clients.common("dead-letter-admin"))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.endsWith(DeadLetterLane.SUFFIX))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list the dead-letter topics: " + e.getMessage(), e);
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(clients.producer("redrive"));
        }
        return producer;
    }

    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    static String id(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    private static DeadLetterView view(ConsumerRecord<byte[], byte[]> record, String mark) {
        Instant redrivenAt = null;
        String scope = null;
        if (mark != null) {
            String[] parts = mark.split(" ", 2);
            redrivenAt = Instant.parse(parts[0]);
            scope = parts.length > 1 ? parts[1] : null;
        }
        return new DeadLetterView(
                id(record),
                header(record, DeadLetterHeaders.TOPIC),
                record.partition(),
                record.offset(),
                header(record, DeadLetterHeaders.EVENT_ID),
                header(record, DeadLetterHeaders.TASK_ID),
                header(record, DeadLetterHeaders.STAGE),
                header(record, DeadLetterHeaders.LEG),
                header(record, DeadLetterHeaders.EXCEPTION_CLASS),
                header(record, DeadLetterHeaders.EXCEPTION_MESSAGE),
                parseInt(header(record, DeadLetterHeaders.ATTEMPTS)),
                header(record, DeadLetterHeaders.FIRST_FAILURE),
                header(record, DeadLetterHeaders.LAST_FAILURE),
                Instant.ofEpochMilli(record.timestamp()),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8),
                redrivenAt,
                scope);
    }

    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
