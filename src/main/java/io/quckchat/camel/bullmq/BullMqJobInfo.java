package io.quckchat.camel.bullmq;

import java.util.List;
import java.util.Map;

/**
 * A job as read from Redis, with the fields Bull Board shows.
 *
 * @param queue the queue name
 * @param id the job id
 * @param name the job name
 * @param state where the job is
 * @param data the job data, JSON text
 * @param opts the job options, JSON text
 * @param timestamp creation time, ms since the epoch
 * @param processedOn when a worker last took it, or null
 * @param finishedOn when it completed or failed for good, or null
 * @param attemptsMade finished attempts ({@code atm})
 * @param attemptsStarted started attempts ({@code ats})
 * @param delay the delay it was added (or last re-scheduled) with, ms
 * @param priority 0 for none, else 1 (highest) and up
 * @param failedReason the last error message (plain text), or null
 * @param stacktrace the stack traces of the failed attempts, oldest first (empty if none)
 * @param returnvalue the completed job's return value as JSON text, or null
 * @param progress the last progress as JSON text, or null
 * @param fields every field of the job hash, raw
 */
public record BullMqJobInfo(
        String queue,
        String id,
        String name,
        BullMqState state,
        String data,
        String opts,
        long timestamp,
        Long processedOn,
        Long finishedOn,
        int attemptsMade,
        int attemptsStarted,
        long delay,
        int priority,
        String failedReason,
        List<String> stacktrace,
        String returnvalue,
        String progress,
        Map<String, String> fields) {}
