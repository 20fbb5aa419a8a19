package io.quckchat.router.dashboard;

import io.quckchat.camel.bullmq.BullMqActionResult;
import io.quckchat.camel.bullmq.BullMqJobInfo;
import io.quckchat.camel.bullmq.BullMqJobLogs;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.deadletter.DeadLetterQuery;
import io.quckchat.router.deadletter.DeadLetterView;
import io.quckchat.router.deadletter.DeadLetters;
import io.quckchat.router.jobs.BullMqSinkComponent;
import io.quckchat.router.jobs.JobIds;
import io.quckchat.router.jobs.ScheduleSinkComponent;
import io.quckchat.router.ops.QueueDepths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the queue dashboard reads and does: BullMQ counts, jobs and retries, search by job id or
 * event id, RabbitMQ depths, dead letters and their redrive, and the Camel routes with
 * suspend/resume. Every read is bounded (pages, limits), so one request never walks a whole queue.
 */
public class QueueDashboard {

    private static final Logger log = LoggerFactory.getLogger(QueueDashboard.class);

    /** Most jobs on one page of a state. */
    public static final int MAX_PAGE_SIZE = 100;
    /** Most failed jobs one "retry all" moves; press again for the rest. */
    public static final int RETRY_ALL_LIMIT = 1000;
    /** Most jobs a search returns. */
    public static final int SEARCH_LIMIT = 50;
    /** Longest search text. */
    public static final int MAX_QUERY_LENGTH = 512;
    /** Most finished jobs one "clean" removes; press again for the rest. */
    public static final int CLEAN_LIMIT = 10_000;
    /** Most log lines one read returns. */
    public static final int MAX_LOG_LINES = 1000;

    /** The states in the order the dashboard shows them. */
    public static final List<BullMqState> STATES = List.of(
            BullMqState.WAITING,
            BullMqState.PRIORITIZED,
            BullMqState.DELAYED,
            BullMqState.ACTIVE,
            BullMqState.WAITING_CHILDREN,
            BullMqState.PAUSED,
            BullMqState.COMPLETED,
            BullMqState.FAILED);

    private static final Pattern INDEX = Pattern.compile("\\.\\d+");

    private final BullMqQueues jobs;
    private final BullMqSinkComponent jobSinks;
    private final ScheduleSinkComponent scheduleSinks;
    private final QueueDepths depths;
    private final DeadLetters deadLetters;
    private final CamelContext camel;

    public QueueDashboard(
            BullMqQueues jobs,
            BullMqSinkComponent jobSinks,
            ScheduleSinkComponent scheduleSinks,
            QueueDepths depths,
            DeadLetters deadLetters,
            CamelContext camel) {
        this.jobs = jobs;
        this.jobSinks = jobSinks;
        this.scheduleSinks = scheduleSinks;
        this.depths = depths;
        this.deadLetters = deadLetters;
        this.camel = camel;
    }

    /** A queue with its counts by state (Node's state names). */
    public record QueueView(String name, boolean paused, Map<String, Long> counts) {
        public long count(BullMqState state) {
            return counts.getOrDefault(state.nodeName(), 0L);
        }
    }

    /** A job as the dashboard shows it. Data, options and return value are the raw JSON text. */
    public record JobView(
            String queue,
            String id,
            String name,
            String state,
            long timestamp,
            Long processedOn,
            Long finishedOn,
            int attemptsMade,
            int attemptsStarted,
            int priority,
            long delay,
            String failedReason,
            List<String> stacktrace,
            String data,
            String opts,
            String returnvalue,
            String progress) {

        static JobView of(BullMqJobInfo job) {
            return new JobView(
                    job.queue(),
                    job.id(),
                    job.name(),
                    job.state().nodeName(),
                    job.timestamp(),
                    job.processedOn(),
                    job.finishedOn(),
                    job.attemptsMade(),
                    job.attemptsStarted(),
                    job.priority(),
                    job.delay(),
                    job.failedReason(),
                    job.stacktrace(),
                    job.data(),
                    job.opts(),
                    job.returnvalue(),
                    job.progress());
        }
    }

    public record JobPage(String queue, String state, int page, int size, long total, List<JobView> jobs) {}

    public record RetryAll(String queue, int retried, long remaining) {}

    /** How a job matched a search: {@code job-id} (the text is its id) or {@code event-id}. */
    public record SearchHit(String match, JobView job) {}

    public record RouteView(
            String id, String status, String from, Long exchangesTotal, Long exchangesFailed, Long inflight) {}

