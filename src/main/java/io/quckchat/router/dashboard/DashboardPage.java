package io.quckchat.router.dashboard;

import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.dashboard.QueueDashboard.JobPage;
import io.quckchat.router.dashboard.QueueDashboard.QueueView;
import io.quckchat.router.deadletter.DeadLetterQuery;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The operations console at {@code BULL_BOARD_PATH}: server-side Thymeleaf templates under {@code
 * templates/dashboard/}, one fragment per panel ({@code panel/<name>.html}), every value escaped by
 * the template engine (job data, reasons and ids are untrusted). The main page shows the panels;
 * {@code ?panels=queues,failed,...} returns just those sections, which the page's script re-reads
 * every few seconds. Jobs, dead letters and routes have a detail page each. Actions are posted by
 * the script to {@link DashboardApi} (and its siblings) after the operator confirms them. A strict
 * Content-Security-Policy allows no inline script or style.
 */
@Controller
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
@RequestMapping("${quckchat.bull-board.path}")
class DashboardPage {

    private static final Logger log = LoggerFactory.getLogger(DashboardPage.class);

    static final List<String> PANELS =
            List.of("map", "charts", "search", "queues", "failed", "jobs", "rabbitmq", "routes", "dead-letters", "try");
    /** Failed jobs shown per queue in the failed panel; the rest are a page of the state away. */
    static final int FAILED_PER_QUEUE = 20;
    /** Jobs and dead letters per page. */
    static final int PAGE_SIZE = 20;

    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Map<String, MediaType> ASSETS = Map.of(
            "dashboard.js", MediaType.valueOf("text/javascript;charset=UTF-8"),
            "dashboard-charts.js", MediaType.valueOf("text/javascript;charset=UTF-8"),
            "dashboard.css", MediaType.valueOf("text/css;charset=UTF-8"));

    private final QueueDashboard dashboard;
    private final String base;

    DashboardPage(QueueDashboard dashboard, RouterProperties properties) {
        this.dashboard = dashboard;
        this.base = properties.bullBoard().path();
    }

    /** A failed job queue's newest failed jobs for the failed panel. */
    record FailedQueue(String queue, long count, JobPage page) {}

