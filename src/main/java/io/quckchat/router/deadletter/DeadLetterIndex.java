package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Which dead letters there are, so that listing and filtering never read the topics from the start:
 * one row per letter (its id, source topic, event id, leg, error class, when it was written, when
 * it was redriven) in an embedded H2 database on disk, in a folder of its own that is deleted when
 * the router stops. A consumer without a group reads every {@code *.dlq} topic from the start when
 * the router starts and follows them after (new dead-letter topics within 2 s); redrive marks come
 * from Redis, where every replica writes them, read when a query filters by them. The topics stay
 * the source of truth: the index only answers which letters match, {@link DeadLetterReader} reads
 * the letters themselves. The heap it needs does not grow with the letters (H2 keeps a small page
 * cache; the rest is on disk).
 */
final class DeadLetterIndex implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterIndex.class);
    private static final Duration TOPIC_REFRESH = Duration.ofSeconds(2);

    private final KafkaClients clients;
    private final StringRedisTemplate redis;
    private final String marksLog;
    private final Path directory;
    private final String url;
    /** Held open for the indexer; H2 keeps the database open while a connection is. */
    private final Connection writer;

    private volatile boolean running;
    private volatile Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** Letters on the topics that are not indexed yet; -1 until the indexer has looked. */
    private volatile long behind = -1;

    /** The last redrive mark applied from Redis' stream. */
    private String lastMark = "0-0";
    /** Set when a dead-letter topic may have appeared: the indexer looks for it before its next poll. */
    private volatile boolean lookForTopics = true;

    DeadLetterIndex(KafkaClients clients, StringRedisTemplate redis, String marksLog) {
        this.clients = clients;
        this.redis = redis;
        this.marksLog = marksLog;
        try {
            directory = Files.createTempDirectory("quckchat-dead-letter-index-");
            url = "jdbc:h2:file:" + directory.resolve("index") + ";CACHE_SIZE=16384;DB_CLOSE_ON_EXIT=FALSE";
            writer = DriverManager.getConnection(url);
            try (Statement ddl = writer.createStatement()) {
                // seq: the order the indexer read the letters in, which is offset order within a
                // partition; it breaks ties of letters written in the same millisecond
                ddl.execute("CREATE TABLE letters (id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, topic VARCHAR,"
                        + " event_id VARCHAR, leg VARCHAR, error_class VARCHAR, error_simple VARCHAR,"
                        + " at BIGINT NOT NULL, redriven_at BIGINT)");
                ddl.execute("CREATE INDEX letters_at ON letters (at DESC, seq DESC)");
                ddl.execute("CREATE INDEX letters_event ON letters (event_id)");
                ddl.execute("CREATE INDEX letters_leg ON letters (leg, at DESC, seq DESC)");
                ddl.execute("CREATE INDEX letters_error ON letters (error_class, at DESC, seq DESC)");
                ddl.execute("CREATE INDEX letters_error_simple ON letters (error_simple, at DESC, seq DESC)");
                ddl.execute("CREATE INDEX letters_topic ON letters (topic, at DESC, seq DESC)");
                // the dashboard filters by topic and then by leg or error: those pairs have their own
                ddl.execute("CREATE INDEX letters_topic_leg ON letters (topic, leg, at DESC, seq DESC)");
                ddl.execute("CREATE INDEX letters_topic_error ON letters (topic, error_class, at DESC, seq DESC)");
                ddl.execute(
                        "CREATE INDEX letters_topic_error_simple ON letters (topic, error_simple, at DESC, seq DESC)");
                ddl.execute("CREATE INDEX letters_redriven ON letters (redriven_at)");
            }
            writer.setAutoCommit(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the dead-letter index's folder", e);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the dead-letter index: " + e.getMessage(), e);
        }
    }

    void start() {
        running = true;
        Thread indexer = new Thread(this::run, "dead-letter-index");
        indexer.setDaemon(true);
        thread = indexer;
        indexer.start();
    }

    /**
     * Marks letters this replica just redrove, at once: its next list call sees them (the marks of
     * other replicas are read from Redis when a query filters by {@code redriven}).
     */
    void markRedriven(List<String> ids, Instant at) {
        try (Connection db = DriverManager.getConnection(url);
                PreparedStatement mark = db.prepareStatement("UPDATE letters SET redriven_at = ? WHERE id = ?")) {
            for (String id : ids) {
                mark.setLong(1, at.toEpochMilli());
                mark.setString(2, id);
                mark.addBatch();
            }
            mark.executeBatch();
        } catch (SQLException e) {
            log.warn(
                    "Dead-letter index: cannot mark {} letter(s) redriven now ({}); the marks arrive from Redis",
                    ids.size(),
                    e.toString());
        }
    }

    /** A dead-letter topic may have been created (this replica's lane wrote to it): follow it now. */
    void topicSeen() {
        lookForTopics = true;
    }

    /** Letters written to the dead-letter topics and not indexed yet; -1 before the first look. */
    long behind() {
        return behind;
    }

    /** Ids of the letters matching the query, newest first, from {@code skip} on. */
    List<String> find(DeadLetterQuery query, long skip, int limit) {
        Where where = where(query);
        syncMarksFor(query);
        String sql = "SELECT id FROM letters" + where.sql + " ORDER BY " + where.order
                + "at DESC, seq DESC LIMIT ? OFFSET ?";
        try (Connection db = DriverManager.getConnection(url);
                PreparedStatement select = db.prepareStatement(sql)) {
            int next = where.bind(select);
            select.setInt(next, limit);
            select.setLong(next + 1, skip);
            List<String> ids = new ArrayList<>(limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("Dead-letter index query failed: " + e.getMessage(), e);
        }
    }

    long count(DeadLetterQuery query) {
        Where where = where(query);
        syncMarksFor(query);
        try (Connection db = DriverManager.getConnection(url);
                PreparedStatement select = db.prepareStatement("SELECT COUNT(*) FROM letters" + where.sql)) {
            where.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Dead-letter index count failed: " + e.getMessage(), e);
        }
    }

    /**
     * Hands the ids of every letter matching the query to {@code chunk}, newest first, {@code size}
     * at a time: memory stays one chunk however many match. Paging is by key (time, sequence), so letters
     * indexed meanwhile neither shift nor repeat a chunk.
     */
    void forEach(DeadLetterQuery query, int size, Consumer<List<String>> chunk) {
        Where where = where(query);
        syncMarksFor(query);
        String sql = "SELECT id, at, seq FROM letters" + where.sql + (where.sql.isEmpty() ? " WHERE" : " AND")
                + " (at < ? OR (at = ? AND seq < ?)) ORDER BY " + where.order + "at DESC, seq DESC LIMIT ?";
        long lastAt = Long.MAX_VALUE;
        long lastSeq = Long.MAX_VALUE;
        try (Connection db = DriverManager.getConnection(url);
                PreparedStatement select = db.prepareStatement(sql)) {
            while (true) {
                int next = where.bind(select);
                select.setLong(next, lastAt);
                select.setLong(next + 1, lastAt);
                select.setLong(next + 2, lastSeq);
                select.setInt(next + 3, size);
                List<String> ids = new ArrayList<>(size);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                        lastAt = rows.getLong(2);
                        lastSeq = rows.getLong(3);
                    }
                }
                if (ids.isEmpty()) {
                    return;
                }
                chunk.accept(ids);
                if (ids.size() < size) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Dead-letter index query failed: " + e.getMessage(), e);
        }
    }

    /** The other replicas' redrive marks, when the query filters by them. */
    private void syncMarksFor(DeadLetterQuery query) {
        if (query.redriven() != null) {
            syncMarks();
        }
    }

    /**
     * @param order the equality-filtered columns of the index that serves the query, as a prefix of
     *     its ORDER BY: they are constant, so the order is the same, but H2 reads the index in order
     *     (and stops after the page) only when the ORDER BY starts with them
     */
    private record Where(String sql, List<Object> values, String order) {
        int bind(PreparedStatement statement) throws SQLException {
            int i = 1;
            for (Object value : values) {
                statement.setObject(i++, value);
            }
            return i;
        }
    }

    private static Where where(DeadLetterQuery query) {
        List<String> terms = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (query.topic() != null) {
            terms.add("topic = ?");
            values.add(query.topic());
        }
        if (query.eventId() != null) {
            terms.add("event_id = ?");
            values.add(query.eventId());
        }
        if (query.leg() != null) {
            terms.add("leg = ?");
            values.add(query.leg());
        }
        String errorColumn = null;
        if (query.errorClass() != null) {
            // a simple name matches the class of any package; a qualified one only itself
            errorColumn = query.errorClass().contains(".") ? "error_class" : "error_simple";
            terms.add(errorColumn + " = ?");
            values.add(query.errorClass());
        }
        if (query.from() != null) {
            terms.add("at >= ?");
            values.add(query.from().toEpochMilli());
        }
        if (query.to() != null) {
            terms.add("at < ?");
            values.add(query.to().toEpochMilli());
        }
        if (query.redriven() != null) {
            terms.add(query.redriven() ? "redriven_at IS NOT NULL" : "redriven_at IS NULL");
        }
        String second = query.leg() != null ? "leg" : errorColumn;
        String order;
        if (query.topic() != null) {
            order = second == null ? "topic, " : "topic, " + second + ", ";
        } else {
            order = second == null ? "" : second + ", ";
        }
        return new Where(terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms), values, order);
    }

    private void run() {
        Map<String, Object> config = clients.common("dead-letter-index");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // bounded fetches (Kafka's default is up to 50 MB at once): the index has time, the heap has not
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        long seq = 0;
        Set<TopicPartition> assigned = new HashSet<>();
        // per partition, the next offset to index: where to go back to when a batch could not be written
        Map<TopicPartition, Long> next = new HashMap<>();
        Map<TopicPartition, Long> batch = new HashMap<>();
        long nextRefresh = 0;
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(config);
                PreparedStatement insert = writer.prepareStatement("INSERT INTO letters (id, seq, topic, event_id,"
                        + " leg, error_class, error_simple, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            consumer = kafka;
            while (running) {
                try {
                    if (lookForTopics || System.currentTimeMillis() >= nextRefresh) {
                        lookForTopics = false;
                        assigned = follow(kafka, assigned);
                        nextRefresh = System.currentTimeMillis() + TOPIC_REFRESH.toMillis();
                    }
                    if (assigned.isEmpty()) {
                        behind = 0;
                        Thread.sleep(500); // nothing to follow yet: look again for dead-letter topics
                        nextRefresh = 0;
                        continue;
                    }
                    ConsumerRecords<byte[], byte[]> records = kafka.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        String errorClass = DeadLetters.header(record, DeadLetterHeaders.EXCEPTION_CLASS);
                        insert.setString(1, DeadLetters.id(record));
                        insert.setLong(2, seq + batch.size());
                        insert.setString(3, DeadLetters.header(record, DeadLetterHeaders.TOPIC));
                        insert.setString(4, DeadLetters.header(record, DeadLetterHeaders.EVENT_ID));
                        insert.setString(5, DeadLetters.header(record, DeadLetterHeaders.LEG));
                        insert.setString(6, errorClass);
                        insert.setString(
                                7, errorClass == null ? null : errorClass.substring(errorClass.lastIndexOf('.') + 1));
                        insert.setLong(8, record.timestamp());
                        insert.addBatch();
                        batch.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    }
                    if (!records.isEmpty()) {
                        insert.executeBatch();
                        writer.commit();
                        seq += records.count();
                        next.putAll(batch);
                        batch.clear();
                    }
                    behind = lag(kafka, assigned);
                } catch (WakeupException stopping) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException | SQLException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("Dead-letter index: {}; trying again in 5 s", e.toString());
                    rollback();
                    batch.clear();
                    rewind(kafka, assigned, next);
                    Thread.sleep(5000); // the index falls behind while Kafka or the disk is away
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            log.error("Dead-letter index stopped: {}", e.toString());
        } finally {
            consumer = null;
        }
    }

    /** Follows every partition of every *.dlq topic, from its start; returns what it now follows. */
    private static Set<TopicPartition> follow(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (Map.Entry<String, List<PartitionInfo>> topic : kafka.listTopics().entrySet()) {
            if (topic.getKey().endsWith(DeadLetterLane.SUFFIX)) {
                for (PartitionInfo info : topic.getValue()) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
            }
        }
        if (!partitions.equals(assigned)) {
            Set<TopicPartition> added = new HashSet<>(partitions);
            added.removeAll(assigned);
            kafka.assign(partitions);
            kafka.seekToBeginning(added);
            if (!added.isEmpty()) {
                log.info("Dead-letter index follows {} partition(s) of the dead-letter topics", partitions.size());
            }
        }
        return partitions;
    }

    /** Back to the first letter of each partition that is not in the index, after a batch failed. */
    private static void rewind(
            KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned, Map<TopicPartition, Long> next) {
        try {
            for (TopicPartition partition : assigned) {
                Long offset = next.get(partition);
                if (offset == null) {
                    kafka.seekToBeginning(List.of(partition));
                } else {
                    kafka.seek(partition, offset);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Dead-letter index cannot go back to its last letters: {}", e.toString());
        }
    }

    private static long lag(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> partitions) {
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> end : kafka.endOffsets(partitions).entrySet()) {
            lag += Math.max(0, end.getValue() - kafka.position(end.getKey()));
        }
        return lag;
    }

    /**
     * Applies the redrive marks every replica wrote to Redis since the last call. Called before a
     * query that filters by {@code redriven} (and so before a filtered redrive), not in the
     * background: the index touches Redis only when a caller needs the marks.
     */
    private synchronized void syncMarks() {
        try (Connection db = DriverManager.getConnection(url);
                PreparedStatement mark = db.prepareStatement("UPDATE letters SET redriven_at = ? WHERE id = ?")) {
            while (true) {
                List<MapRecord<String, Object, Object>> entries = redis.opsForStream()
                        .read(
                                StreamReadOptions.empty().count(1000),
                                StreamOffset.create(marksLog, ReadOffset.from(lastMark)));
                if (entries == null || entries.isEmpty()) {
                    return;
                }
                for (MapRecord<String, Object, Object> entry : entries) {
                    Object id = entry.getValue().get("id");
                    Object at = entry.getValue().get("at");
                    if (id != null && at != null) {
                        mark.setLong(1, Instant.parse(at.toString()).toEpochMilli());
                        mark.setString(2, id.toString());
                        mark.addBatch();
                    }
                }
                mark.executeBatch();
                lastMark = entries.get(entries.size() - 1).getId().getValue();
            }
        } catch (SQLException | RuntimeException e) {
            // the answer may miss another replica's latest marks; a redrive still checks Redis' hash
            log.warn("Dead-letter index: cannot read the redrive marks from Redis: {}", e.toString());
        }
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // the next batch tries again
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread indexer = thread;
        if (indexer != null) {
            try {
                indexer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Statement shutdown = writer.createStatement()) {
            shutdown.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException ignored) {
            // closing anyway
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Cannot delete the dead-letter index in {}: {}", directory, e.toString());
        }
    }
}