    public record DeadLetterPage(int page, int size, int total, List<DeadLetterView> items) {}

    /** Every BullMQ queue: those the routes write to and those found in Redis under the prefix. */
    public List<QueueView> queues() {
        Set<String> names = new TreeSet<>(jobSinks.queues());
        names.addAll(scheduleSinks.queues());
        names.addAll(jobs.queues());
        List<QueueView> views = new ArrayList<>();
        for (String name : names) {
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<BullMqState, Long> read = jobs.counts(name);
            for (BullMqState state : STATES) {
                counts.put(state.nodeName(), read.getOrDefault(state, 0L));
            }
            views.add(new QueueView(name, jobs.isPaused(name), counts));
        }
        return views;
    }

    public Optional<QueueView> queue(String name) {
        return queues().stream().filter(q -> q.name().equals(name)).findFirst();
    }

    /** One page of a state, newest first (Node's order); {@code page} from 0. */
    public JobPage jobs(String queue, BullMqState state, int page, int size) {
        requireQueue(queue);
        if (state == null || state == BullMqState.UNKNOWN) {
            throw new IllegalArgumentException("Unknown state; one of " + stateNames());
        }
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page must be >= 0 and size 1.." + MAX_PAGE_SIZE);
        }
        long start = (long) page * size;
        List<JobView> list = jobs.jobs(queue, state, start, start + size - 1).stream()
                .map(JobView::of)
                .toList();
        long total = jobs.counts(queue).getOrDefault(state, 0L);
        return new JobPage(queue, state.nodeName(), page, size, total, list);
    }

    public Optional<JobView> job(String queue, String id) {
        requireQueue(queue);
        return jobs.job(queue, id).map(JobView::of);
    }

    /**
     * Moves one failed job back to waiting (or prioritized, by its priority). Attempts are kept,
     * as BullMQ's {@code job.retry()}: the job gets one more try, not a fresh set.
     *
     * @return false if there is no such job or it is not failed
     */
    public boolean retry(String queue, String id) {
        requireQueue(queue);
        boolean moved = jobs.retry(queue, id);
        if (moved) {
            log.info("Dashboard: retried failed job {} of BullMQ queue {}", id, queue);
        }
        return moved;
    }

    /** Retries the failed jobs of a queue, at most {@link #RETRY_ALL_LIMIT} per call, oldest first. */
    public RetryAll retryAll(String queue) {
        requireQueue(queue);
        List<BullMqJobInfo> failed = new ArrayList<>(jobs.jobs(queue, BullMqState.FAILED, 0, RETRY_ALL_LIMIT - 1));
        failed.sort(Comparator.comparing(j -> j.finishedOn() == null ? 0L : j.finishedOn()));
        int retried = 0;
        for (BullMqJobInfo job : failed) {
            if (jobs.retry(queue, job.id())) {
                retried++;
            }
        }
        long remaining = jobs.counts(queue).getOrDefault(BullMqState.FAILED, 0L);
        log.info("Dashboard: retried {} failed jobs of BullMQ queue {} ({} left failed)", retried, queue, remaining);
        return new RetryAll(queue, retried, remaining);
    }

    /**
     * True if the queue is one the routes write to or one found in Redis (it has a {@code meta}
     * hash). The queue actions answer "not found" for any other name, so a typo never creates a
     * queue.
     */
    public boolean knows(String queue) {
        requireQueue(queue);
        return jobSinks.queues().contains(queue) || scheduleSinks.queues().contains(queue) || jobs.exists(queue);
    }

    /**
     * Pauses a queue as BullMQ's {@code Queue.pause()}: its workers (BullMQ 5 or 6) take no new
     * job until it is resumed. See {@link BullMqQueues#pause(String)}.
     *
     * @return true if it was running, false if it was paused already
     */
    public boolean pauseQueue(String queue) {
        requireKnownQueue(queue);
        boolean changed = jobs.pause(queue);
        log.info("Dashboard: paused BullMQ queue {}{}", queue, changed ? "" : " (it was paused already)");
        return changed;
    }

    /** Resumes a queue as BullMQ's {@code Queue.resume()}; true if it was paused. */
    public boolean resumeQueue(String queue) {
        requireKnownQueue(queue);
        boolean changed = jobs.resume(queue);
        log.info("Dashboard: resumed BullMQ queue {}{}", queue, changed ? "" : " (it was not paused)");
        return changed;
    }

    /**
     * Removes completed or failed jobs that finished more than {@code olderThan} ago, oldest first,
     * at most {@code limit} (1..{@link #CLEAN_LIMIT}) of them, as BullMQ's {@code Queue.clean}.
     *
     * @return the ids removed
     */
    public List<String> clean(String queue, BullMqState state, Duration olderThan, int limit) {
        requireQueue(queue);
        if (state != BullMqState.COMPLETED && state != BullMqState.FAILED) {
            throw new IllegalArgumentException("Only completed or failed jobs can be cleaned");
        }
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThanSeconds must be 0 or more");
        }
        if (limit < 1 || limit > CLEAN_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + CLEAN_LIMIT);
        }
        requireKnownQueue(queue);
        List<String> removed = jobs.clean(queue, state, olderThan, limit);
        log.info(
                "Dashboard: cleaned {} {} jobs older than {} from BullMQ queue {}",
                removed.size(),
                state.nodeName(),
                olderThan,
                queue);
        return removed;
    }

    /**
     * Runs a delayed job now, as BullMQ's {@code job.promote()}. The answer says whether it was
     * promoted, not found, or in which other state it is (it moved meanwhile).
     */
    public BullMqActionResult promote(String queue, String id) {
        requireQueue(queue);
        BullMqActionResult result = jobs.promoteJob(queue, id);
        if (result.done()) {
            log.info("Dashboard: promoted delayed job {} of BullMQ queue {}", id, queue);
        }
        return result;
    }

    /**
     * Log lines {@code start..end} of a job (inclusive; {@code end = -1} to the last), at most
     * {@link #MAX_LOG_LINES}, and its line count, as BullMQ's {@code Queue.getJobLogs}.
     */
    public BullMqJobLogs logs(String queue, String id, long start, long end) {
        requireQueue(queue);
        if (start < 0 || end < -1 || (end >= 0 && end < start)) {
            throw new IllegalArgumentException("Need 0 <= start <= end, or end = -1");
        }
        long last = start + MAX_LOG_LINES - 1;
        return jobs.logs(queue, id, start, end < 0 ? last : Math.min(end, last));
    }

    /**
     * Jobs whose id is the text, in every queue; then the jobs the router wrote for the event with
     * this id: their ids are {@code <escaped event id>.<job name>[.<index>]} (see {@link JobIds}),
     * so they are found by id prefix and kept only if the rest of the id is their own name (and
     * index). That look at the job's name keeps event {@code a} from matching jobs of event
     * {@code a.b}. At most {@link #SEARCH_LIMIT} hits.
     */
    public List<SearchHit> search(String text) {
        String query = text == null ? "" : text.strip();
        if (query.isEmpty()) {
            return List.of();
        }
        if (query.length() > MAX_QUERY_LENGTH) {
            throw new IllegalArgumentException("The search text is longer than " + MAX_QUERY_LENGTH);
        }
        Map<String, SearchHit> hits = new LinkedHashMap<>();
        for (BullMqJobInfo job : jobs.findJob(query)) {
            hits.put(job.queue() + ':' + job.id(), new SearchHit("job-id", JobView.of(job)));
        }
        String prefix = JobIds.escape(query) + ".";
        for (BullMqJobInfo job : jobs.findJobsByIdPrefix(prefix, SEARCH_LIMIT * 4)) {
            if (hits.size() >= SEARCH_LIMIT) {
                break;
            }
            String rest = job.id().substring(prefix.length());
            String name = job.name() == null ? "" : job.name();
            boolean ofThisEvent = rest.equals(name)
                    || (rest.startsWith(name)
                            && INDEX.matcher(rest.substring(name.length())).matches());
            if (ofThisEvent) {
                hits.putIfAbsent(job.queue() + ':' + job.id(), new SearchHit("event-id", JobView.of(job)));
            }
        }
        return List.copyOf(hits.values());
    }

    /** RabbitMQ depths by short queue name, as last read by {@link QueueDepths} (every 10 s). */
    public Map<String, Long> rabbitDepths() {
        return new TreeMap<>(depths.rabbitDepths());
    }

    /** Reads every depth now (RabbitMQ and BullMQ gauges). */
    public void refreshDepths() {
        depths.refresh();
    }

    public DeadLetterPage deadLetters(int page, int size) {
        return deadLetters(DeadLetterQuery.ALL, page, size);
    }

    /** A page of the dead letters this query matches, newest first. */
    public DeadLetterPage deadLetters(DeadLetterQuery query, int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page must be >= 0 and size 1.." + MAX_PAGE_SIZE);
        }
        return new DeadLetterPage(page, size, deadLetters.count(query), deadLetters.list(query, page, size));
    }

    /** One dead letter with its record's headers. */
    public Optional<DeadLetters.Detail> deadLetter(String id) {
        return deadLetters.detail(id);
    }

    /**
     * A route's definition as loaded: the YAML (or other) file it came from, and its text; empty
     * when no loaded route has this id.
     *
     * @param location the file, or null for a route built in Java
     * @param source the file's text, or null when it cannot be read
     */
    public record RouteSource(String id, String location, String source) {}

    public Optional<RouteSource> routeSource(String id) {
        if (id == null) {
            return Optional.empty();
        }
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(id);
        if (definition == null) {
            return Optional.empty();
        }
        Resource resource = definition.getResource();
        if (resource == null) {
            return Optional.of(new RouteSource(id, null, null));
        }
        String text;
        try (java.io.InputStream in = resource.getInputStream()) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            log.warn(
                    "Dashboard: cannot read the source of route {} ({}): {}", id, resource.getLocation(), e.toString());
            text = null;
        }
        return Optional.of(new RouteSource(id, resource.getLocation(), text));
    }

    /** A job's log lines (its processor's {@code job.log()}), oldest first; at most 1,000. */
    public List<String> jobLogs(String queue, String id) {
        return logs(queue, id, 0, MAX_LOG_LINES - 1).logs();
    }

    /** The flow map of the routes loaded now. */
    public FlowMap flowMap() {
        return FlowMap.of(camel);
    }

    public List<DeadLetters.Outcome> redrive(String id, DeadLetters.Scope scope) {
        return deadLetters
                .redrive(List.of(id), scope == null ? DeadLetters.Scope.LEG : scope, false, false)
                .outcomes();
    }

    /** The Camel routes with their status and exchange counts (null counts when JMX is off). */
    public List<RouteView> routes() {
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        List<RouteView> views = new ArrayList<>();
        List<Route> routes = new ArrayList<>(camel.getRoutes());
        routes.sort(Comparator.comparing(Route::getRouteId));
        for (Route route : routes) {
            String id = route.getRouteId();
            ServiceStatus status = camel.getRouteController().getRouteStatus(id);
            ManagedRouteMBean mbean = managed == null ? null : managed.getManagedRoute(id);
            views.add(new RouteView(
                    id,
                    status == null ? "Unknown" : status.name(),
                    route.getEndpoint() == null ? null : route.getEndpoint().getEndpointUri(),
                    mbean == null ? null : mbean.getExchangesTotal(),
                    mbean == null ? null : mbean.getExchangesFailed(),
                    mbean == null ? null : (long) mbean.getExchangesInflight()));
        }
        return views;
    }

    public Optional<RouteView> route(String id) {
        return routes().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Suspends a route (its consumer stops taking events; in-flight ones finish). */
    public RouteView suspend(String id) throws Exception {
        requireRoute(id);
        camel.getRouteController().suspendRoute(id);
        log.info("Dashboard: suspended route {}", id);
        return route(id).orElseThrow();
    }

    public RouteView resume(String id) throws Exception {
        requireRoute(id);
        camel.getRouteController().resumeRoute(id);
        log.info("Dashboard: resumed route {}", id);
        return route(id).orElseThrow();
    }

    private void requireRoute(String id) {
        if (id == null || camel.getRoute(id) == null) {
            throw new NotFoundException("No route " + id);
        }
    }

    private void requireKnownQueue(String queue) {
        if (!knows(queue)) {
            throw new NotFoundException("No BullMQ queue " + queue);
        }
    }

    private void requireQueue(String queue) {
        if (queue == null || queue.isEmpty() || queue.indexOf(':') >= 0 || queue.length() > MAX_QUERY_LENGTH) {
            throw new IllegalArgumentException("A queue name without ':' is required");
        }
    }

    public static BullMqState state(String name) {
        for (BullMqState state : STATES) {
            if (state.nodeName().equals(name)) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown state '" + name + "'; one of " + stateNames());
    }

    private static Set<String> stateNames() {
        Set<String> names = new LinkedHashSet<>();
        STATES.forEach(s -> names.add(s.nodeName()));
        return names;
    }

    /** A queue, job or route that does not exist: 404. */
    public static class NotFoundException extends RuntimeException {
        public NotFoundException(String message) {
            super(message);
        }
    }
}
