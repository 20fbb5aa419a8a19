package io.quckchat.camel.bullmq;

/**
 * One job to add with {@link BullMqClient#addAll}.
 *
 * @param queue the queue name, without the key prefix
 * @param name the job name the worker sees as {@code job.name}
 * @param dataJson the job data as JSON text ({@code job.data}); null means {@code {}}
 * @param options the job options; null means BullMQ's own defaults ({@link BullMqJobOptions#none()})
 */
public record BullMqJob(String queue, String name, String dataJson, BullMqJobOptions options) {}
