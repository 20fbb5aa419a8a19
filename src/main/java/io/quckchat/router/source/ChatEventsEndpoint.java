package io.quckchat.router.source;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** One source topic of chat events. Consumer only: events are produced by QuckChat's backend or the HTTP ingress. */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "chat-events",
        title = "QuckChat chat events",
        syntax = "chat-events:topic",
        consumerOnly = true,
        category = {Category.MESSAGING})
public class ChatEventsEndpoint extends DefaultEndpoint {

    @UriPath(description = "The Kafka topic to consume, e.g. message.sent")
    private final String topic;

    ChatEventsEndpoint(String uri, ChatEventsComponent component, String topic) {
        super(uri, component);
        this.topic = topic;
    }

    public String getTopic() {
        return topic;
    }

    @Override
    public ChatEventsComponent getComponent() {
        return (ChatEventsComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("chat-events is consumer only: publish chat events to Kafka");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        ChatEventsConsumer consumer = new ChatEventsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }
}
