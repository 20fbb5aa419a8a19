package io.quckchat.camel.bullmq;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of a {@code bullmq:<queue>} endpoint: the job name and the job options every message
 * gets unless a header overrides them ({@link BullMqConstants}). Defaults are the router's
 * (docs/contract.md §5): 3 attempts, exponential backoff from 1000 ms, completed jobs kept a day (at most
 * 10000), failed jobs kept a week.
 */
@UriParams
public class BullMqConfiguration implements Cloneable {

    @UriParam(
            description = "The job name the worker sees as job.name. Required, here or per message in the"
                    + " CamelBullMqJobName header.")
    private String jobName;

    @UriParam(
            defaultValue = "3",
            description = "Total tries of the job including the first; the worker retries a failed job until"
                    + " they are used up. 0 or 1: one try.")
    private int attempts = 3;

    @UriParam(
            defaultValue = "exponential",
            enums = "fixed,exponential,none",
            description = "How the worker spaces retries: fixed waits backoffDelay ms each time, exponential"
                    + " waits 2^(n-1) * backoffDelay ms before retry n, none retries at once.")
    private String backoffType = "exponential";

    @UriParam(defaultValue = "1000", description = "Base delay of the retry backoff in ms.")
    private long backoffDelay = 1000;

    @UriParam(
            description = "Jitter of the retry backoff, 0..1: the wait is drawn between (1-jitter) and 1"
                    + " times the computed delay. Not set: no jitter.")
    private Double backoffJitter;

    @UriParam(
            defaultValue = "0",
            description = "Milliseconds to wait before the job may run (the job goes to the delayed set).")
    private long delay;

    @UriParam(
            defaultValue = "0",
            description = "Priority 1 (highest) .. 2097151; 0 means none. A worker serves every job without"
                    + " priority before any prioritized job, and jobs of one priority in order.")
    private int priority;

    @UriParam(defaultValue = "false", description = "Add the job at the head of the queue: it runs next.")
    private boolean lifo;

    @UriParam(
            description = "A custom job id (fixed for the endpoint, so usually given per message in the"
                    + " CamelBullMqJobId header). Adding an id that exists is a no-op returning that id."
                    + " Integer-like ids and ids containing ':' are refused, as BullMQ does.")
    private String jobId;

    @UriParam(
            defaultValue = "age:86400,count:10000",
            description = "What the worker keeps of completed jobs: true (nothing), false (all), a count (the"
                    + " newest n of the queue), or age:<seconds>[,count:<n>][,limit:<n>]. default or empty:"
                    + " leave it to the worker's setting.")
    private String removeOnComplete = "age:86400,count:10000";

    @UriParam(
            defaultValue = "age:604800",
            description = "What the worker keeps of failed jobs, same forms as removeOnComplete.")
    private String removeOnFail = "age:604800";

    @UriParam(
            description = "Redis key prefix of the queue (the workers' prefix option). Default: the"
                    + " component's client prefix, normally bull.")
    @Metadata(label = "advanced")
    private String prefix;

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
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

    public Double getBackoffJitter() {
        return backoffJitter;
    }

    public void setBackoffJitter(Double backoffJitter) {
        this.backoffJitter = backoffJitter;
    }

    public long getDelay() {
        return delay;
    }

    public void setDelay(long delay) {
        this.delay = delay;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public boolean isLifo() {
        return lifo;
    }

    public void setLifo(boolean lifo) {
        this.lifo = lifo;
    }

    public String getJobId() {
        return jobId;
    }

    public void setJobId(String jobId) {
        this.jobId = jobId;
    }

    public String getRemoveOnComplete() {
        return removeOnComplete;
    }

    public void setRemoveOnComplete(String removeOnComplete) {
        this.removeOnComplete = removeOnComplete;
    }

    public String getRemoveOnFail() {
        return removeOnFail;
    }

    public void setRemoveOnFail(String removeOnFail) {
        this.removeOnFail = removeOnFail;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public BullMqConfiguration copy() {
        try {
            return (BullMqConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The job options these settings describe; throws {@link BullMqException} for invalid ones. */
    public BullMqJobOptions toJobOptions() {
        return BullMqJobOptions.builder()
                .attempts(attempts)
                .backoff(backoff(backoffType, backoffDelay, backoffJitter))
                .delay(delay == 0 ? null : delay)
                .priority(priority == 0 ? null : priority)
                .lifo(lifo)
                .jobId(jobId == null || jobId.isEmpty() ? null : jobId)
                .removeOnComplete(BullMqKeepJobs.parse(removeOnComplete))
                .removeOnFail(BullMqKeepJobs.parse(removeOnFail))
                .build();
    }

    /** A backoff from option values; null for type none (or null/blank). */
    static BullMqBackoff backoff(String type, long delay, Double jitter) {
        if (type == null || type.isBlank() || type.trim().equalsIgnoreCase("none")) {
            return null;
        }
        BullMqBackoff backoff = new BullMqBackoff(BullMqBackoff.Type.of(type), delay, null);
        return jitter == null ? backoff : backoff.withJitter(jitter);
    }
}
