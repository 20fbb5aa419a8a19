package io.quckchat.camel.bullmq;

/**
 * The outcome of one job of {@link BullMqClient#addAll}: the job id, or the reason the job was
 * refused.
 *
 * @param jobId the id of the added job, or of the existing job for a duplicate custom id; null when
 *     refused
 * @param error why the job was refused; null when added
 */
public record BullMqAddResult(String jobId, BullMqException error) {

    public boolean ok() {
        return error == null;
    }

    static BullMqAddResult added(String jobId) {
        return new BullMqAddResult(jobId, null);
    }

    static BullMqAddResult refused(BullMqException error) {
        return new BullMqAddResult(null, error);
    }
}
