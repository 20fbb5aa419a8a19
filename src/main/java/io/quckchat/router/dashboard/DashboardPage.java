package io.quckchat.router.dashboard;

import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.dashboard.QueueDashboard.DeadLetterPage;
import io.quckchat.router.dashboard.QueueDashboard.JobPage;
import io.quckchat.router.dashboard.QueueDashboard.JobView;
import io.quckchat.router.dashboard.QueueDashboard.QueueView;
import io.quckchat.router.dashboard.QueueDashboard.RouteView;
import io.quckchat.router.dashboard.QueueDashboard.SearchHit;
import io.quckchat.router.deadletter.DeadLetterView;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.HtmlUtils;

/**
 * The queue dashboard page at {@code BULL_BOARD_PATH}: one server-rendered HTML page, every value
 * HTML-escaped (job data, reasons and ids are untrusted), plus a small script that posts the
 * actions to {@link DashboardApi} and re-reads the live panels every few seconds ({@code
 * ?panels=queues,failed,...} returns just those sections). A strict Content-Security-Policy allows
 * no inline script or style.
 */
@Controller
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
@RequestMapping("${quckchat.bull-board.path}")
class DashboardPage {

    private static final Logger log = LoggerFactory.getLogger(DashboardPage.class);

    static final List<String> PANELS =
            List.of("search", "queues", "failed", "jobs", "rabbitmq", "routes", "dead-letters", "try");
    /** Failed jobs shown per queue in the failed panel; the rest are a page of the state away. */
    static final int FAILED_PER_QUEUE = 20;

    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
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

