package io.quckchat.router.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.quckchat.router.delivery.Lane;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.EventHeaders;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;

/**
 * Publishes RabbitMQ legs with publisher confirms and the mandatory flag, many at once: each
 * publish is registered under its delivery tag and resolved when the broker's (possibly
 * multiple) ack or nack arrives, so up to {@code max-unconfirmed} confirms are in flight instead
 * of one round trip per message. A publish that comes back unroutable is a rejection (retried by
 * policy, then dead-lettered); a nack, a lost channel or a confirm that does not arrive in time
 * is a transient failure: all unconfirmed publishes are sent again, in order, on a new channel.
 *
 * <p>Uses one dedicated connection of the plain Java client (not Spring's caching factory), since
 * confirms are tracked per channel.
 */
public class RabbitMqLane extends Lane {

    private final ConnectionFactory factory;
    private final RabbitMqTopology topology;
    private final long confirmTimeoutMillis;
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    /** Publishes that came back unroutable, by delivery tag, until their confirm arrives. */
    private final Map<Long, Channel> returned = new ConcurrentHashMap<>();

    private volatile Connection connection;
    private volatile Channel channel;

    /** Nacked publishes, held briefly in case their basic.return is still on its way. */
    private final ConcurrentLinkedQueue<Nacked> nacked = new ConcurrentLinkedQueue<>();

    private record Pending(Leg leg, Channel channel, long sentAt) {}

    private record Nacked(Leg leg, Channel channel, long tag, long at) {}

    /** How long a nack waits for a return that some brokers (Qpid) send after it. */
    private static final long NACK_GRACE_MILLIS = 50;

    public RabbitMqLane(
            ConnectionFactory factory,
            RabbitMqTopology topology,
            RetryPolicy outagePolicy,
            int maxUnconfirmed,
            Duration confirmTimeout) {
        super("rabbitmq", outagePolicy, maxUnconfirmed, 256);
        this.factory = factory;
        this.topology = topology;
        this.confirmTimeoutMillis = confirmTimeout.toMillis();
    }

    @Override
    protected void send(List<Leg> batch) throws IOException, TimeoutException {
        Channel out = channel();
        for (int i = 0; i < batch.size(); i++) {
            Leg leg = batch.get(i);
            RabbitMqTask task = leg.spec();
            long tag = out.getNextPublishSeqNo();
            unconfirmed.put(tag, new Pending(leg, out, System.currentTimeMillis()));
            try {
                out.basicPublish(
                        topology.exchange(), task.routingKey(), MANDATORY, properties(leg, task, tag), leg.payload());
            } catch (IOException | RuntimeException e) {
                failAll(out, e);
                for (Leg notSent : batch.subList(i + 1, batch.size())) {
                    unavailable(notSent, e);
                }
                return;
            }
        }
    }

    @Override
    protected void tick() {
        failOverdueConfirms();
        settleNacks();
    }

    @Override
    protected long nextTickMillis() {
        return nacked.isEmpty() ? 1000 : NACK_GRACE_MILLIS;
    }

    /**
     * RabbitMQ acks an unroutable mandatory publish after returning it; other brokers nack it and
     * may send the return after the nack. So a nack is decided a moment later: returned means
     * unroutable (a rejection), otherwise the broker failed to take it (transient).
     */
    private void settleNacks() {
        long now = System.currentTimeMillis();
        Nacked next;
        while ((next = nacked.peek()) != null && now - next.at() >= NACK_GRACE_MILLIS) {
            nacked.poll();
            RabbitMqTask task = next.leg().spec();
            if (returned.remove(next.tag(), next.channel())) {
                topology.markDirty();
                rejected(next.leg(), unroutable(task));
            } else {
                unavailable(next.leg(), new IOException("broker nacked the publish of " + task.messageId()));
            }
        }
    }

    private UnroutableException unroutable(RabbitMqTask task) {
        return new UnroutableException("no queue bound to exchange " + topology.exchange() + " with routing key "
                + task.routingKey() + " (queue " + task.queue() + ")");
    }

    @Override
    protected void recover() throws IOException, TimeoutException {
        channel();
    }

    /** Declares the exchange and queues now (at start-up); if RabbitMQ is down the first publish retries it. */
    public void declareTopology() {
        try {
            topology.markDirty();
            channel();
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.warn("Cannot declare RabbitMQ topology yet (will retry on first publish): {}", e.toString());
        }
    }

    /** Publishes that the broker received but did not confirm in time count as lost: the channel is replaced. */
    private void failOverdueConfirms() {
        Map.Entry<Long, Pending> oldest = unconfirmed.firstEntry();
        if (oldest != null && System.currentTimeMillis() - oldest.getValue().sentAt() > confirmTimeoutMillis) {
            Channel stale = oldest.getValue().channel();
            failAll(stale, new TimeoutException("no publisher confirm within " + confirmTimeoutMillis + " ms"));
            closeQuietly(stale);
        }
    }

    /** Every publish is mandatory: a message no queue is bound for comes back, and counts as rejected. */
    public static final boolean MANDATORY = true;

