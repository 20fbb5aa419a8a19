package io.quckchat.camel.bullmq;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code bullmq:<queue>}: adds each message as a job to the BullMQ queue, for stock Node.js workers.
 * The body becomes the job data (JSON); options come from the endpoint and, per message, from the
 * headers of {@link BullMqConstants}. The id of the added job is set in {@code CamelBullMqJobId}.
 * Producer only.
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "bullmq",
        title = "BullMQ",
        syntax = "bullmq:queue",
        producerOnly = true,
        category = {Category.MESSAGING},
        headersClass = BullMqConstants.class)
public class BullMqEndpoint extends DefaultEndpoint {

    @UriPath(description = "The queue name, as the workers name it (without the key prefix).")
    @Metadata(required = true)
    private final String queue;

    @UriParam
    private final BullMqConfiguration configuration;

    private volatile BullMqJobOptions jobOptions;

    BullMqEndpoint(String uri, BullMqComponent component, String queue, BullMqConfiguration configuration) {
        super(uri, component);
        this.queue = queue;
        this.configuration = configuration;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        try {
            jobOptions = configuration.toJobOptions();
        } catch (BullMqException e) {
            throw new IllegalArgumentException("Invalid options on " + getEndpointUri() + ": " + e.getMessage(), e);
        }
    }

    public String getQueue() {
        return queue;
    }

    public BullMqConfiguration getConfiguration() {
        return configuration;
    }

    /** The job options of the endpoint's settings, before per-message headers. */
    public BullMqJobOptions getJobOptions() {
        BullMqJobOptions options = jobOptions;
        if (options == null) {
            options = configuration.toJobOptions();
            jobOptions = options;
        }
        return options;
    }

    @Override
    public BullMqComponent getComponent() {
        return (BullMqComponent) super.getComponent();
    }

    BullMqClient client() {
        return getComponent().client(configuration.getPrefix());
    }

    @Override
    public Producer createProducer() {
        return new BullMqProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("bullmq is producer only: stock BullMQ workers process the jobs");
    }
}
