package io.quckchat.camel.bullmq;

/**
 * What an action on one job did, decided atomically with the action: done, the job does not exist
 * (removed meanwhile, or never there), or it is in a state the action does not apply to (it moved
 * meanwhile).
 *
 * @param outcome what happened
 * @param state after {@link Outcome#DONE} the job's new state; after {@link Outcome#WRONG_STATE}
 *     the state it is in now; null after {@link Outcome#NOT_FOUND}
 */
public record BullMqActionResult(Outcome outcome, BullMqState state) {

    /** What an action on one job did. */
    public enum Outcome {
        /** The job was moved. */
        DONE,
        /** There is no such job. */
        NOT_FOUND,
        /** The job exists, but is not in the state the action needs. */
        WRONG_STATE
    }

    /** True if the action was carried out. */
    public boolean done() {
        return outcome == Outcome.DONE;
    }
}