    @GetMapping(produces = MediaType.TEXT_HTML_VALUE)
    String page(
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String queue,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) String panels,
            @RequestParam(name = "dl-topic", required = false) String dlTopic,
            @RequestParam(name = "dl-leg", required = false) String dlLeg,
            @RequestParam(name = "dl-error", required = false) String dlError,
            @RequestParam(name = "dl-event", required = false) String dlEvent,
            @RequestParam(name = "dl-page", defaultValue = "0") int dlPage,
            Model model,
            HttpServletResponse response) {
        Set<String> wanted = new LinkedHashSet<>(PANELS);
        if (panels != null) {
            wanted.retainAll(Arrays.asList(panels.split(",")));
        }
        String search = q == null ? "" : q.strip();
        Map<String, String> errors = new LinkedHashMap<>();
        common(model, response);
        model.addAttribute("q", search);
        model.addAttribute("panels", List.copyOf(wanted));
        model.addAttribute("errors", errors);
        for (String panel : wanted) {
            switch (panel) {
                case "map" -> read(model, errors, panel, "map", dashboard::flowMap);
                case "search" ->
                    read(model, errors, panel, "hits", () -> search.isEmpty() ? List.of() : dashboard.search(search));
                case "queues" -> read(model, errors, panel, "queues", dashboard::queues);
                case "failed" -> read(model, errors, panel, "failedQueues", this::failedQueues);
                case "jobs" -> {
                    model.addAttribute("jobsQueue", queue);
                    model.addAttribute("jobsState", state);
                    if (queue != null && state != null) {
                        read(
                                model,
                                errors,
                                panel,
                                "jobPage",
                                () -> dashboard.jobs(queue, QueueDashboard.state(state), Math.max(0, page), PAGE_SIZE));
                    }
                }
                case "rabbitmq" -> read(model, errors, panel, "depths", dashboard::rabbitDepths);
                case "routes" -> read(model, errors, panel, "routes", dashboard::routes);
                case "dead-letters" -> {
                    DeadLetterQuery query = new DeadLetterQuery(
                            blankToNull(dlTopic),
                            blankToNull(dlEvent),
                            blankToNull(dlLeg),
                            blankToNull(dlError),
                            null,
                            null,
                            null);
                    model.addAttribute("dlQuery", query);
                    read(
                            model,
                            errors,
                            panel,
                            "letters",
                            () -> dashboard.deadLetters(query, Math.max(0, dlPage), PAGE_SIZE));
                }
                default -> {}
            }
        }
        return panels == null ? "dashboard/page" : "dashboard/panels";
    }

    /** A job with its data, options, progress, logs, attempts and failure, and the actions its state allows. */
    @GetMapping(path = "/job", produces = MediaType.TEXT_HTML_VALUE)
    String job(@RequestParam String queue, @RequestParam String id, Model model, HttpServletResponse response) {
        common(model, response);
        model.addAttribute("queue", queue);
        model.addAttribute("id", id);
        var job = dashboard.job(queue, id);
        if (job.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        }
        model.addAttribute("job", job.orElse(null));
        model.addAttribute("logs", job.isPresent() ? dashboard.jobLogs(queue, id) : List.of());
        model.addAttribute("queueView", dashboard.queue(queue).orElse(null));
        return "dashboard/job";
    }

    /** A dead letter: the original event, its headers and its failure history, with redrive. */
    @GetMapping(path = "/dead-letter", produces = MediaType.TEXT_HTML_VALUE)
    String deadLetter(@RequestParam String id, Model model, HttpServletResponse response) {
        common(model, response);
        model.addAttribute("id", id);
        var letter = dashboard.deadLetter(id);
        if (letter.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        }
        model.addAttribute("detail", letter.orElse(null));
        return "dashboard/dead-letter";
    }

    /** A route: its source as loaded, status, counts, suspend/resume, and the simulator. */
    @GetMapping(path = "/route", produces = MediaType.TEXT_HTML_VALUE)
    String route(@RequestParam String id, Model model, HttpServletResponse response) {
        common(model, response);
        model.addAttribute("id", id);
        var route = dashboard.route(id);
        if (route.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        }
        model.addAttribute("route", route.orElse(null));
        model.addAttribute("source", dashboard.routeSource(id).orElse(null));
        return "dashboard/route";
    }

    @GetMapping("/assets/{name}")
    ResponseEntity<byte[]> asset(@PathVariable String name) throws IOException {
        MediaType type = ASSETS.get(name);
        if (type == null) {
            return ResponseEntity.notFound().build();
        }
        try (InputStream in = DashboardPage.class.getResourceAsStream(name)) {
            if (in == null) {
                return ResponseEntity.notFound().build();
            }
            return ResponseEntity.ok()
                    .contentType(type)
                    .cacheControl(CacheControl.noCache())
                    .header("X-Content-Type-Options", "nosniff")
                    .body(in.readAllBytes());
        }
    }

    private void common(Model model, HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("Referrer-Policy", "no-referrer");
        model.addAttribute("base", base);
        model.addAttribute("states", QueueDashboard.STATES);
        model.addAttribute("view", ViewHelper.INSTANCE);
    }

    /** Reads one panel's data; a failure shows in that panel only ("Not available: ..."). */
    private static void read(
            Model model, Map<String, String> errors, String panel, String attribute, Supplier<?> data) {
        try {
            model.addAttribute(attribute, data.get());
        } catch (RuntimeException e) {
            log.warn("Dashboard panel {} not read: {}", panel, e.toString());
            errors.put(panel, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private List<FailedQueue> failedQueues() {
        List<FailedQueue> failed = new ArrayList<>();
        for (QueueView queue : dashboard.queues()) {
            long count = queue.count(BullMqState.FAILED);
            if (count > 0) {
                failed.add(new FailedQueue(
                        queue.name(), count, dashboard.jobs(queue.name(), BullMqState.FAILED, 0, FAILED_PER_QUEUE)));
            }
        }
        return failed;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
