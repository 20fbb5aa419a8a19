package io.quckchat.router.rabbitmq;

import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code rabbitmq-sink:<queue>}: in a fan-out route, delivers the current body as a task to the
 * RabbitMQ queue {@code <RABBITMQ_QUEUE_PREFIX>.<queue>} through the {@code RABBITMQ_EXCHANGE}
 * topic exchange (routing key {@code <queue>}), with the message properties of docs/contract.md §4.
 * See docs/sinks.md.
 */
public class RabbitMqSinkComponent extends DefaultComponent {

    private final Leg.Destination lane;
    private final RabbitMqTopology topology;
    private final RetryPolicy defaultPolicy;

    /**
     * @param lane where the legs go when the event is dispatched: the {@link RabbitMqLane}, or a
     *     route sandbox's stand-in that never sends
     */
    public RabbitMqSinkComponent(Leg.Destination lane, RabbitMqTopology topology, RetryPolicy defaultPolicy) {
        this.lane = lane;
        this.topology = topology;
        this.defaultPolicy = defaultPolicy;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank() || !remaining.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(
                    "rabbitmq-sink needs a queue short name such as notifications: rabbitmq-sink:<queue>, got " + uri);
        }
        RabbitMqSinkEndpoint endpoint = new RabbitMqSinkEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        topology.require(remaining);
        return endpoint;
    }

    Leg.Destination lane() {
        return lane;
    }

    RabbitMqTopology topology() {
        return topology;
    }

    RetryPolicy defaultPolicy() {
        return defaultPolicy;
    }
}
