package io.quckchat.camel.bullmq;

/** The states of a BullMQ job, by the names Node's {@code Queue} and Bull Board use. */
public enum BullMqState {
    /** Ready to run, without priority: the {@code wait} list. */
    WAITING("waiting", "wait", true),
    /** Being processed by a worker: the {@code active} list. */
    ACTIVE("active", "active", true),
    /** Due later (or waiting for a retry backoff): the {@code delayed} sorted set. */
    DELAYED("delayed", "delayed", false),
    /** Ready to run, with a priority: the {@code prioritized} sorted set. */
    PRIORITIZED("prioritized", "prioritized", false),
    /** Finished: the {@code completed} sorted set (score = finishedOn). */
    COMPLETED("completed", "completed", false),
    /** Failed for good: the {@code failed} sorted set (score = finishedOn). */
    FAILED("failed", "failed", false),
    /** BullMQ 5 only: the wait list of a paused queue. BullMQ 6 keeps a paused queue's jobs in wait. */
    PAUSED("paused", "paused", true),
    /** A flow parent waiting for its children: the {@code waiting-children} sorted set. */
    WAITING_CHILDREN("waiting-children", "waiting-children", false),
    /** The job exists but is in none of the above (e.g. between two steps of a worker). */
    UNKNOWN("unknown", null, false);

    private final String nodeName;
    private final String keySuffix;
    private final boolean list;

    BullMqState(String nodeName, String keySuffix, boolean list) {
        this.nodeName = nodeName;
        this.keySuffix = keySuffix;
        this.list = list;
    }

    /** The name Node uses ({@code job.getState()}, {@code getJobCounts()} keys). */
    public String nodeName() {
        return nodeName;
    }

    /** The suffix of the Redis key holding this state's ids; null for UNKNOWN. */
    public String keySuffix() {
        return keySuffix;
    }

    /** True for lists (LPUSH/RPOPLPUSH), false for sorted sets. */
    boolean isList() {
        return list;
    }

    public static BullMqState ofNodeName(String name) {
        for (BullMqState state : values()) {
            if (state.nodeName.equals(name)) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown BullMQ state '" + name + "'");
    }
}
