package io.quckchat.camel.bullmq;

import java.util.List;

/**
 * A range of a job's log lines ({@code job.log()}, the {@code <prefix>:<queue>:<id>:logs} list) and
 * how many lines it has in all, as Node's {@code Queue.getJobLogs} returns them ({@code {logs,
 * count}}), plus whether the job itself exists: a job removed meanwhile has neither hash nor logs.
 *
 * @param logs the lines of the range, in the order asked for
 * @param count the number of lines of the job, whatever the range
 * @param jobExists true if the job's hash exists
 */
public record BullMqJobLogs(List<String> logs, long count, boolean jobExists) {

    public BullMqJobLogs {
        logs = List.copyOf(logs);
    }
}
