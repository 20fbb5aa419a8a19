package io.quckchat.router.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.quckchat.router.config.RouterProperties;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange and queues the routes publish to (docs/contract.md §4): a durable topic exchange and, for
 * each queue a route names, a durable queue {@code <prefix>.<name>} bound with routing key
 * {@code <name>}. Declared at start-up, after every reconnect, and again when a publish comes back
 * unroutable (someone deleted a queue or binding).
 */
public class RabbitMqTopology {

    private static final Logger log = LoggerFactory.getLogger(RabbitMqTopology.class);

    private final RouterProperties.Rabbitmq settings;
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private volatile boolean dirty = true;

    public RabbitMqTopology(RouterProperties.Rabbitmq settings) {
        this.settings = settings;
    }

    /** A route publishes to this queue (short name, e.g. {@code notifications}). */
    public void require(String shortName) {
        if (queues.add(shortName)) {
            dirty = true;
        }
    }

    public String exchange() {
        return settings.exchange();
    }

    public String queueName(String shortName) {
        return settings.queueName(shortName);
    }

    public Set<String> queues() {
        return new TreeSet<>(queues);
    }

    /** Declare again before the next publish. */
    void markDirty() {
        dirty = true;
    }

    boolean isDirty() {
        return dirty;
    }

    /**
     * Declares everything (idempotent) on a short-lived connection of its own, so that a refused
     * declaration (brokers may close the whole connection for it) never touches the publisher's
     * channel. The exchange must succeed; a queue that cannot be declared as the contract says
     * (someone created it otherwise, or holds it exclusively) is logged and skipped, and its
     * publishes come back unroutable until it is fixed, which dead-letters them by policy.
     */
    void declare(ConnectionFactory factory) throws IOException, TimeoutException {
        dirty = false;
        Set<String> declared = new TreeSet<>();
        Connection connection = factory.newConnection("quckchat-router-topology");
        try {
            try (Channel channel = connection.createChannel()) {
                channel.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, true);
            }
            for (String name : queues()) {
                String queue = settings.queueName(name);
                if (!connection.isOpen()) {
                    connection = factory.newConnection("quckchat-router-topology");
                }
                try (Channel channel = connection.createChannel()) {
                    channel.queueDeclare(queue, true, false, false, null);
                    channel.queueBind(queue, settings.exchange(), name);
                    declared.add(queue);
                } catch (IOException | ShutdownSignalException e) {
                    log.error(
                            "Cannot declare queue {} (durable, bound to {} with key {}): {}",
                            queue,
                            settings.exchange(),
                            name,
                            rootMessage(e));
                }
            }
        } finally {
            if (connection.isOpen()) {
                connection.close();
            }
        }
        log.info("Declared exchange {} and queues {}", settings.exchange(), declared);
    }

    private static String rootMessage(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getMessage();
    }
}
