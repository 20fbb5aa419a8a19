package io.quckchat.router.ingress;

import io.quckchat.router.config.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Writes ingress events to Kafka with the router's idempotent, acks=all producer settings, bounded
 * in time: a send may block on metadata for at most half the publish timeout ({@code
 * max.block.ms}) and then gets at most the other half to be acknowledged ({@code
 * delivery.timeout.ms}), so a single event's outcome is known within the publish timeout.
 */
class IngressPublisher implements AutoCloseable {

    /** How a send ended when it did not end in Kafka's acknowledgement. */
    enum Failure {
        /** Kafka unreachable, too slow, or a retriable error: 503, retry later. */
        UNAVAILABLE,
        /** The broker refused the record for its size: 413. */
        TOO_LARGE,
        /** Anything else (authorization, configuration): 500. */
        OTHER
    }

    private final RenewingProducer producers;
    private final Duration timeout;
    private final Duration maxBlock;

    IngressPublisher(KafkaClients clients, Duration timeout) {
        this.timeout = timeout;
        this.maxBlock = Duration.ofMillis(Math.max(1, timeout.toMillis() / 2));
        Map<String, Object> config = clients.producer("ingress");
        long linger = ((Number) config.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, 0)).longValue();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) maxBlock.toMillis());
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, maxBlock.toMillis() - linger));
        this.producers = new RenewingProducer(() -> new KafkaProducer<>(config));
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Sends a record unless too little of the request's time is left for a send that may block
     * on metadata: then it fails at once as {@link Failure#UNAVAILABLE}.
     *
     * <p>A send refused at once for authentication is tried once more, with a new producer ({@link
     * RenewingProducer}) when this one is old enough. A producer keeps the last authentication
     * failure of its connections until a send takes it, even one from before the credentials were
     * fixed (a rotated {@code KAFKA_SASL_PASSWORD_FILE} is read at the next connection): without the
     * second try the first post after the fix would fail. With the credentials still wrong the
     * second send fails the same way, once its connection is refused.
     */
    CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, long deadlineNanos) {
        CompletableFuture<RecordMetadata> result = attempt(producers.get(), record, deadlineNanos);
        if (result.isCompletedExceptionally()
                && result.handle((sent, error) -> error instanceof AuthenticationException)
                        .join()
                && deadlineNanos - System.nanoTime() >= maxBlock.toNanos()) {
            return attempt(producers.get(), record, deadlineNanos);
        }
        return result;
    }

    private CompletableFuture<RecordMetadata> attempt(
            Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, long deadlineNanos) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        if (deadlineNanos - System.nanoTime() < maxBlock.toNanos()) {
            result.completeExceptionally(new TimeoutException("Kafka did not answer within the publish timeout of "
                    + timeout.toMillis() + " ms; this event was not sent"));
            return result;
        }
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    if (error instanceof AuthenticationException) {
                        producers.refused(producer);
                    }
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            if (e instanceof AuthenticationException) {
                producers.refused(producer);
            }
            result.completeExceptionally(e);
        }
        return result;
    }

    static Failure classify(Throwable error) {
        if (error instanceof RecordTooLargeException) {
            return Failure.TOO_LARGE;
        }
        if (error instanceof RetriableException || error instanceof java.util.concurrent.TimeoutException) {
            return Failure.UNAVAILABLE;
        }
        return Failure.OTHER;
    }

    /** Seconds a caller should wait after a 503. */
    int retryAfterSeconds() {
        return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    @Override
    public void close() {
        producers.close();
    }
}
