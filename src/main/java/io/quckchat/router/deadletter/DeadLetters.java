package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.event.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * <p>Which letters match a filter comes from the {@link DeadLetterIndex}; the letters themselves
 * are read from their topics ({@link DeadLetterReader}), which stay the only store of what a letter
 * holds. A redrive of many letters goes through them in chunks, so memory does not grow with them.
 */
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** Letters read, produced and marked at a time by a redrive. */
    private static final int CHUNK = 500;
    /** Outcomes a redrive answer lists one by one; its counts cover all of them. */
    static final int LISTED_OUTCOMES = 1000;

    /** What to deliver again. */
    public enum Scope {
        /** Only the leg that failed (the whole event if the event itself was rejected). */
        LEG,
        /** Every leg of the event. */
        EVENT
    }

    /** What a redrive did, or would do in a dry run, for one letter. */
    public record Outcome(String id, String eventId, String action, String topic, String legs, Long offset) {}

    /**
     * What a redrive did: {@code count} letters in all, {@code counts} by action ({@code redriven},
     * {@code would-redrive}, {@code already-redriven}, {@code not-found}), and the first {@value
     * #LISTED_OUTCOMES} outcomes one by one.
     */
    public record Redrive(int count, Map<String, Integer> counts, List<Outcome> outcomes) {
        /** A redrive that found no letter. */
        public static final Redrive NONE = new Redrive(0, Map.of(), List.of());
    }

    private final KafkaClients clients;
    private final StringRedisTemplate redis;
    private final String marks;
    private final String marksLog;
    private final DeadLetterIndex index;
    private final DeadLetterReader reader;
    private volatile KafkaProducer<byte[], byte[]> producer;

    public DeadLetters(KafkaClients clients, StringRedisTemplate redis, String ledgerPrefix) {
        this.clients = clients;
        this.redis = redis;
        this.marks = ledgerPrefix + ":redriven";
        this.marksLog = ledgerPrefix + ":redriven:log";
        this.index = new DeadLetterIndex(clients, redis, marksLog);
        this.reader = new DeadLetterReader(clients);
        index.start();
    }

    /** A dead-letter topic was written to (by this replica's lane): the index follows it at once. */
    void topicSeen() {
        index.topicSeen();
    }

    /** Dead letters matching the query, newest first, one page. */
    public List<DeadLetterView> list(DeadLetterQuery query, int page, int size) {
        List<String> ids = index.find(query, (long) page * size, size);
        Map<String, ConsumerRecord<byte[], byte[]>> records = reader.read(ids);
        List<Object> marked = redis.opsForHash().multiGet(marks, new ArrayList<>(records.keySet()));
        List<DeadLetterView> views = new ArrayList<>(records.size());
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> record : records.values()) {
            views.add(view(record, (String) marked.get(i++)));
        }
        return views;
    }

    public int count(DeadLetterQuery query) {
        return (int) Math.min(Integer.MAX_VALUE, index.count(query));
    }

    /** Dead letters written to the topics that the index does not hold yet (it reads them at start-up); -1 before it looked. */
    public long indexBehind() {
        return index.behind();
    }

    public Optional<DeadLetterView> get(String id) {
        ConsumerRecord<byte[], byte[]> record = reader.read(List.of(id)).get(id);
        if (record == null) {
            return Optional.empty();
        }
        return Optional.of(view(record, (String) redis.opsForHash().get(marks, id)));
    }

    /** One header of a dead letter's record, as text. */
    public record HeaderText(String name, String value) {}

    /** A dead letter with every header of its record (the original event's and the failure's), in record order. */
    public record Detail(DeadLetterView letter, List<HeaderText> headers) {}

    public Optional<Detail> detail(String id) {
        ConsumerRecord<byte[], byte[]> record = reader.read(List.of(id)).get(id);
        if (record == null) {
            return Optional.empty();
        }
        List<HeaderText> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new HeaderText(
                    header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8)));
        }
        return Optional.of(new Detail(view(record, (String) redis.opsForHash().get(marks, id)), List.copyOf(headers)));
    }

    /** Redrives these letters (by id); a dry run only says what would happen. */
    public Redrive redrive(List<String> ids, Scope scope, boolean dryRun, boolean force) {
        Tally tally = new Tally();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            redriveChunk(ids.subList(from, Math.min(ids.size(), from + CHUNK)), scope, dryRun, force, true, tally);
        }
        return tally.result();
    }

    /**
     * Redrives every letter matching the query, newest first, a chunk at a time; letters already
     * redriven are left out (not even listed) unless {@code force}.
     */
    public Redrive redrive(DeadLetterQuery query, Scope scope, boolean dryRun, boolean force) {
        Tally tally = new Tally();
        index.forEach(query, CHUNK, ids -> redriveChunk(ids, scope, dryRun, force, false, tally));
        return tally.result();
    }

    private static final String ALL_LEGS = "*";

    /** What one redrive request did so far. */
    private static final class Tally {
        final Map<String, Integer> counts = new java.util.TreeMap<>();
        final List<Outcome> outcomes = new ArrayList<>();
        /**
         * Per source topic and event id, per legs, the record this request produced for them: letters
         * of one event whose legs a record already carries share it (scope EVENT on two letters of one
         * event delivers each leg once more, not twice). About 150 bytes per event of the request.
         */
        final Map<String, Map<String, CompletableFuture<RecordMetadata>>> produced = new HashMap<>();

        int count;

        void add(Outcome outcome) {
            count++;
            counts.merge(outcome.action(), 1, Integer::sum);
            if (outcomes.size() < LISTED_OUTCOMES) {
                outcomes.add(outcome);
            }
        }

        Redrive result() {
            return new Redrive(count, counts, outcomes);
        }
    }

    private void redriveChunk(
            List<String> ids, Scope scope, boolean dryRun, boolean force, boolean listSkipped, Tally tally) {
        Map<String, ConsumerRecord<byte[], byte[]>> records = reader.read(ids);
        List<Object> marked = redis.opsForHash().multiGet(marks, new ArrayList<>(ids));
        List<Outcome> outcomes = new ArrayList<>(ids.size());
        // index of a redriven outcome in outcomes -> the record that redrives it
        Map<Integer, CompletableFuture<RecordMetadata>> sends = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            ConsumerRecord<byte[], byte[]> record = records.get(id);
            if (record == null) {
                outcomes.add(new Outcome(id, null, "not-found", null, null, null));
                continue;
            }
            String eventId = header(record, DeadLetterHeaders.EVENT_ID);
            String topic = header(record, DeadLetterHeaders.TOPIC);
            String failedLeg = header(record, DeadLetterHeaders.LEG);
            String legs = scope == Scope.EVENT || DeadLetter.WHOLE_EVENT.equals(failedLeg) ? ALL_LEGS : failedLeg;
            if (marked.get(i) != null && !force) {
                if (listSkipped) {
                    outcomes.add(new Outcome(id, eventId, "already-redriven", topic, legs, null));
                }
                continue;
            }
            if (dryRun) {
                outcomes.add(new Outcome(id, eventId, "would-redrive", topic, legs, null));
                continue;
            }
            Map<String, CompletableFuture<RecordMetadata>> ofEvent =
                    tally.produced.computeIfAbsent(topic + "/" + eventId, k -> new HashMap<>(2));
            CompletableFuture<RecordMetadata> send =
                    ofEvent.containsKey(ALL_LEGS) ? ofEvent.get(ALL_LEGS) : ofEvent.get(legs);
            if (send == null) {
                send = send(record, topic, eventId, legs, id);
                ofEvent.put(legs, send);
            }
            sends.put(outcomes.size(), send);
            outcomes.add(new Outcome(id, eventId, "redriven", topic, legs, null));
        }
        if (!sends.isEmpty()) {
            String at = Instant.now().toString();
            String mark = at + " " + scope.name().toLowerCase();
            List<String> done = new ArrayList<>(sends.size());
            try {
                for (Map.Entry<Integer, CompletableFuture<RecordMetadata>> sent : sends.entrySet()) {
                    Outcome outcome = outcomes.get(sent.getKey());
                    long offset;
                    try {
                        offset = sent.getValue().get(30, TimeUnit.SECONDS).offset();
                    } catch (Exception e) {
                        Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                        throw new IllegalStateException(
                                "Cannot redrive " + outcome.id() + " to " + outcome.topic() + ": " + cause.getMessage(),
                                cause);
                    }
                    outcomes.set(
                            sent.getKey(),
                            new Outcome(
                                    outcome.id(),
                                    outcome.eventId(),
                                    outcome.action(),
                                    outcome.topic(),
                                    outcome.legs(),
                                    offset));
                    done.add(outcome.id());
                    log.info(
                            "Redrove dead letter {} (event {}, legs {}) to {}@{}",
                            outcome.id(),
                            outcome.eventId(),
                            outcome.legs(),
                            outcome.topic(),
                            offset);
                }
            } finally {
                mark(done, at, mark);
                index.markRedriven(done, Instant.parse(at));
            }
        }
        outcomes.forEach(tally::add);
    }

    /** Marks letters as redriven: the hash the redrive checks, and the log every replica's index follows. */
    private void mark(List<String> ids, String at, String mark) {
        if (ids.isEmpty()) {
            return;
        }
        redis.executePipelined(new org.springframework.data.redis.core.SessionCallback<Object>() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public Object execute(org.springframework.data.redis.core.RedisOperations operations) {
                for (String id : ids) {
                    operations.opsForHash().put(marks, id, mark);
                    operations.opsForStream().add(marksLog, Map.of("id", id, "at", at));
                }
                return null;
            }
        });
    }

    private CompletableFuture<RecordMetadata> send(
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
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        producer().send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers), (metadata, error) -> {
            if (error == null) {
                result.complete(metadata);
            } else {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(clients.producer("redrive"));
        }
        return producer;
    }

    public void close() {
        index.close();
        reader.close();
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
