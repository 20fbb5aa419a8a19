package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqClient;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code schedule-sink:<queue>?jobName=…&slot=…}: adds the job of a schedule slot. The job id is
 * {@code <jobName>.<slot>}, the slot being the scheduled fire time (UTC) in the {@code slot}
 * pattern, so the replicas that all fire for one slot make one job: BullMQ keeps the first of an id.
 */
public class ScheduleSinkComponent extends DefaultComponent {

    private final java.util.Set<String> queues = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The BullMQ queues the routes add jobs to. */
    public java.util.Set<String> queues() {
        return java.util.Set.copyOf(queues);
    }

    private final BullMqClient client;

    public ScheduleSinkComponent(BullMqClient client) {
        this.client = client;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ScheduleSinkEndpoint endpoint = new ScheduleSinkEndpoint(uri, this, remaining);
        queues.add(remaining);
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }

    BullMqClient client() {
        return client;
    }
}
