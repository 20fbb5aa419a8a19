package io.quckchat.router.source;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets of the assigned partitions: the events read and not yet committed ({@link
 * PartitionProgress} per partition), the commits of what completed, and the hand-over of
 * partitions that leave (a drain). Only the poll thread calls it, except {@link #completed()}.
 */
final class Offsets {

    private static final Logger log = LoggerFactory.getLogger(Offsets.class);
    /**
     * Completed offsets are committed at most this often: a commit is a write to Kafka's offsets
     * topic, and committing after every poll of a few events cost the router and the broker more
     * than the events did. A crash loses at most this much commit progress; the ledger keeps those
     * events' done legs from being delivered again.
     */
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Duration drainTimeout;
    private final Object completions = new Object();
    private volatile boolean draining;
    private long committedAt;

    Offsets(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /** Partitions assigned to this consumer: their events are tracked from now on. */
    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            progress.putIfAbsent(partition, new PartitionProgress());
        }
    }

    /** Partitions taken away without a hand-over: their unfinished events are given up. */
    void lost(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            PartitionProgress state = progress.remove(partition);
            if (state != null) {
                state.abandon();
            }
        }
    }

    /** The progress of a partition, or null when it is not (or no longer) assigned. */
    PartitionProgress of(TopicPartition partition) {
        return progress.get(partition);
    }

    /** Events read and not yet committed, on every partition. */
    int inFlight() {
        int outstanding = 0;
        for (PartitionProgress state : progress.values()) {
            outstanding += state.inFlight();
        }
        return outstanding;
    }

    /** Bytes of the events read and not yet committed, on every partition ({@link io.quckchat.router.event.ChatEvent#size()}). */
    long inFlightBytes() {
        long bytes = 0;
        for (PartitionProgress state : progress.values()) {
            bytes += state.inFlightBytes();
        }
        return bytes;
    }

    Set<TopicPartition> partitions() {
        return Set.copyOf(progress.keySet());
    }

    Set<TopicPartition> partitionsOf(Set<String> topics) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (TopicPartition partition : progress.keySet()) {
            if (topics.contains(partition.topic())) {
                partitions.add(partition);
            }
        }
        return partitions;
    }

    /** An event completed: a drain waiting for it hears of it. */
    void completed() {
        if (draining) {
            synchronized (completions) {
                completions.notifyAll();
            }
        }
    }

    /** Waits up to {@code millis} for an event to complete. */
    void awaitCompletion(long millis) throws InterruptedException {
        synchronized (completions) {
            completions.wait(millis);
        }
    }

    /** Commits (asynchronously) what completed since the last commit, at most every 100 ms. */
    void commit(Consumer<byte[], byte[]> consumer) {
        long now = System.nanoTime();
        if (now - committedAt < COMMIT_INTERVAL_NANOS) {
            return;
        }
        committedAt = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, state) -> {
            long next = state.advance();
            if (next >= 0) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        });
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("Commit of {} failed (a later commit covers it): {}", committed, error.toString());
                }
            });
        }
    }

    /**
     * Hands partitions over: waits, up to the drain timeout, for their in-flight events; commits
     * what completed and gives up the rest, which the next owner reads again.
     */
    void drain(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        long deadline = System.currentTimeMillis() + drainTimeout.toMillis();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        draining = true;
        try {
            while (true) {
                int outstanding = 0;
                for (TopicPartition partition : partitions) {
                    PartitionProgress state = progress.get(partition);
                    if (state != null) {
                        long next = state.advance();
                        if (next >= 0) {
                            offsets.put(partition, new OffsetAndMetadata(next));
                        }
                        outstanding += state.inFlight();
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (outstanding == 0 || left <= 0) {
                    if (outstanding > 0) {
                        log.warn(
                                "{} event(s) of {} not finished within {}: leaving them to the next owner",
                                outstanding,
                                partitions,
                                drainTimeout);
                    }
                    break;
                }
                awaitCompletion(Math.min(left, 50));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            draining = false;
        }
        lost(partitions);
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets);
                log.info("Committed {} on handing over", offsets);
            } catch (RuntimeException e) {
                log.warn(
                        "Commit on handing over failed; the next owner redelivers from the last commit: {}",
                        e.toString());
            }
        }
    }
}
