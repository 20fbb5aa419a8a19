package io.quckchat.camel.bullmq;

/**
 * What {@link BullMqClient#preview} says an add would store, without touching Redis: the fields of
 * the job hash exactly as the add script writes them, and where the id would go.
 *
 * @param queue the queue name
 * @param key the job hash's key, {@code <prefix>:<queue>:<id>}; null when the id would be the queue's
 *     next number (only Redis knows it)
 * @param id the custom job id, or null for the queue's next number
 * @param name the {@code name} field
 * @param data the {@code data} field: JSON text
 * @param opts the {@code opts} field: JSON text, as a stock worker reads it
 * @param timestamp the {@code timestamp} field, ms since the epoch
 * @param delay the {@code delay} field, ms
 * @param priority the {@code priority} field, 0 for none
 * @param lifo whether the id goes to the head of the wait list
 */
public record BullMqJobPreview(
        String queue,
        String key,
        String id,
        String name,
        String data,
        String opts,
        long timestamp,
        long delay,
        int priority,
        boolean lifo) {

    /** Where the job would be right after the add (a paused queue aside). */
    public BullMqState state() {
        if (delay > 0) {
            return BullMqState.DELAYED;
        }
        return priority > 0 ? BullMqState.PRIORITIZED : BullMqState.WAITING;
    }
}
