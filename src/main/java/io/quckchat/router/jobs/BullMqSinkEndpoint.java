package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqBackoff;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.camel.bullmq.BullMqJobOptions;
import io.quckchat.router.fanout.ChatEvent;
import io.quckchat.router.fanout.Leg;
import io.quckchat.router.fanout.RetryPolicy;
import io.quckchat.router.fanout.SinkEndpoint;
import io.quckchat.router.fanout.Sinks;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Category;
import org.apache.camel.Exchange;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;

/**
 * {@code bullmq-sink:<queue>}: a BullMQ job of the fan-out. Its id is {@code
 * <eventId>.<jobName>} (plus {@code .<index>} inside a split), the event id escaped as CONTRACT
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

    @UriParam(description = "The job name the workers switch on, e.g. new-message")
    private String jobName;

    @UriParam(description = "Job priority, 1 (highest) to 2097151; 0 or absent: none", defaultValue = "0")
    private int priority;

    @UriParam(description = "Attempts of the job by the workers", defaultValue = "3")
    private int attempts = 3;

    @UriParam(description = "Backoff between the workers' attempts: exponential or fixed", defaultValue = "exponential")
    private String backoffType = "exponential";

    @UriParam(description = "First backoff delay in ms", defaultValue = "1000")
    private long backoffDelay = 1000;

    @UriParam(description = "Delay before the job may run, in ms", defaultValue = "0")
    private long delay;

    BullMqSinkEndpoint(String uri, BullMqSinkComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
    }

    @Override
    public BullMqSinkComponent getComponent() {
        return (BullMqSinkComponent) super.getComponent();
    }

    @Override
    protected Leg leg(Exchange exchange, ChatEvent event, Integer index, byte[] payload, RetryPolicy policy) {
        String jobId = Sinks.indexed(JobIds.escape(event.id()) + "." + jobName, ".", index);
        BullMqJobOptions.Builder options = BullMqJobOptions.defaults().toBuilder()
                .jobId(jobId)
                .attempts(attempts)
                .backoff(
                        "fixed".equals(backoffType)
                                ? BullMqBackoff.fixed(backoffDelay)
                                : BullMqBackoff.exponential(backoffDelay));
        if (priority > 0) {
            options.priority(priority);
        }
        if (delay > 0) {
            options.delay(delay);
        }
        BullMqJob job = new BullMqJob(queue, jobName, new String(payload, StandardCharsets.UTF_8), options.build());
        return new Leg(
                event,
                getComponent().lane(),
                Sinks.indexed("bullmq:" + queue + "/" + jobName, "#", index),
                payload,
                job,
                policy);
    }

    @Override
    protected RetryPolicy defaultPolicy() {
        return getComponent().defaultPolicy();
    }

    public String getQueue() {
        return queue;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public String getBackoffType() {
        return backoffType;
    }

    public void setBackoffType(String backoffType) {
        this.backoffType = backoffType;
    }

    public long getBackoffDelay() {
        return backoffDelay;
    }

    public void setBackoffDelay(long backoffDelay) {
        this.backoffDelay = backoffDelay;
    }

    public long getDelay() {
        return delay;
    }

    public void setDelay(long delay) {
        this.delay = delay;
    }
}