    /**
     * Header that ties a returned message to its publish (basic.return carries no delivery tag),
     * like Spring AMQP's {@code spring_returned_message_correlation}. Consumers can ignore it.
     */
    static final String PUBLISH_TAG = "x-publish-tag";

    /**
     * The message properties of a leg as the lane publishes it, without the per-publish {@value
     * #PUBLISH_TAG} header: what route tests and the simulator show.
     */
    public static AMQP.BasicProperties properties(Leg leg) {
        return properties(leg, leg.spec(), -1);
    }

    /** @param tag the publish's sequence number on its channel; negative: no {@value #PUBLISH_TAG} header */
    static AMQP.BasicProperties properties(Leg leg, RabbitMqTask task, long tag) {
        ChatEvent event = leg.event();
        Map<String, Object> headers = new HashMap<>();
        headers.put(EventHeaders.CE_ID, event.id());
        headers.put(EventHeaders.CE_TYPE, event.topic());
        headers.put(EventHeaders.CE_SOURCE, event.source());
        headers.put(EventHeaders.SOURCE_TOPIC, event.topic());
        headers.put(EventHeaders.SOURCE_PARTITION, event.partition());
        headers.put(EventHeaders.SOURCE_OFFSET, event.offset());
        if (tag >= 0) {
            headers.put(PUBLISH_TAG, tag);
        }
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(task.messageId())
                .type(event.topic())
                .timestamp(new Date(event.timestamp()))
                .headers(headers)
                .build();
    }

    private synchronized Channel channel() throws IOException, TimeoutException {
        Channel current = channel;
        if (current != null && current.isOpen() && !topology.isDirty()) {
            return current;
        }
        if (connection == null || !connection.isOpen()) {
            connection = factory.newConnection("quckchat-router-publisher");
            connection.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    log.warn("RabbitMQ connection lost: {}", cause.getMessage());
                }
            });
        }
        if (topology.isDirty() || current == null) {
            topology.declare(factory);
        }
        if (current != null && current.isOpen()) {
            return current;
        }
        Channel fresh = connection.createChannel();
        fresh.confirmSelect();
        fresh.addConfirmListener(
                (tag, multiple) -> confirmed(fresh, tag, multiple, true),
                (tag, multiple) -> confirmed(fresh, tag, multiple, false));
        fresh.addReturnListener(returnedMessage -> {
            Map<String, Object> headers = returnedMessage.getProperties().getHeaders();
            Object tag = headers == null ? null : headers.get(PUBLISH_TAG);
            if (tag instanceof Number number) {
                returned.put(number.longValue(), fresh);
            }
        });
        fresh.addShutdownListener(cause -> channelClosed(fresh, cause));
        channel = fresh;
        return fresh;
    }

    private void confirmed(Channel from, long tag, boolean multiple, boolean ack) {
        Map<Long, Pending> settled = multiple ? unconfirmed.headMap(tag, true) : subMap(tag);
        for (Long key : List.copyOf(settled.keySet())) {
            Pending pending = unconfirmed.remove(key);
            if (pending == null || pending.channel() != from) {
                continue;
            }
            Leg leg = pending.leg();
            RabbitMqTask task = leg.spec();
            if (returned.remove(key, from)) {
                topology.markDirty();
                rejected(
                        leg,
                        new UnroutableException("no queue bound to exchange " + topology.exchange()
                                + " with routing key " + task.routingKey() + " (queue " + task.queue() + ")"));
            } else if (ack) {
                delivered(leg);
            } else {
                nacked.add(new Nacked(leg, from, key, System.currentTimeMillis()));
                wakeUp();
            }
        }
    }

    private Map<Long, Pending> subMap(long tag) {
        return unconfirmed.subMap(tag, true, tag, true);
    }

    private void channelClosed(Channel closed, ShutdownSignalException cause) {
        failAll(closed, cause);
        if (!cause.isInitiatedByApplication()) {
            log.warn("RabbitMQ publisher channel closed: {}", cause.getMessage());
            connectionLost(cause);
        }
        returned.values().removeIf(channel -> channel == closed);
    }

    /** Every publish still unconfirmed on this channel is resent later. */
    private void failAll(Channel of, Exception cause) {
        synchronized (this) {
            if (channel == of) {
                channel = null;
            }
        }
        for (Long key : List.copyOf(unconfirmed.keySet())) {
            Pending pending = unconfirmed.get(key);
            if (pending != null && pending.channel() == of && unconfirmed.remove(key, pending)) {
                unavailable(pending.leg(), cause);
            }
        }
    }

    private static void closeQuietly(Channel stale) {
        try {
            if (stale.isOpen()) {
                stale.abort();
            }
        } catch (IOException | RuntimeException ignored) {
            // already gone
        }
    }

    @Override
    public void stop() {
        super.stop();
        Connection current = connection;
        if (current != null && current.isOpen()) {
            try {
                current.close(5000);
            } catch (IOException | RuntimeException e) {
                log.debug("Closing publisher connection: {}", e.toString());
            }
        }
    }
}
