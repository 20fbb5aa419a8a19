package io.quckchat.router.rabbitmq;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.fanout.SinkEndpoint;
import io.quckchat.router.fanout.Sinks;
import org.apache.camel.Category;
import org.apache.camel.Exchange;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;

/**
 * {@code rabbitmq-sink:<queue>}: a task for a RabbitMQ queue of the fan-out. {@code message_id} is
 * {@code <eventId>.<queue>}, plus {@code .<index>} inside a split (one task per attachment).
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "rabbitmq-sink",
        title = "QuckChat RabbitMQ task sink",
        syntax = "rabbitmq-sink:queue",
        producerOnly = true,
        category = {Category.MESSAGING})
public class RabbitMqSinkEndpoint extends SinkEndpoint {

    @UriPath(
            description = "Short name of the queue (notifications, analytics, ...): the routing key, and the"
                    + " queue name after the RABBITMQ_QUEUE_PREFIX")
    private final String queue;

    private final String legName;
    private final String messageIdSuffix;

    RabbitMqSinkEndpoint(String uri, RabbitMqSinkComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
        this.legName = "rabbitmq:" + queue;
        this.messageIdSuffix = "." + queue;
    }

    public String getQueue() {
        return queue;
    }

    @Override
    public RabbitMqSinkComponent getComponent() {
        return (RabbitMqSinkComponent) super.getComponent();
    }

    @Override
    protected Leg leg(Exchange exchange, ChatEvent event, Integer index, byte[] payload, RetryPolicy policy) {
        RabbitMqSinkComponent component = getComponent();
        RabbitMqTask task = new RabbitMqTask(
                component.topology().queueName(queue), queue, Sinks.indexed(event.id() + messageIdSuffix, ".", index));
        return new Leg(event, component.lane(), Sinks.indexed(legName, "#", index), payload, task, policy);
    }

    @Override
    protected RetryPolicy defaultPolicy() {
        return getComponent().defaultPolicy();
    }
}
