package io.quckchat.camel.bullmq;

import java.nio.charset.StandardCharsets;

/**
 * One job to add with {@link BullMqClient#addAll}: queue, name, data (JSON text) and options.
 *
 * <p>The data is kept as it was given: as a {@code String} ({@link #BullMqJob(String, String,
 * String, BullMqJobOptions)}) or as UTF-8 bytes ({@link #ofUtf8Json}), which a producer that holds
 * the bytes of a JSON document already (e.g. a Kafka record's value) hands over without a copy.
 */
public final class BullMqJob {

    private final String queue;
    private final String name;
    private final String dataJson;
    private final byte[] dataUtf8;
    private final BullMqJobOptions options;

    /**
     * @param queue the queue name, without the key prefix
     * @param name the job name the worker sees as {@code job.name}
     * @param dataJson the job data as JSON text ({@code job.data}); null means {@code {}}
     * @param options the job options; null means BullMQ's own defaults ({@link BullMqJobOptions#none()})
     */
    public BullMqJob(String queue, String name, String dataJson, BullMqJobOptions options) {
        this(queue, name, dataJson, null, options);
    }

    private BullMqJob(String queue, String name, String dataJson, byte[] dataUtf8, BullMqJobOptions options) {
        this.queue = queue;
        this.name = name;
        this.dataJson = dataJson;
        this.dataUtf8 = dataUtf8;
        this.options = options;
    }

    /**
     * A job whose data is JSON text encoded as UTF-8. The array is used as it is, not copied: the
     * caller must not change it afterwards.
     */
    public static BullMqJob ofUtf8Json(String queue, String name, byte[] dataUtf8, BullMqJobOptions options) {
        return new BullMqJob(queue, name, null, dataUtf8, options);
    }

    public String queue() {
        return queue;
    }

    public String name() {
        return name;
    }

    /** The job data as JSON text; null means {@code {}}. */
    public String dataJson() {
        return dataUtf8 != null ? new String(dataUtf8, StandardCharsets.UTF_8) : dataJson;
    }

    /** The job data as the add script gets it: UTF-8 bytes, {@code {}} when there is none. */
    byte[] dataBytes() {
        if (dataUtf8 != null) {
            return dataUtf8;
        }
        return (dataJson == null ? "{}" : dataJson).getBytes(StandardCharsets.UTF_8);
    }

    public BullMqJobOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "BullMqJob[queue=" + queue + ", name=" + name + ", options=" + options + "]";
    }
}
