package io.quckchat.router.source;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.LogContext;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Runs the fan-out route for each record of its topic, on the poll thread of the {@link
 * ChatEventSource}. The route only collects legs; an exception the route did not handle rejects
 * the whole event to the dead-letter topic. Suspending the route pauses its topic's partitions
 * (no rebalance); resuming goes on from where it paused.
 */
public class ChatEventsConsumer extends DefaultConsumer implements Suspendable {

    private final ChatEventsEndpoint endpoint;

    ChatEventsConsumer(ChatEventsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    /** The Kafka topic of this route. */
    public String topic() {
        return endpoint.getTopic();
    }

    /**
     * Routes one record on the calling thread and returns its event with the legs the route gave
     * it (nothing is sent: the legs go to the lanes only when the caller dispatches them). An event
     * the route fails on carries its dead letter as its only leg.
     */
    public ChatEvent route(ConsumerRecord<byte[], byte[]> record) {
        ChatEvent event = new ChatEvent(record);
        event.routeId(getRouteId());
        Exchange exchange = createExchange(false);
        try {
            exchange.setProperty(ChatEvent.PROPERTY, event);
            Message message = exchange.getMessage();
            for (Header header : record.headers()) {
                if (header.value() != null) {
                    message.setHeader(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
            }
            message.setHeader(ChatEventsConstants.EVENT_ID, event.id());
            message.setHeader(ChatEventsConstants.TOPIC, record.topic());
            message.setHeader(ChatEventsConstants.PARTITION, record.partition());
            message.setHeader(ChatEventsConstants.OFFSET, record.offset());
            message.setHeader(ChatEventsConstants.TIMESTAMP, record.timestamp());
            if (event.key() != null) {
                message.setHeader(ChatEventsConstants.KEY, event.key());
            }
            message.setBody(event.value());
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Exception failure = exchange.getException();
        if (failure != null) {
            try (LogContext ignored = LogContext.of(event)) {
                getExceptionHandler()
                        .handleException("Route " + getRouteId() + " failed on " + event.describe(), failure);
            }
            endpoint.getComponent().deadLetters().reject(event, failure, getClass());
        }
        releaseExchange(exchange, false);
        return event;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        endpoint.getComponent().source().register(this);
    }

    @Override
    protected void doStop() throws Exception {
        endpoint.getComponent().source().unregister(this);
        super.doStop();
    }

    @Override
    protected void doSuspend() throws Exception {
        endpoint.getComponent().source().pause(topic(), true);
    }

    @Override
    protected void doResume() throws Exception {
        endpoint.getComponent().source().pause(topic(), false);
    }
}
