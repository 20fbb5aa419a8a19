package io.quckchat.router.event;

/** Names of headers the router reads from Kafka and writes to RabbitMQ (docs/contract.md §3, §4). */
public final class EventHeaders {

    /** CloudEvents Kafka binding: the event id. */
    public static final String CE_ID = "ce_id";

    public static final String CE_TYPE = "ce_type";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_TIME = "ce_time";
    public static final String SOURCE_TOPIC = "x-source-topic";
    public static final String SOURCE_PARTITION = "x-source-partition";
    public static final String SOURCE_OFFSET = "x-source-offset";

    /**
     * Set by a redrive: the legs to deliver again, comma separated, or {@code *} for all; the
     * others are skipped. Listed legs are sent even if the ledger has them as done.
     */
    public static final String REDRIVE_LEGS = "quckchat.redrive.legs";

    /** Set by a redrive: the dead letter it came from, {@code <dlq topic>/<partition>/<offset>}. */
    public static final String REDRIVE_OF = "quckchat.redrive.of";

    private EventHeaders() {}
}
