package io.quckchat.router.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads what the router delivered to RabbitMQ queues, with a plain AMQP client. */
public final class RabbitMqProbe implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final Namespace namespace;
    private final Map<String, List<Delivery>> received = new ConcurrentHashMap<>();

    public RabbitMqProbe(Namespace namespace) throws Exception {
        this.namespace = namespace;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestBrokers.get().rabbitUrl());
        connection = factory.newConnection("test-probe");
        channel = connection.createChannel();
    }

    /** Starts collecting a queue's messages. The queue must exist (the router declares its queues at start-up). */
    public RabbitMqProbe listen(String... shortNames) throws Exception {
        for (String name : shortNames) {
            List<Delivery> list = received.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
            channel.basicConsume(namespace.queue(name), true, (tag, delivery) -> list.add(delivery), tag -> {});
        }
        return this;
    }

    public List<Delivery> messages(String shortName) {
        return received.getOrDefault(shortName, List.of());
    }

    public List<String> bodies(String shortName) {
        List<String> bodies = new ArrayList<>();
        for (Delivery delivery : messages(shortName)) {
            bodies.add(new String(delivery.getBody(), StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** Whether the queue exists (passive declare on a throwaway channel). */
    public boolean queueExists(String shortName) {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(namespace.queue(shortName));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Deletes this namespace's exchange and queues. */
    public void cleanUp(String... shortNames) {
        for (String name : shortNames) {
            try (Channel cleanup = connection.createChannel()) {
                cleanup.queueDelete(namespace.queue(name));
            } catch (Exception ignored) {
                // already gone
            }
        }
        try (Channel cleanup = connection.createChannel()) {
            cleanup.exchangeDelete(namespace.exchange());
        } catch (Exception ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
