package io.quckchat.router.rabbitmq;

import io.quckchat.router.fanout.ChatEvent;
import io.quckchat.router.fanout.Leg;
import io.quckchat.router.fanout.Sinks;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/** A RabbitMQ task queue of the fan-out, by short name. Producer only. */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "rabbitmq-sink",
        title = "QuckChat RabbitMQ task sink",
        syntax = "rabbitmq-sink:queue",
        producerOnly = true,
        category = {Category.MESSAGING})
public class RabbitMqSinkEndpoint extends DefaultEndpoint {

    @UriPath(
            description = "Short name of the queue (notifications, analytics, ...): the routing key, and the"
                    + " queue name after the RABBITMQ_QUEUE_PREFIX")
    private final String queue;

    RabbitMqSinkEndpoint(String uri, RabbitMqSinkComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
    }

    public String getQueue() {
        return queue;
    }

    @Override
    public RabbitMqSinkComponent getComponent() {
        return (RabbitMqSinkComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) {
                addLeg(exchange);
            }
        };
    }

    /**
     * Adds the leg to the event; the lane publishes it after the route. {@code message_id} is
     * {@code <eventId>.<queue>}, plus {@code .<index>} inside a split (one task per attachment).
     */
    void addLeg(Exchange exchange) {
        ChatEvent event = ChatEvent.of(exchange);
        Integer index = Sinks.index(exchange);
        RabbitMqSinkComponent component = getComponent();
        RabbitTask task = new RabbitTask(
                component.topology().queueName(queue), queue, Sinks.indexed(event.id() + "." + queue, ".", index));
        event.addLeg(new Leg(
                event,
                component.lane(),
                Sinks.indexed("rabbitmq:" + queue, "#", index),
                Sinks.payload(exchange, event),
                task,
                Sinks.policy(exchange, component.defaultPolicy())));
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("rabbitmq-sink is producer only");
    }
}
