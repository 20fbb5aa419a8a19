package io.quckchat.router.dashboard;

import io.quckchat.camel.bullmq.BullMqActionResult;
import io.quckchat.camel.bullmq.BullMqException;
import io.quckchat.camel.bullmq.BullMqJobLogs;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.dashboard.QueueDashboard.NotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The queue actions of the dashboard's JSON API under {@code BULL_BOARD_PATH/api} (admin
 * credentials, like {@link DashboardApi}): pause and resume a queue, clean its finished jobs,
 * promote a delayed job, read a job's logs. Actions are JSON POSTs whose body names the queue and
 * job, so ids with any characters never go into a URL path. Answers: 200 with what happened; 400
 * for a malformed request; 404 when the queue or job does not exist; 409 when the job is in
 * another state now (the body names it). See docs/operations.md, "Queue dashboard".
 */
@RestController
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
@RequestMapping(path = "${quckchat.bull-board.path}/api", produces = MediaType.APPLICATION_JSON_VALUE)
class DashboardQueueActions {

    private final QueueDashboard dashboard;

    DashboardQueueActions(QueueDashboard dashboard) {
        this.dashboard = dashboard;
    }

    record QueueRef(String queue) {}

    record JobRef(String queue, String id) {}

    record CleanRequest(String queue, String state, Long olderThanSeconds, Integer limit) {}

    /** A queue after pause/resume; {@code changed} is false if it already was so. */
    record Paused(String queue, boolean paused, boolean changed) {}

    record Cleaned(String queue, String state, int cleaned, List<String> ids) {}

    /** A promote's answer: the job's state now (after 200 its new state; after 409 where it moved). */
    record Promoted(String queue, String id, boolean promoted, String state, String error) {}

    record Logs(String queue, String id, long start, long count, List<String> logs) {}

    /** Pauses a queue: its BullMQ 5/6 workers take no new job. 404 for a queue unknown here. */
    @PostMapping(path = "/queues/pause", consumes = MediaType.APPLICATION_JSON_VALUE)
    Paused pause(@RequestBody QueueRef queue) {
        boolean changed = dashboard.pauseQueue(requireQueue(queue));
        return new Paused(queue.queue(), true, changed);
    }

    /** Resumes a paused queue. 404 for a queue unknown here. */
    @PostMapping(path = "/queues/resume", consumes = MediaType.APPLICATION_JSON_VALUE)
    Paused resume(@RequestBody QueueRef queue) {
        boolean changed = dashboard.resumeQueue(requireQueue(queue));
        return new Paused(queue.queue(), false, changed);
    }

    /**
     * Removes completed or failed jobs that finished more than {@code olderThanSeconds} ago, at most
     * {@code limit} (default 1000), oldest first.
     */
    @PostMapping(path = "/queues/clean", consumes = MediaType.APPLICATION_JSON_VALUE)
    Cleaned clean(@RequestBody CleanRequest request) {
        if (request.queue() == null || request.state() == null || request.olderThanSeconds() == null) {
            throw new IllegalArgumentException("\"queue\", \"state\" and \"olderThanSeconds\" are required");
        }
        BullMqState state = QueueDashboard.state(request.state());
        if (request.olderThanSeconds() < 0) {
            throw new IllegalArgumentException("olderThanSeconds must be 0 or more");
        }
        int limit = request.limit() == null ? 1000 : request.limit();
        List<String> ids =
                dashboard.clean(request.queue(), state, Duration.ofSeconds(request.olderThanSeconds()), limit);
        return new Cleaned(request.queue(), state.nodeName(), ids.size(), ids);
    }

    /** Runs a delayed job now; 404 if it does not exist, 409 (with its state) if it is not delayed. */
    @PostMapping(path = "/jobs/promote", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Promoted> promote(@RequestBody JobRef job) {
        if (job.queue() == null || job.id() == null) {
            throw new IllegalArgumentException("\"queue\" and \"id\" are required");
        }
        BullMqActionResult result = dashboard.promote(job.queue(), job.id());
        return switch (result.outcome()) {
            case DONE ->
                ResponseEntity.ok(
                        new Promoted(job.queue(), job.id(), true, result.state().nodeName(), null));
            case WRONG_STATE ->
                ResponseEntity.status(HttpStatus.CONFLICT)
                        .body(new Promoted(
                                job.queue(),
                                job.id(),
                                false,
                                result.state().nodeName(),
                                "The job is not delayed, it is "
                                        + result.state().nodeName()));
            case NOT_FOUND ->
                ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(new Promoted(job.queue(), job.id(), false, null, "No job " + job.id()));
        };
    }

    /**
     * Log lines {@code start..end} of a job (inclusive, from 0; {@code end = -1} to the last; at
     * most {@link QueueDashboard#MAX_LOG_LINES}) and its line count. 404 if the job does not exist.
     */
    @GetMapping("/job/logs")
    Logs logs(
            @RequestParam String queue,
            @RequestParam String id,
            @RequestParam(defaultValue = "0") long start,
            @RequestParam(defaultValue = "-1") long end) {
        BullMqJobLogs logs = dashboard.logs(queue, id, start, end);
        if (!logs.jobExists()) {
            throw new NotFoundException("No job " + id + " in queue " + queue);
        }
        return new Logs(queue, id, start, logs.count(), logs.logs());
    }

    private static String requireQueue(QueueRef queue) {
        if (queue == null || queue.queue() == null) {
            throw new IllegalArgumentException("\"queue\" is required");
        }
        return queue.queue();
    }

    @ExceptionHandler({IllegalArgumentException.class, BullMqException.class})
    ResponseEntity<Map<String, String>> badRequest(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", String.valueOf(e.getMessage())));
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Map<String, String>> notFound(NotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }
}
