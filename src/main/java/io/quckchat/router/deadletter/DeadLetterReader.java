package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads dead letters by id ({@code <dlq topic>/<partition>/<offset>}) straight from their topics:
 * the records are the source of truth, the index only says which ones match. One consumer without
 * a group, assigned and positioned per call; a page of letters costs about one fetch per partition
 * it touches.
 */
final class DeadLetterReader implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A gap in a partition's wanted offsets longer than this is skipped with a seek rather than read through. */
    private static final long SKIP_AHEAD = 64;

    private final KafkaConsumer<byte[], byte[]> consumer;

    DeadLetterReader(KafkaClients clients) {
        Map<String, Object> config = clients.common("dead-letter-reader");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a page touches a few records per partition: do not fetch a megabyte of each
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
        // after a read the consumer fetches on from where it stopped; at a partition's end the broker
        // holds that fetch for fetch.max.wait.ms (500 ms by default), and the next read waits for it
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        // a poll hands over everything fetched, so that no partition's part is fetched twice
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        consumer = new KafkaConsumer<>(config);
    }

    /** A letter id as the API writes it. */
    record LetterId(TopicPartition partition, long offset) {
        static LetterId parse(String id) {
            int second = id.lastIndexOf('/');
            int first = second <= 0 ? -1 : id.lastIndexOf('/', second - 1);
            if (first <= 0) {
                return null;
            }
            try {
                return new LetterId(
                        new TopicPartition(id.substring(0, first), Integer.parseInt(id.substring(first + 1, second))),
                        Long.parseLong(id.substring(second + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return partition.topic() + "/" + partition.partition() + "/" + offset;
        }
    }

    /**
     * The records of these letter ids that exist, by id, in the order asked; an id that is malformed,
     * on no dead-letter topic or past its partition's retention is left out.
     */
    synchronized Map<String, ConsumerRecord<byte[], byte[]>> read(List<String> ids) {
        Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
        for (String id : ids) {
            LetterId letter = LetterId.parse(id);
            if (letter != null && letter.partition().topic().endsWith(DeadLetterLane.SUFFIX)) {
                pending.computeIfAbsent(letter.partition(), p -> new TreeSet<>())
                        .add(letter.offset());
            }
        }
        Map<String, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        if (!pending.isEmpty()) {
            dropMissing(pending);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            // each partition is positioned once, at its first wanted letter, and read on from there;
            // it is moved ahead only past a gap longer than a fetch, and paused once it has given all
            consumer.assign(pending.keySet());
            consumer.resume(consumer.paused()); // paused by the previous read
            pending.forEach((partition, offsets) -> consumer.seek(partition, offsets.first()));
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + ids.size() + " dead letters took over " + TIMEOUT);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition partition : records.partitions()) {
                    TreeSet<Long> wanted = pending.get(partition);
                    if (wanted == null) {
                        continue;
                    }
                    long last = -1;
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        if (wanted.remove(record.offset())) {
                            found.put(DeadLetters.id(record), record);
                        }
                        last = record.offset();
                    }
                    // offsets the read passed without a record (compaction, transaction markers) do not exist
                    wanted.headSet(last, true).clear();
                    if (wanted.isEmpty()) {
                        pending.remove(partition);
                        consumer.pause(List.of(partition));
                    } else if (wanted.first() > last + SKIP_AHEAD) {
                        consumer.seek(partition, wanted.first());
                    }
                }
            }
        }
        Map<String, ConsumerRecord<byte[], byte[]>> ordered = new LinkedHashMap<>();
        for (String id : ids) {
            ConsumerRecord<byte[], byte[]> record = found.get(id);
            if (record != null) {
                ordered.put(id, record);
            }
        }
        return ordered;
    }

    /** Leaves out what cannot be read: unknown partitions, offsets before the log start or at or after its end. */
    private void dropMissing(Map<TopicPartition, TreeSet<Long>> pending) {
        List<TopicPartition> unknown = new ArrayList<>();
        for (TopicPartition partition : pending.keySet()) {
            boolean exists = consumer.partitionsFor(partition.topic(), TIMEOUT).stream()
                    .anyMatch(info -> info.partition() == partition.partition());
            if (!exists) {
                unknown.add(partition);
            }
        }
        unknown.forEach(pending::remove);
        if (pending.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> start = consumer.beginningOffsets(pending.keySet(), TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(pending.keySet(), TIMEOUT);
        for (Iterator<Map.Entry<TopicPartition, TreeSet<Long>>> it =
                        pending.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<TopicPartition, TreeSet<Long>> entry = it.next();
            TreeSet<Long> offsets = entry.getValue();
            offsets.headSet(start.get(entry.getKey())).clear();
            offsets.tailSet(end.get(entry.getKey())).clear();
            if (offsets.isEmpty()) {
                it.remove();
            }
        }
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
