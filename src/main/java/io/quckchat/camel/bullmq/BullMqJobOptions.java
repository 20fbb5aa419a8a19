package io.quckchat.camel.bullmq;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The options of one job, as BullMQ's {@code JobsOptions}: immutable, built with {@link #builder()}
 * or derived with {@link #toBuilder()}. Unset options are left out of the stored {@code opts}, so
 * the worker's defaults apply, as with Node's {@code Queue.add}.
 */
public final class BullMqJobOptions {

    /** The highest priority BullMQ accepts (2^21 - 1); 1 is served first, 0 means no priority. */
    public static final int MAX_PRIORITY = 2_097_151;

    private static final Pattern INTEGER_LIKE = Pattern.compile("-?\\d+");

    private static final BullMqJobOptions NONE = builder().build();

    private static final BullMqJobOptions DEFAULTS = builder()
            .attempts(3)
            .backoff(BullMqBackoff.exponential(1000))
            .removeOnComplete(BullMqKeepJobs.age(86_400, 10_000L, null))
            .removeOnFail(BullMqKeepJobs.age(604_800))
            .build();

    private final Integer attempts;
    private final BullMqBackoff backoff;
    private final Long delay;
    private final Integer priority;
    private final boolean lifo;
    private final String jobId;
    private final BullMqKeepJobs removeOnComplete;
    private final BullMqKeepJobs removeOnFail;
    private final Long timestamp;
    private volatile String json;

    private BullMqJobOptions(Builder b) {
        this.attempts = b.attempts;
        this.backoff = b.backoff;
        this.delay = b.delay;
        this.priority = b.priority;
        this.lifo = b.lifo;
        this.jobId = b.jobId;
        this.removeOnComplete = b.removeOnComplete;
        this.removeOnFail = b.removeOnFail;
        this.timestamp = b.timestamp;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No options at all: BullMQ's own defaults (one attempt, no backoff, keep finished jobs). */
    public static BullMqJobOptions none() {
        return NONE;
    }

    /**
     * The router's defaults (docs/contract.md §5): {@code attempts: 3}, exponential backoff of 1000 ms,
     * {@code removeOnComplete: {age: 86400, count: 10000}}, {@code removeOnFail: {age: 604800}}.
     */
    public static BullMqJobOptions defaults() {
        return DEFAULTS;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.attempts = attempts;
        b.backoff = backoff;
        b.delay = delay;
        b.priority = priority;
        b.lifo = lifo;
        b.jobId = jobId;
        b.removeOnComplete = removeOnComplete;
        b.removeOnFail = removeOnFail;
        b.timestamp = timestamp;
        return b;
    }

    /** Total tries including the first; null = BullMQ's default (0, one try). */
    public Integer attempts() {
        return attempts;
    }

    public BullMqBackoff backoff() {
        return backoff;
    }

    /** Milliseconds to wait before the job may run; null or 0 = at once. */
    public Long delay() {
        return delay;
    }

    /** 1 (highest) .. {@link #MAX_PRIORITY}; null or 0 = no priority (served before any prioritized job). */
    public Integer priority() {
        return priority;
    }

    public boolean lifo() {
        return lifo;
    }

    /** The custom job id, or null for the queue's next number. */
    public String jobId() {
        return jobId;
    }

    public BullMqKeepJobs removeOnComplete() {
        return removeOnComplete;
    }

    public BullMqKeepJobs removeOnFail() {
        return removeOnFail;
    }

    /** Creation time in ms since the epoch; null = when it is added. */
    public Long timestamp() {
        return timestamp;
    }

    /**
     * The {@code opts} JSON a stock worker reads, with the keys Node's {@code Queue.add} writes:
     * {@code attempts} always, the others only when set.
     */
    public String toJson() {
        String result = json;
        if (result == null) {
            StringBuilder out = new StringBuilder(160).append("{\"attempts\":").append(attempts == null ? 0 : attempts);
            if (backoff != null) {
                out.append(",\"backoff\":").append(backoff.toJson());
            }
            if (delay != null) {
                out.append(",\"delay\":").append(delay);
            }
            if (priority != null) {
                out.append(",\"priority\":").append(priority);
            }
            if (lifo) {
                out.append(",\"lifo\":true");
            }
            if (jobId != null) {
                out.append(",\"jobId\":").append(Json.string(jobId));
            }
            if (removeOnComplete != null) {
                out.append(",\"removeOnComplete\":").append(removeOnComplete.toJson());
            }
            if (removeOnFail != null) {
                out.append(",\"removeOnFail\":").append(removeOnFail.toJson());
            }
            if (timestamp != null) {
                out.append(",\"timestamp\":").append(timestamp);
            }
            result = out.append('}').toString();
            json = result;
        }
        return result;
    }

    /**
     * Checks a custom job id the way BullMQ does, a little stricter: not empty, not integer-like
     * (it would collide with the queue's own numbering; this includes {@code "0"}), and no {@code
     * ':'} (BullMQ reserves it; this includes the legacy marker form {@code "0:..."}).
     */
    public static void validateJobId(String jobId) {
        if (jobId == null) {
            return;
        }
        if (jobId.isEmpty()) {
            throw new BullMqException("Custom job id must not be empty");
        }
        if (INTEGER_LIKE.matcher(jobId).matches()) {
            throw new BullMqException(
                    "Custom job id '" + jobId
                            + "' is rejected: BullMQ custom ids cannot be integers (they would clash with the queue's numbering)");
        }
        if (jobId.indexOf(':') >= 0) {
            throw new BullMqException(
                    "Custom job id '" + jobId + "' is rejected: BullMQ custom ids cannot contain ':'");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BullMqJobOptions other && toJson().equals(other.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Builds {@link BullMqJobOptions}; {@link #build()} rejects what BullMQ would reject. */
    public static final class Builder {
        private Integer attempts;
        private BullMqBackoff backoff;
        private Long delay;
        private Integer priority;
        private boolean lifo;
        private String jobId;
        private BullMqKeepJobs removeOnComplete;
        private BullMqKeepJobs removeOnFail;
        private Long timestamp;

        private Builder() {}

        public Builder attempts(Integer attempts) {
            this.attempts = attempts;
            return this;
        }

        public Builder backoff(BullMqBackoff backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder delay(Long delayMs) {
            this.delay = delayMs;
            return this;
        }

        public Builder priority(Integer priority) {
            this.priority = priority;
            return this;
        }

        public Builder lifo(boolean lifo) {
            this.lifo = lifo;
            return this;
        }

        public Builder jobId(String jobId) {
            this.jobId = jobId;
            return this;
        }

        public Builder removeOnComplete(BullMqKeepJobs keep) {
            this.removeOnComplete = keep;
            return this;
        }

        public Builder removeOnFail(BullMqKeepJobs keep) {
            this.removeOnFail = keep;
            return this;
        }

        public Builder timestamp(Long timestampMs) {
            this.timestamp = timestampMs;
            return this;
        }

        public BullMqJobOptions build() {
            if (attempts != null && attempts < 0) {
                throw new BullMqException("attempts must be >= 0, got " + attempts);
            }
            if (delay != null && delay < 0) {
                throw new BullMqException("delay must be >= 0 ms, got " + delay);
            }
            if (priority != null && (priority < 0 || priority > MAX_PRIORITY)) {
                throw new BullMqException("Priority should be between 0 and " + MAX_PRIORITY + ", got " + priority);
            }
            if (timestamp != null && timestamp <= 0) {
                throw new BullMqException("timestamp must be > 0 ms since the epoch, got " + timestamp);
            }
            validateJobId(jobId);
            return new BullMqJobOptions(this);
        }
    }

    int priorityOrZero() {
        return priority == null ? 0 : priority;
    }

    long delayOrZero() {
        return delay == null ? 0 : delay;
    }

    static BullMqJobOptions orNone(BullMqJobOptions options) {
        return Objects.requireNonNullElse(options, NONE);
    }
}
