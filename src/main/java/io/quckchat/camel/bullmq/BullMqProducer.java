package io.quckchat.camel.bullmq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.support.DefaultProducer;

/**
 * Adds the message as one job. Job data: a String or byte[] body that is JSON text is stored as it
 * is; any other text becomes a JSON string; a Map, JsonNode or any other object is serialised with
 * Jackson; no body is {@code {}}.
 */
public class BullMqProducer extends DefaultProducer {

    public BullMqProducer(BullMqEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public BullMqEndpoint getEndpoint() {
        return (BullMqEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) {
        BullMqEndpoint endpoint = getEndpoint();
        Message message = exchange.getMessage();
        boolean headers = hasBullMqHeader(message);
        String queue = headers
                ? message.getHeader(BullMqConstants.QUEUE, endpoint.getQueue(), String.class)
                : endpoint.getQueue();
        String name = headers
                ? message.getHeader(
                        BullMqConstants.JOB_NAME, endpoint.getConfiguration().getJobName(), String.class)
                : endpoint.getConfiguration().getJobName();
        if (name == null) {
            throw new BullMqException("No job name for " + endpoint.getEndpointUri()
                    + ": set the jobName option or the " + BullMqConstants.JOB_NAME + " header");
        }
        BullMqJobOptions options = headers ? options(exchange, message, endpoint) : endpoint.getJobOptions();
        String data = dataJson(exchange, message.getBody());
        String id = endpoint.client().add(queue, name, data, options, true);
        if (!headers || !id.equals(customIdHeader(exchange, message))) {
            // Not the caller's custom id: remember it is ours, so a later bullmq endpoint does not
            // take it for one.
            exchange.setProperty(BullMqConstants.ADDED_JOB_ID_PROPERTY, id);
        }
        message.setHeader(BullMqConstants.JOB_ID, id);
    }

    /** One pass over the header names instead of a lookup per option header. */
    private static boolean hasBullMqHeader(Message message) {
        if (!message.hasHeaders()) {
            return false;
        }
        for (String name : message.getHeaders().keySet()) {
            if (name.regionMatches(true, 0, "CamelBullMq", 0, "CamelBullMq".length())) {
                return true;
            }
        }
        return false;
    }

    /** The endpoint's options, with the message's option headers on top. */
    static BullMqJobOptions options(Exchange exchange, Message message, BullMqEndpoint endpoint) {
        BullMqJobOptions base =
                message.getHeader(BullMqConstants.JOB_OPTIONS, endpoint.getJobOptions(), BullMqJobOptions.class);
        Integer attempts = message.getHeader(BullMqConstants.ATTEMPTS, Integer.class);
        String backoffType = message.getHeader(BullMqConstants.BACKOFF_TYPE, String.class);
        Long backoffDelay = message.getHeader(BullMqConstants.BACKOFF_DELAY, Long.class);
        Double backoffJitter = message.getHeader(BullMqConstants.BACKOFF_JITTER, Double.class);
        Long delay = message.getHeader(BullMqConstants.DELAY, Long.class);
        Integer priority = message.getHeader(BullMqConstants.PRIORITY, Integer.class);
        Boolean lifo = message.getHeader(BullMqConstants.LIFO, Boolean.class);
        String jobId = customIdHeader(exchange, message);
        String removeOnComplete = message.getHeader(BullMqConstants.REMOVE_ON_COMPLETE, String.class);
        String removeOnFail = message.getHeader(BullMqConstants.REMOVE_ON_FAIL, String.class);
        Long timestamp = message.getHeader(BullMqConstants.TIMESTAMP, Long.class);
        boolean backoffHeader = backoffType != null || backoffDelay != null || backoffJitter != null;
        if (attempts == null
                && !backoffHeader
                && delay == null
                && priority == null
                && lifo == null
                && jobId == null
                && removeOnComplete == null
                && removeOnFail == null
                && timestamp == null) {
            return base;
        }
        BullMqJobOptions.Builder builder = base.toBuilder();
        if (attempts != null) {
            builder.attempts(attempts);
        }
        if (backoffHeader) {
            BullMqConfiguration configuration = endpoint.getConfiguration();
            BullMqBackoff current = base.backoff();
            String type = backoffType != null
                    ? backoffType
                    : current != null ? current.type().bullMqName() : configuration.getBackoffType();
            long backoffDelayMs = backoffDelay != null
                    ? backoffDelay
                    : current != null ? current.delay() : configuration.getBackoffDelay();
            Double jitter = backoffJitter != null ? backoffJitter : current != null ? current.jitter() : null;
            builder.backoff(BullMqConfiguration.backoff(type, backoffDelayMs, jitter));
        }
        if (delay != null) {
            builder.delay(delay == 0 ? null : delay);
        }
        if (priority != null) {
            builder.priority(priority == 0 ? null : priority);
        }
        if (lifo != null) {
            builder.lifo(lifo);
        }
        if (jobId != null) {
            builder.jobId(jobId);
        }
        if (removeOnComplete != null) {
            builder.removeOnComplete(BullMqKeepJobs.parse(removeOnComplete));
        }
        if (removeOnFail != null) {
            builder.removeOnFail(BullMqKeepJobs.parse(removeOnFail));
        }
        if (timestamp != null) {
            builder.timestamp(timestamp);
        }
        return builder.build();
    }

    /**
     * The custom id header, unless it holds the result of an earlier bullmq endpoint (an id that was
     * not the caller's custom id).
     */
    private static String customIdHeader(Exchange exchange, Message message) {
        String jobId = message.getHeader(BullMqConstants.JOB_ID, String.class);
        if (jobId != null && jobId.equals(exchange.getProperty(BullMqConstants.ADDED_JOB_ID_PROPERTY))) {
            return null;
        }
        return jobId;
    }

    /** The job data JSON for a body (see the class comment). */
    String dataJson(Exchange exchange, Object body) {
        if (body == null) {
            return "{}";
        }
        if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache) {
            body = exchange.getContext().getTypeConverter().convertTo(String.class, exchange, body);
        }
        if (body instanceof byte[] bytes) {
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        if (body instanceof String text && Json.isValid(text)) {
            return text;
        }
        try {
            if (body instanceof JsonNode node) {
                return getEndpoint().getComponent().getObjectMapper().writeValueAsString(node);
            }
            return getEndpoint().getComponent().getObjectMapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new BullMqException("Cannot turn the body (" + body.getClass().getName() + ") into JSON job data", e);
        }
    }
}
