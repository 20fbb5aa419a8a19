package io.quckchat.router.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.camel.bullmq.BullMqConstants;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.camel.bullmq.BullMqJobOptions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/** The job of one schedule slot; see {@link ScheduleSinkComponent}. */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "schedule-sink",
        title = "QuckChat scheduled job sink",
        syntax = "schedule-sink:queue",
        producerOnly = true,
        category = {Category.SCHEDULING})
public class ScheduleSinkEndpoint extends DefaultEndpoint {

    /** Header set by camel-quartz: when the trigger was due. */
    public static final String SCHEDULED_FIRE_TIME = "scheduledFireTime";

    private static final ObjectMapper JSON = new ObjectMapper();

    @UriPath(description = "The BullMQ queue, e.g. reports")
    private final String queue;

    @UriParam(description = "The job name, e.g. daily-usage")
    private String jobName;

    @UriParam(description = "java.time pattern of the slot in the job id, e.g. yyyy-MM-dd for a daily job")
    private String slot;

    private DateTimeFormatter slotFormat;

    ScheduleSinkEndpoint(String uri, ScheduleSinkComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
    }

    void check() {
        if (queue == null
                || queue.isBlank()
                || jobName == null
                || jobName.isBlank()
                || slot == null
                || slot.isBlank()) {
            throw new IllegalArgumentException(
                    "schedule-sink needs a queue, a jobName and a slot pattern: " + getEndpointUri());
        }
        slotFormat = DateTimeFormatter.ofPattern(slot).withZone(ZoneOffset.UTC);
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) throws Exception {
                String jobId = getComponent().jobs().add(exchange, job(exchange));
                exchange.getMessage().setHeader(BullMqConstants.JOB_ID, jobId);
            }
        };
    }

    /** The job of the slot the exchange fired for: id {@code <jobName>.<slot>}, data the slot and its due time. */
    BullMqJob job(Exchange exchange) throws JsonProcessingException {
        Date due = exchange.getMessage().getHeader(SCHEDULED_FIRE_TIME, Date.class);
        Instant at = due != null ? due.toInstant() : Instant.now();
        String slotName = slotFormat.format(at);
        ObjectNode data = JSON.createObjectNode().put("slot", slotName).put("scheduledFor", at.toString());
        return new BullMqJob(
                queue,
                jobName,
                JSON.writeValueAsString(data),
                BullMqJobOptions.defaults().toBuilder()
                        .jobId(JobIds.escape(jobName + "." + slotName))
                        .build());
    }

    @Override
    public ScheduleSinkComponent getComponent() {
        return (ScheduleSinkComponent) super.getComponent();
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("schedule-sink is producer only");
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

    public String getSlot() {
        return slot;
    }

    public void setSlot(String slot) {
        this.slot = slot;
    }
}