    @GetMapping(produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String queue,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) String panels) {
        Set<String> wanted = new LinkedHashSet<>(PANELS);
        if (panels != null) {
            wanted.retainAll(Arrays.asList(panels.split(",")));
        }
        Html html = new Html();
        if (panels == null) {
            head(html, q);
        } else {
            html.raw("<!doctype html><html lang=\"en\"><body><main>");
        }
        String search = q == null ? "" : q.strip();
        for (String panel : wanted) {
            switch (panel) {
                case "search" -> section(html, "search", "Search results", h -> search(h, search));
                case "queues" -> section(html, "queues", "BullMQ queues", this::queues);
                case "failed" -> section(html, "failed", "Failed jobs", this::failed);
                case "jobs" -> section(html, "jobs", jobsTitle(queue, state), h -> jobs(h, queue, state, page));
                case "rabbitmq" -> section(html, "rabbitmq", "RabbitMQ queues", this::rabbit);
                case "routes" -> section(html, "routes", "Routes", this::routes);
                case "dead-letters" -> section(html, "dead-letters", "Dead letters", this::deadLetters);
                case "try" -> section(html, "try", "Try an event", this::tryAnEvent);
                default -> {}
            }
        }
        html.raw("</main></body></html>");
        return ResponseEntity.ok()
                .contentType(MediaType.valueOf("text/html;charset=UTF-8"))
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", CSP)
                .header("Referrer-Policy", "no-referrer")
                .body(html.toString());
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

    private void head(Html html, String q) {
        html.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .raw("<title>Queues — QuckChat Router</title>")
                .raw("<link rel=\"stylesheet\" href=\"")
                .text(base + "/assets/dashboard.css")
                .raw("\"><script src=\"")
                .text(base + "/assets/dashboard.js")
                .raw("\" defer></script></head><body data-base=\"")
                .text(base)
                .raw("\"><header><h1><a href=\"")
                .text(base)
                .raw("\">QuckChat Router — queues</a></h1>")
                .raw("<form method=\"get\" action=\"")
                .text(base)
                .raw("\" role=\"search\"><label for=\"q\">Job id or event id</label> ")
                .raw("<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"512\" value=\"")
                .text(q == null ? "" : q)
                .raw("\"> <button type=\"submit\">Search</button></form>")
                .raw("<p class=\"controls\"><label><input type=\"checkbox\" id=\"auto-refresh\" checked>")
                .raw(
                        " Refresh every 3 s</label> <button type=\"button\" data-action=\"refresh\">Refresh now</button></p>")
                .raw("<p id=\"status\" role=\"status\" aria-live=\"polite\"></p></header><main>");
    }

    private void section(Html html, String id, String title, Consumer<Html> body) {
        html.raw("<section id=\"panel-")
                .raw(id)
                .raw("\" data-panel=\"")
                .raw(id)
                .raw("\" aria-labelledby=\"h-")
                .raw(id)
                .raw("\"><h2 id=\"h-")
                .raw(id)
                .raw("\">")
                .text(title)
                .raw("</h2>");
        Html inner = new Html();
        try {
            body.accept(inner);
            html.raw(inner.toString());
        } catch (RuntimeException e) {
            log.warn("Dashboard panel {} not read: {}", id, e.toString());
            html.raw("<p class=\"error\">Not available: ").text(e.getMessage()).raw("</p>");
        }
        html.raw("</section>");
    }

    private void search(Html html, String q) {
        if (q.isEmpty()) {
            html.raw("<p>Type a job id, or the id of an event to find the jobs the router wrote for it.</p>");
            return;
        }
        List<SearchHit> hits = dashboard.search(q);
        html.raw("<p>").text(hits.size() + " job(s) for ").raw("<code>").text(q).raw("</code></p>");
        if (!hits.isEmpty()) {
            jobTable(
                    html,
                    "Jobs matching the search",
                    hits.stream().map(SearchHit::job).toList(),
                    "search");
        }
    }

    private void queues(Html html) {
        List<QueueView> queues = dashboard.queues();
        if (queues.isEmpty()) {
            html.raw("<p>No BullMQ queues.</p>");
            return;
        }
        html.raw("<table><caption>Jobs per state; a count opens that state's jobs</caption><thead><tr>")
                .raw("<th scope=\"col\">Queue</th><th scope=\"col\">Paused</th>");
        for (BullMqState state : QueueDashboard.STATES) {
            html.raw("<th scope=\"col\">").text(state.nodeName()).raw("</th>");
        }
        html.raw("<th scope=\"col\">Actions</th></tr></thead><tbody>");
        for (QueueView queue : queues) {
            html.raw("<tr data-queue=\"")
                    .text(queue.name())
                    .raw("\"><th scope=\"row\">")
                    .text(queue.name())
                    .raw("</th><td>")
                    .text(queue.paused() ? "yes" : "no")
                    .raw("</td>");
            for (BullMqState state : QueueDashboard.STATES) {
                html.raw("<td data-state=\"")
                        .text(state.nodeName())
                        .raw("\"><a href=\"")
                        .text(link("queue", queue.name(), "state", state.nodeName()))
                        .raw("\" aria-label=\"")
                        .text(queue.count(state) + " " + state.nodeName() + " in " + queue.name())
                        .raw("\">")
                        .text(Long.toString(queue.count(state)))
                        .raw("</a></td>");
            }
            html.raw("<td>");
            if (queue.count(BullMqState.FAILED) > 0) {
                button(
                        html,
                        "retry-all",
                        "Retry all failed",
                        "Retry all failed jobs of " + queue.name(),
                        "queue",
                        queue.name());
            }
            html.raw("</td></tr>");
        }
        html.raw("</tbody></table>");
    }

    private void failed(Html html) {
        boolean any = false;
        for (QueueView queue : dashboard.queues()) {
            long count = queue.count(BullMqState.FAILED);
            if (count == 0) {
                continue;
            }
            any = true;
            JobPage page = dashboard.jobs(queue.name(), BullMqState.FAILED, 0, FAILED_PER_QUEUE);
            html.raw("<h3>").text(queue.name()).raw("</h3>");
            if (count > page.jobs().size()) {
                html.raw("<p>Newest ")
                        .text(Integer.toString(page.jobs().size()))
                        .raw(" of ")
                        .text(Long.toString(count))
                        .raw(": <a href=\"")
                        .text(link("queue", queue.name(), "state", "failed"))
                        .raw("\">all failed jobs of ")
                        .text(queue.name())
                        .raw("</a></p>");
            }
            jobTable(html, "Failed jobs of " + queue.name(), page.jobs(), "failed");
        }
        if (!any) {
            html.raw("<p>No failed jobs.</p>");
        }
    }

    private static String jobsTitle(String queue, String state) {
        return queue == null || state == null ? "Jobs" : "Jobs: " + queue + ", " + state;
    }

    private void jobs(Html html, String queue, String state, int pageNumber) {
        if (queue == null || state == null) {
            html.raw("<p>Choose a count in the queues table to list those jobs.</p>");
            return;
        }
        int size = 20;
        JobPage page = dashboard.jobs(queue, QueueDashboard.state(state), Math.max(0, pageNumber), size);
        long pages = Math.max(1, (page.total() + size - 1) / size);
        html.raw("<p>Page ")
                .text(Long.toString(page.page() + 1L))
                .raw(" of ")
                .text(Long.toString(pages))
                .raw(", ")
                .text(Long.toString(page.total()))
                .raw(" job(s), newest first.</p>");
        if (!page.jobs().isEmpty()) {
            jobTable(html, state + " jobs of " + queue, page.jobs(), "jobs");
        }
        html.raw("<nav aria-label=\"Pages\">");
        if (page.page() > 0) {
            html.raw("<a rel=\"prev\" href=\"")
                    .text(link("queue", queue, "state", state, "page", Integer.toString(page.page() - 1)))
                    .raw("\">Previous page</a> ");
        }
        if (page.page() + 1L < pages) {
            html.raw("<a rel=\"next\" href=\"")
                    .text(link("queue", queue, "state", state, "page", Integer.toString(page.page() + 1)))
                    .raw("\">Next page</a>");
        }
        html.raw("</nav>");
    }

    private void jobTable(Html html, String caption, List<JobView> jobs, String where) {
        html.raw("<table class=\"jobs\"><caption>")
                .text(caption)
                .raw("</caption><thead><tr><th scope=\"col\">Job id</th><th scope=\"col\">Queue</th>")
                .raw("<th scope=\"col\">Name</th><th scope=\"col\">State</th><th scope=\"col\">Attempts</th>")
                .raw("<th scope=\"col\">Created</th><th scope=\"col\">Finished</th>")
                .raw("<th scope=\"col\">Failed reason</th><th scope=\"col\">Details</th>")
                .raw("<th scope=\"col\">Actions</th></tr></thead><tbody>");
        int row = 0;
        for (JobView job : jobs) {
            String detailsId = where + "-" + row++;
            html.raw("<tr data-job-id=\"")
                    .text(job.id())
                    .raw("\" data-queue=\"")
                    .text(job.queue())
                    .raw("\"><th scope=\"row\"><code>")
                    .text(job.id())
                    .raw("</code></th><td>")
                    .text(job.queue())
                    .raw("</td><td>")
                    .text(job.name())
                    .raw("</td><td class=\"state\">")
                    .text(job.state())
                    .raw("</td><td>")
                    .text(Integer.toString(job.attemptsMade()))
                    .raw("</td><td>");
            time(html, job.timestamp());
            html.raw("</td><td>");
            if (job.finishedOn() != null) {
                time(html, job.finishedOn());
            }
            html.raw("</td><td class=\"reason\">")
                    .text(job.failedReason() == null ? "" : job.failedReason())
                    .raw("</td><td><details id=\"")
                    .text(detailsId)
                    .raw("\"><summary>")
                    .text(job.stacktrace().isEmpty() ? "Data" : "Stack trace and data")
                    .raw("</summary>");
            for (String trace : job.stacktrace()) {
                html.raw("<pre class=\"stack\">").text(clip(trace, 8000)).raw("</pre>");
            }
            html.raw("<p>Data</p><pre>").text(clip(job.data(), 4000)).raw("</pre>");
            if (job.returnvalue() != null) {
                html.raw("<p>Return value</p><pre>")
                        .text(clip(job.returnvalue(), 4000))
                        .raw("</pre>");
            }
            html.raw("</details></td><td>");
            if ("failed".equals(job.state())) {
                button(html, "retry", "Retry", "Retry job " + job.id(), "queue", job.queue(), "id", job.id());
            }
            html.raw("</td></tr>");
        }
        html.raw("</tbody></table>");
    }

    private void rabbit(Html html) {
        Map<String, Long> depths = dashboard.rabbitDepths();
        if (depths.isEmpty()) {
            html.raw("<p>No depths read yet (they are read every 10 s).</p>");
            return;
        }
        html.raw("<table><caption>Messages ready, as last read (every 10 s)</caption><thead><tr>")
                .raw("<th scope=\"col\">Queue</th><th scope=\"col\">Messages</th></tr></thead><tbody>");
        depths.forEach((queue, depth) -> html.raw("<tr><th scope=\"row\">")
                .text(queue)
                .raw("</th><td>")
                .text(Long.toString(depth))
                .raw("</td></tr>"));
        html.raw("</tbody></table>");
    }

    private void routes(Html html) {
        html.raw("<table><caption>Camel routes; a suspended route takes no new events</caption><thead><tr>")
                .raw("<th scope=\"col\">Route</th><th scope=\"col\">From</th><th scope=\"col\">Status</th>")
                .raw("<th scope=\"col\">Exchanges</th><th scope=\"col\">Failed</th><th scope=\"col\">In flight</th>")
                .raw("<th scope=\"col\">Actions</th></tr></thead><tbody>");
        for (RouteView route : dashboard.routes()) {
            html.raw("<tr data-route=\"")
                    .text(route.id())
                    .raw("\"><th scope=\"row\">")
                    .text(route.id())
                    .raw("</th><td><code>")
                    .text(route.from() == null ? "" : route.from())
                    .raw("</code></td><td class=\"status\">")
                    .text(route.status())
                    .raw("</td><td>")
                    .text(String.valueOf(route.exchangesTotal()))
                    .raw("</td><td>")
                    .text(String.valueOf(route.exchangesFailed()))
                    .raw("</td><td>")
                    .text(String.valueOf(route.inflight()))
                    .raw("</td><td>");
            String action = "Suspended".equals(route.status()) ? "resume" : "suspend";
            String label = "resume".equals(action) ? "Resume" : "Suspend";
            button(html, action, label, label + " route " + route.id(), "route", route.id());
            html.raw("</td></tr>");
        }
        html.raw("</tbody></table>");
    }

    /**
     * The routing simulator (POST /admin/routes/simulate): pick a topic, its sample is filled in, edit
     * it and see the deliveries the loaded routes would make. The script fills and runs it; the
     * panel is not part of the live refresh, so an edit is never overwritten.
     */
    private void tryAnEvent(Html html) {
        html.raw("<p>What the routes loaded now would do with an event. Nothing is sent.</p>")
                .raw("<form id=\"try-form\" data-simulate=\"/admin/routes/simulate\">")
                .raw("<p><label for=\"try-topic\">Topic</label> <select id=\"try-topic\" name=\"topic\"></select> ")
                .raw("<label for=\"try-key\">Key</label> <input id=\"try-key\" name=\"key\" maxlength=\"256\"></p>")
                .raw("<p><label for=\"try-event\">Event (JSON)</label><br>")
                .raw("<textarea id=\"try-event\" name=\"event\" rows=\"12\" cols=\"90\" spellcheck=\"false\">")
                .raw("</textarea></p><p><button type=\"submit\" id=\"try-run\">Show what it does</button></p></form>")
                .raw("<div id=\"try-result\" aria-live=\"polite\"></div>");
    }

    private void deadLetters(Html html) {
        DeadLetterPage page = dashboard.deadLetters(0, 20);
        html.raw("<p>")
                .text(page.total() + " dead letter(s), newest first; read on load and after a redrive.")
                .raw(" All of them, with filters: <code>/admin/dead-letters</code>.</p>");
        if (page.items().isEmpty()) {
            return;
        }
        html.raw("<table><caption>The newest dead letters</caption><thead><tr>")
                .raw("<th scope=\"col\">Letter</th><th scope=\"col\">Event id</th><th scope=\"col\">Topic</th>")
                .raw("<th scope=\"col\">Leg</th><th scope=\"col\">Reason</th><th scope=\"col\">Attempts</th>")
                .raw("<th scope=\"col\">Dead-lettered</th><th scope=\"col\">Redriven</th>")
                .raw("<th scope=\"col\">Actions</th></tr></thead><tbody>");
        for (DeadLetterView letter : page.items()) {
            html.raw("<tr data-letter=\"")
                    .text(letter.id())
                    .raw("\"><th scope=\"row\"><code>")
                    .text(letter.id())
                    .raw("</code></th><td><code>")
                    .text(nullToEmpty(letter.eventId()))
                    .raw("</code></td><td>")
                    .text(nullToEmpty(letter.topic()))
                    .raw("</td><td>")
                    .text(nullToEmpty(letter.leg()))
                    .raw("</td><td>")
                    .text(nullToEmpty(letter.errorClass()))
                    .raw(": ")
                    .text(clip(nullToEmpty(letter.errorMessage()), 2000))
                    .raw("</td><td>")
                    .text(Integer.toString(letter.attempts()))
                    .raw("</td><td>")
                    .text(String.valueOf(letter.deadLetteredAt()))
                    .raw("</td><td>")
                    .text(letter.redrivenAt() == null ? "no" : letter.redrivenAt() + " (" + letter.redriveScope() + ")")
                    .raw("</td><td>");
            if (letter.redrivenAt() == null) {
                button(html, "redrive", "Redrive", "Redrive dead letter " + letter.id(), "letter", letter.id());
            }
            html.raw("</td></tr>");
        }
        html.raw("</tbody></table>");
    }

    private void time(Html html, long epochMillis) {
        String iso = Instant.ofEpochMilli(epochMillis).toString();
        html.raw("<time datetime=\"").text(iso).raw("\">").text(iso).raw("</time>");
    }

    private String link(String... pairs) {
        StringBuilder url = new StringBuilder(base);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            url.append(i == 0 ? '?' : '&')
                    .append(pairs[i])
                    .append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    private static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max) + " … (" + (text.length() - max) + " more)";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    /** HTML built from trusted markup ({@link #raw}) and escaped values ({@link #text}). */
    /** A button the page's script acts on: {@code data-action}, then {@code data-<name>} for each name, value pair. */
    private static void button(Html html, String action, String label, String ariaLabel, String... data) {
        html.raw("<button type=\"button\" data-action=\"").text(action);
        for (int i = 0; i < data.length; i += 2) {
            html.raw("\" data-").raw(data[i]).raw("=\"").text(data[i + 1]);
        }
        html.raw("\" aria-label=\"").text(ariaLabel).raw("\">").text(label).raw("</button>");
    }

    static final class Html {
        private final StringBuilder out = new StringBuilder(8192);

        Html raw(String markup) {
            out.append(markup);
            return this;
        }

        Html text(String value) {
            out.append(HtmlUtils.htmlEscape(value == null ? "" : value, "UTF-8"));
            return this;
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
