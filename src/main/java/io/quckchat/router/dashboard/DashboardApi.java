package io.quckchat.router.dashboard;

import io.quckchat.router.dashboard.QueueDashboard.DeadLetterPage;
import io.quckchat.router.dashboard.QueueDashboard.JobPage;
import io.quckchat.router.dashboard.QueueDashboard.JobView;
import io.quckchat.router.dashboard.QueueDashboard.NotFoundException;
import io.quckchat.router.dashboard.QueueDashboard.QueueView;
import io.quckchat.router.dashboard.QueueDashboard.RetryAll;
import io.quckchat.router.dashboard.QueueDashboard.RouteView;
import io.quckchat.router.dashboard.QueueDashboard.SearchHit;
import io.quckchat.router.deadletter.DeadLetters;
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
 * The dashboard's JSON API under {@code BULL_BOARD_PATH/api} (admin credentials). Actions are JSON
 * POSTs whose body names the queue, job or route, so ids with any characters never go into a URL
 * path. See docs/operations.md, "Queue dashboard".
 */
@RestController
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
@RequestMapping(path = "${quckchat.bull-board.path}/api", produces = MediaType.APPLICATION_JSON_VALUE)
class DashboardApi {

    private final QueueDashboard dashboard;

    DashboardApi(QueueDashboard dashboard) {
        this.dashboard = dashboard;
    }

    record JobRef(String queue, String id) {}

    record QueueRef(String queue) {}

    record RouteRef(String route) {}

    record RedriveRequest(String letter, DeadLetters.Scope scope) {}

    record Retried(String queue, String id, boolean retried) {}

    @GetMapping("/queues")
    List<QueueView> queues() {
        return dashboard.queues();
    }

    @GetMapping("/jobs")
    JobPage jobs(
            @RequestParam String queue,
            @RequestParam String state,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size) {
        return dashboard.jobs(queue, QueueDashboard.state(state), page, size);
    }

    @GetMapping("/job")
    ResponseEntity<JobView> job(@RequestParam String queue, @RequestParam String id) {
        return ResponseEntity.of(dashboard.job(queue, id));
    }

    /** Retries one failed job; 404 if it does not exist, 409 if it is not failed. */
    @PostMapping(path = "/jobs/retry", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Retried> retry(@RequestBody JobRef job) {
        if (job.queue() == null || job.id() == null) {
            throw new IllegalArgumentException("\"queue\" and \"id\" are required");
        }
        if (dashboard.retry(job.queue(), job.id())) {
            return ResponseEntity.ok(new Retried(job.queue(), job.id(), true));
        }
        HttpStatus status =
                dashboard.job(job.queue(), job.id()).isPresent() ? HttpStatus.CONFLICT : HttpStatus.NOT_FOUND;
        return ResponseEntity.status(status).body(new Retried(job.queue(), job.id(), false));
    }

    @PostMapping(path = "/jobs/retry-failed", consumes = MediaType.APPLICATION_JSON_VALUE)
    RetryAll retryFailed(@RequestBody QueueRef queue) {
        return dashboard.retryAll(queue.queue());
    }

    @GetMapping("/search")
    List<SearchHit> search(@RequestParam("q") String text) {
        return dashboard.search(text);
    }

    @GetMapping("/rabbitmq")
    Map<String, Long> rabbitmq() {
        return dashboard.rabbitDepths();
    }

    @GetMapping("/dead-letters")
    DeadLetterPage deadLetters(
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return dashboard.deadLetters(page, size);
    }

    @PostMapping(path = "/dead-letters/redrive", consumes = MediaType.APPLICATION_JSON_VALUE)
    List<DeadLetters.Outcome> redrive(@RequestBody RedriveRequest request) {
        if (request.letter() == null) {
            throw new IllegalArgumentException("\"letter\" is required");
        }
        return dashboard.redrive(request.letter(), request.scope());
    }

    @GetMapping("/routes")
    List<RouteView> routes() {
        return dashboard.routes();
    }

    @PostMapping(path = "/routes/suspend", consumes = MediaType.APPLICATION_JSON_VALUE)
    RouteView suspend(@RequestBody RouteRef route) throws Exception {
        return dashboard.suspend(route.route());
    }

    @PostMapping(path = "/routes/resume", consumes = MediaType.APPLICATION_JSON_VALUE)
    RouteView resume(@RequestBody RouteRef route) throws Exception {
        return dashboard.resume(route.route());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Map<String, String>> notFound(NotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }
}
