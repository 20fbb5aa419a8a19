package io.quckchat.camel.bullmq;

import org.apache.camel.spi.Metadata;

/**
 * The message headers of the {@code bullmq} component. Every option header overrides the endpoint
 * option of the same name for that message only. In YAML, set them with {@code setHeader} and these
 * names; in Java use the constants.
 */
public final class BullMqConstants {

    @Metadata(
            description = "The job name the worker sees as job.name (overrides the jobName option).",
            javaType = "String")
    public static final String JOB_NAME = "CamelBullMqJobName";

    @Metadata(
            description = "In: a custom job id (overrides the jobId option); adding the same id again is a no-op"
                    + " that returns the existing id. Out: the id of the added (or existing) job. A custom id given in"
                    + " this header stays the custom id of later bullmq endpoints of the route; an id the queue"
                    + " assigned (or that came from the jobId option) is not taken as one.",
            javaType = "String")
    public static final String JOB_ID = "CamelBullMqJobId";

    @Metadata(description = "Total tries including the first (overrides attempts).", javaType = "Integer")
    public static final String ATTEMPTS = "CamelBullMqAttempts";

    @Metadata(description = "Retry backoff: fixed, exponential or none (overrides backoffType).", javaType = "String")
    public static final String BACKOFF_TYPE = "CamelBullMqBackoffType";

    @Metadata(description = "Retry backoff base delay in ms (overrides backoffDelay).", javaType = "Long")
    public static final String BACKOFF_DELAY = "CamelBullMqBackoffDelay";

    @Metadata(description = "Retry backoff jitter 0..1 (overrides backoffJitter).", javaType = "Double")
    public static final String BACKOFF_JITTER = "CamelBullMqBackoffJitter";

    @Metadata(description = "Milliseconds before the job may run (overrides delay).", javaType = "Long")
    public static final String DELAY = "CamelBullMqDelay";

    @Metadata(description = "Priority 1 (highest) .. 2097151; 0 for none (overrides priority).", javaType = "Integer")
    public static final String PRIORITY = "CamelBullMqPriority";

    @Metadata(
            description = "True to run this job before the other waiting ones (overrides lifo).",
            javaType = "Boolean")
    public static final String LIFO = "CamelBullMqLifo";

    @Metadata(
            description = "What to keep of the job when it completes: true, false, a count, or"
                    + " age:<seconds>[,count:<n>][,limit:<n>] (overrides removeOnComplete).",
            javaType = "String")
    public static final String REMOVE_ON_COMPLETE = "CamelBullMqRemoveOnComplete";

    @Metadata(
            description = "What to keep of the job when it fails for good, same forms as removeOnComplete"
                    + " (overrides removeOnFail).",
            javaType = "String")
    public static final String REMOVE_ON_FAIL = "CamelBullMqRemoveOnFail";

    @Metadata(description = "The job's creation time in ms since the epoch (default: now).", javaType = "Long")
    public static final String TIMESTAMP = "CamelBullMqTimestamp";

    @Metadata(description = "The queue to add to instead of the endpoint's.", javaType = "String")
    public static final String QUEUE = "CamelBullMqQueue";

    @Metadata(
            description = "Complete job options (a BullMqJobOptions) replacing the endpoint's; the other option"
                    + " headers still apply on top.",
            javaType = "io.quckchat.camel.bullmq.BullMqJobOptions")
    public static final String JOB_OPTIONS = "CamelBullMqJobOptions";

    /** Exchange property: the last id this component set in {@link #JOB_ID} that was not the header's custom id. */
    static final String ADDED_JOB_ID_PROPERTY = "CamelBullMqAddedJobId";

    private BullMqConstants() {}
}
