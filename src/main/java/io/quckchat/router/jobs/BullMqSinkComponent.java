package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqConfiguration;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code bullmq-sink:<queue>?jobName=…}: in a fan-out route, a BullMQ job for the queue, with the
 * job options of docs/contract.md §5 (attempts 3, exponential backoff 1 s, retention a day / a week),
 * overridable per route. See docs/sinks.md.
 */
public class BullMqSinkComponent extends DefaultComponent {

    private final java.util.Set<String> queues = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The BullMQ queues the routes add jobs to. */
    public java.util.Set<String> queues() {
        return java.util.Set.copyOf(queues);
    }

    private final Leg.Destination lane;
    private final RetryPolicy defaultPolicy;

    /**
     * @param lane where the legs go when the event is dispatched: the {@link BullMqLane}, or a route
     *     sandbox's stand-in that never sends
     */
    public BullMqSinkComponent(Leg.Destination lane, RetryPolicy defaultPolicy) {
        this.lane = lane;
        this.defaultPolicy = defaultPolicy;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank() || !remaining.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(
                    "bullmq-sink needs a queue name such as push: bullmq-sink:<queue>, got " + uri);
        }
        BullMqConfiguration job = new BullMqConfiguration();
        setProperties(job, parameters);
        if (job.getJobName() == null || job.getJobName().isBlank()) {
            throw new IllegalArgumentException(
                    "bullmq-sink:" + remaining + " needs a jobName, e.g. ?jobName=new-message");
        }
        if (job.getJobId() != null || job.getPrefix() != null) {
            throw new IllegalArgumentException("bullmq-sink:" + remaining
                    + " sets the job id (<eventId>.<jobName>[.<index>]) and uses quckchat.bullmq.prefix itself");
        }
        BullMqSinkEndpoint endpoint = new BullMqSinkEndpoint(uri, this, remaining, job);
        queues.add(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    Leg.Destination lane() {
        return lane;
    }

    RetryPolicy defaultPolicy() {
        return defaultPolicy;
    }
}
