package io.quckchat.router.ingress;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * The ingress producer, replaced by a new one once Kafka has refused its credentials.
 *
 * <p>An idempotent producer whose first connections are refused never gets a producer id: the
 * authentication failure drops its InitProducerId request and nothing asks again (KAFKA-20237,
 * kafka-clients 3.9). Once the credentials are fixed (a rotated {@code KAFKA_SASL_PASSWORD_FILE},
 * read at each new connection) such a producer connects, but its records only wait and expire. A
 * new producer asks for an id, so the router recovers without a restart. A producer is replaced
 * when it is at least a second old, so that posts during a refusal do not make one each.
 */
final class RenewingProducer implements AutoCloseable {

    private static final long MIN_AGE_NANOS = Duration.ofSeconds(1).toNanos();

    private final Supplier<Producer<byte[], byte[]>> factory;
    private Producer<byte[], byte[]> current;
    private long createdAt;
    private boolean refused;

    RenewingProducer(Supplier<Producer<byte[], byte[]>> factory) {
        this.factory = factory;
        this.current = factory.get();
        this.createdAt = System.nanoTime();
    }

    /** The producer to send with: a new one if this one was refused and is old enough. */
    Producer<byte[], byte[]> get() {
        Producer<byte[], byte[]> old;
        Producer<byte[], byte[]> fresh;
        synchronized (this) {
            if (!refused || System.nanoTime() - createdAt < MIN_AGE_NANOS) {
                return current;
            }
            old = current;
            fresh = factory.get();
            current = fresh;
            createdAt = System.nanoTime();
            refused = false;
        }
        // its records are stuck or refused anyway: they fail now instead of expiring
        old.close(Duration.ZERO);
        return fresh;
    }

    /** Kafka refused this producer's credentials (called from any thread, Kafka's callbacks too). */
    synchronized void refused(Producer<byte[], byte[]> producer) {
        if (producer == current) {
            refused = true;
        }
    }

    @Override
    public void close() {
        Producer<byte[], byte[]> last;
        synchronized (this) {
            last = current;
        }
        last.close(Duration.ofSeconds(5));
    }
}
