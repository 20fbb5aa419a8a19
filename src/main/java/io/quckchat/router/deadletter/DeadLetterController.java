package io.quckchat.router.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dead-letter API (admin credentials): list with filters and paging, one letter, and redrive
 * of one, a filtered set or all, by leg or whole event, with a dry run. See docs/dead-letters.md.
 */
@RestController
@RequestMapping(path = "/admin/dead-letters", produces = MediaType.APPLICATION_JSON_VALUE)
class DeadLetterController {

    private final DeadLetters deadLetters;

    DeadLetterController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * @param indexBehind dead letters on the topics that the index does not hold yet (it reads them
     *     when the router starts): while above 0, the list and its total are incomplete
     */
    record Page(int page, int size, int total, long indexBehind, List<DeadLetterView> items) {}

    /**
     * @param letters ids to redrive; or
     * @param filter the letters matching it (with {@code all: true} and no filter: every letter)
     */
    record RedriveRequest(
            List<String> letters, Filter filter, Boolean all, DeadLetters.Scope scope, Boolean dryRun, Boolean force) {}

    record Filter(String topic, String eventId, String leg, String errorClass, Instant from, Instant to) {
        DeadLetterQuery query(Boolean redriven) {
            return new DeadLetterQuery(topic, eventId, leg, errorClass, from, to, redriven);
        }
    }

    /**
     * @param count letters in all
     * @param counts letters by action
     * @param outcomes the first 1,000 of them one by one
     */
    record RedriveResult(
            boolean dryRun, String scope, int count, Map<String, Integer> counts, List<DeadLetters.Outcome> outcomes) {}

    @GetMapping
    Page list(
            @RequestParam(required = false) String topic,
            @RequestParam(required = false) String eventId,
            @RequestParam(required = false) String leg,
            @RequestParam(required = false) String errorClass,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(required = false) Boolean redriven,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw new IllegalArgumentException("page must be >= 0 and size 1..500");
        }
        DeadLetterQuery query = new DeadLetterQuery(topic, eventId, leg, errorClass, from, to, redriven);
        return new Page(
                page, size, deadLetters.count(query), deadLetters.indexBehind(), deadLetters.list(query, page, size));
    }

    @GetMapping("/{topic}/{partition}/{offset}")
    ResponseEntity<DeadLetterView> one(
            @PathVariable String topic, @PathVariable int partition, @PathVariable long offset) {
        return ResponseEntity.of(deadLetters.get(topic + "/" + partition + "/" + offset));
    }

    @PostMapping(path = "/redrive", consumes = MediaType.APPLICATION_JSON_VALUE)
    RedriveResult redrive(@RequestBody RedriveRequest request) {
        DeadLetters.Scope scope = request.scope() == null ? DeadLetters.Scope.LEG : request.scope();
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        boolean force = Boolean.TRUE.equals(request.force());
        DeadLetters.Redrive done;
        if (request.letters() != null && !request.letters().isEmpty()) {
            done = deadLetters.redrive(request.letters(), scope, dryRun, force);
        } else if (request.filter() != null) {
            done = deadLetters.redrive(request.filter().query(force ? null : false), scope, dryRun, force);
        } else if (Boolean.TRUE.equals(request.all())) {
            done = deadLetters.redrive(
                    new DeadLetterQuery(null, null, null, null, null, null, force ? null : false),
                    scope,
                    dryRun,
                    force);
        } else {
            throw new IllegalArgumentException(
                    "Say which letters: \"letters\": [ids], \"filter\": {...} or \"all\": true");
        }
        return new RedriveResult(dryRun, scope.name().toLowerCase(), done.count(), done.counts(), done.outcomes());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
    }
}
