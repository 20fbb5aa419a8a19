package io.quckchat.router.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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

    private static final Set<String> REQUEST_FIELDS = fields(RedriveRequest.class);
    private static final Set<String> FILTER_FIELDS = fields(Filter.class);

    private final DeadLetters deadLetters;
    private final ObjectMapper json;

    DeadLetterController(DeadLetters deadLetters, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.json = json;
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

    /** The list's filters; without {@code force} only letters not yet redriven match, whatever {@code redriven} says. */
    record Filter(
            String topic, String eventId, String leg, String errorClass, Instant from, Instant to, Boolean redriven) {
        DeadLetterQuery query(boolean force) {
            return new DeadLetterQuery(topic, eventId, leg, errorClass, from, to, force ? redriven : Boolean.FALSE);
        }

        boolean matchesNothing(boolean force) {
            return !force && Boolean.TRUE.equals(redriven);
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
    RedriveResult redrive(@RequestBody JsonNode body) {
        RedriveRequest request = read(body);
        DeadLetters.Scope scope = request.scope() == null ? DeadLetters.Scope.LEG : request.scope();
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        boolean force = Boolean.TRUE.equals(request.force());
        DeadLetters.Redrive done;
        if (request.letters() != null && !request.letters().isEmpty()) {
            done = deadLetters.redrive(request.letters(), scope, dryRun, force);
        } else if (request.filter() != null) {
            done = request.filter().matchesNothing(force)
                    ? DeadLetters.Redrive.NONE
                    : deadLetters.redrive(request.filter().query(force), scope, dryRun, force);
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

    /**
     * The request, refused when it names a field the API does not have: ignoring it would turn a
     * misspelt {@code "dryrun": true} into a real redrive, or a misspelt filter field into all letters.
     */
    private RedriveRequest read(JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("The redrive request must be a JSON object");
        }
        refuseUnknown(body, REQUEST_FIELDS, "");
        if (body.get("filter") != null && body.get("filter").isObject()) {
            refuseUnknown(body.get("filter"), FILTER_FIELDS, "filter.");
        }
        try {
            return json.treeToValue(body, RedriveRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Bad redrive request: " + e.getOriginalMessage(), e);
        }
    }

    private static void refuseUnknown(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "Unknown field \"" + prefix + name + "\": the fields are " + String.join(", ", known));
            }
        }
    }

    private static Set<String> fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
    }
}
