package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqJob;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
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

    /** Adds the job of a slot and returns its id. */
    @FunctionalInterface
    public interface SlotJobs {
        String add(Exchange exchange, BullMqJob job);
    }

    private final SlotJobs jobs;

    /** Adds the slots' jobs to Redis with the client. */
    public ScheduleSinkComponent(BullMqClient client) {
        this((exchange, job) -> client.add(job.queue(), job.name(), job.dataJson(), job.options()));
    }

    /** @param jobs where a slot's job goes: Redis in the router, a record of it in a route sandbox */
    public ScheduleSinkComponent(SlotJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ScheduleSinkEndpoint endpoint = new ScheduleSinkEndpoint(uri, this, remaining);
        queues.add(remaining);
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }

    SlotJobs jobs() {
        return jobs;
    }
}
