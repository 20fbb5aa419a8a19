package io.quckchat.router.deadletter;

/**
 * Headers of a dead letter on {@code <topic>.dlq}. The origin and the error use Kafka Connect's
 * {@code __connect.errors.*} names, so tools that read Connect's dead-letter queues read ours;
 * what Connect has no name for is under {@code quckchat.dlq.*}. See docs/guarantees.md.
 */
public final class DeadLetterHeaders {

    public static final String TOPIC = "__connect.errors.topic";
    public static final String PARTITION = "__connect.errors.partition";
    public static final String OFFSET = "__connect.errors.offset";
    /** Always {@code quckchat-router}. */
    public static final String CONNECTOR_NAME = "__connect.errors.connector.name";
    /** The route id. */
    public static final String TASK_ID = "__connect.errors.task.id";
    /** {@code EVENT} when the event was rejected before fan-out, {@code LEG} when one delivery failed. */
    public static final String STAGE = "__connect.errors.stage";
    /** The router class that failed it (the lane of the leg, or the route configuration). */
    public static final String CLASS_NAME = "__connect.errors.class.name";

    public static final String EXCEPTION_CLASS = "__connect.errors.exception.class.name";
    public static final String EXCEPTION_MESSAGE = "__connect.errors.exception.message";
    public static final String EXCEPTION_STACKTRACE = "__connect.errors.exception.stacktrace";

    public static final String EVENT_ID = "quckchat.dlq.event-id";
    /** The failed leg, e.g. {@code rabbitmq:notifications}, or {@code event}. */
    public static final String LEG = "quckchat.dlq.leg";

    public static final String ATTEMPTS = "quckchat.dlq.attempts";
    /** ISO-8601 instants. */
    public static final String FIRST_FAILURE = "quckchat.dlq.first-failure";

    public static final String LAST_FAILURE = "quckchat.dlq.last-failure";

    private DeadLetterHeaders() {}
}
