package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqConfiguration;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.camel.bullmq.BullMqJobOptions;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.fanout.SinkEndpoint;
import io.quckchat.router.fanout.Sinks;
import org.apache.camel.Category;
import org.apache.camel.Exchange;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;

/**
 * {@code bullmq-sink:<queue>}: a BullMQ job of the fan-out. Its id is {@code
 * <eventId>.<jobName>} (plus {@code .<index>} inside a split), the event id escaped as docs/contract.md
 * §5 says, so a redelivered event never creates a second job.
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "bullmq-sink",
        title = "QuckChat BullMQ job sink",
        syntax = "bullmq-sink:queue",
        producerOnly = true,
        category = {Category.MESSAGING})
public class BullMqSinkEndpoint extends SinkEndpoint {

    @UriPath(description = "The BullMQ queue: email, push, media, reports, cleanup, ...")
    private final String queue;

    /** The job options, as the {@code bullmq} component takes them (jobName, priority, attempts, ...). */
    @UriParam
    private final BullMqConfiguration job;

    private final BullMqJobOptions options;
    private final String legName;
    private final String jobIdSuffix;

    BullMqSinkEndpoint(String uri, BullMqSinkComponent component, String queue, BullMqConfiguration job) {
        super(uri, component);
        this.queue = queue;
        this.job = job;
        this.options = job.toJobOptions();
        this.legName = "bullmq:" + queue + "/" + job.getJobName();
        this.jobIdSuffix = "." + job.getJobName();
    }

    @Override
    public BullMqSinkComponent getComponent() {
        return (BullMqSinkComponent) super.getComponent();
    }

    @Override
    protected Leg leg(Exchange exchange, ChatEvent event, Integer index, byte[] payload, RetryPolicy policy) {
        String jobId = Sinks.indexed(JobIds.escape(event.id()) + jobIdSuffix, ".", index);
        // the leg's payload is the job data as it is: no second copy per event in flight
        BullMqJob add = BullMqJob.ofUtf8Json(
                queue,
                job.getJobName(),
                payload,
                options.toBuilder().jobId(jobId).build());
        return new Leg(event, getComponent().lane(), Sinks.indexed(legName, "#", index), payload, add, policy);
    }

    @Override
    protected RetryPolicy defaultPolicy() {
        return getComponent().defaultPolicy();
    }

    public String getQueue() {
        return queue;
    }

    public String getJobName() {
        return job.getJobName();
    }
}
