package io.quckchat.camel.bullmq;

/**
 * A job that BullMQ would refuse: an invalid custom id, priority, delay, data that is not JSON, or a
 * queue the add script will not write to. Retrying the same job cannot succeed. Connection problems
 * are not reported with this exception: they surface as Spring's {@code DataAccessException}.
 */
public class BullMqException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BullMqException(String message) {
        super(message);
    }

    public BullMqException(String message, Throwable cause) {
        super(message, cause);
    }
}
