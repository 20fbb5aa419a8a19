package io.quckchat.router.routes;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.router.deadletter.DeadLetter;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.fanout.EventReader;
import io.quckchat.router.fanout.EventSchemas;
import io.quckchat.router.fanout.FanoutRouteConfiguration;
import io.quckchat.router.jobs.BullMqSinkComponent;
import io.quckchat.router.jobs.BullMqSinkEndpoint;
import io.quckchat.router.jobs.ScheduleSinkComponent;
import io.quckchat.router.jobs.ScheduleSinkEndpoint;
import io.quckchat.router.jobs.SchedulesRouteConfiguration;
import io.quckchat.router.rabbitmq.RabbitMqSinkComponent;
import io.quckchat.router.rabbitmq.RabbitMqSinkEndpoint;
import io.quckchat.router.rabbitmq.RabbitMqTopology;
import io.quckchat.router.source.ChatEventRoutes;
import io.quckchat.router.source.ChatEventsComponent;
import io.quckchat.router.source.ChatEventsConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The router's routes with their sinks recording instead of sending: route tests and the routing
 * simulator run an event through the real {@code chat-events} consumer, the real {@code fanout}
 * route configuration (reading, schema check, dead letter of a failing event) and the real sink
 * endpoints, which build their legs exactly as in the router. There it stops: the legs are not
 * dispatched, so nothing is sent, the ledger is not read and no metric counts them. {@link
 * Simulation} shows each leg as its lane would send it.
 *
 * <p>Routes that start from anything but {@code chat-events} (the schedules' {@code quartz:}) start
 * from {@code direct:<route id>} here instead (Camel's AdviceWith), so that a test fires them for
 * an instant of its choice ({@link #fire}) and no timer fires by itself. Any endpoint that is not a
 * sink is mocked and skipped (Camel's {@code mockEndpointsAndSkip}).
 */
public final class RouteSandbox implements ChatEventRoutes {

    /**
     * Endpoints other than the router's sinks (a stock {@code kafka:} or {@code spring-rabbitmq:}
     * producer someone put in a route) are skipped: a simulation must never send.
     */
    private static final String NOT_A_SINK = "^(?!(rabbitmq-sink|bullmq-sink|schedule-sink|direct):).*";

    /** Exchange property: the jobs the schedule sinks of one firing recorded. */
    private static final String SLOT_JOBS = "QuckChatSandboxSlotJobs";

    /** What the sinks need to build their legs: the router's settings, no connection. */
    public record Parts(RabbitMqTopology topology, BullMqClient jobs, EventSchemas schemas, RetryPolicy policy) {}

    private final CamelContext context;
    private final Parts parts;
    private final Map<String, ChatEventsConsumer> byTopic = new ConcurrentHashMap<>();
    /** Why the route rejected an event, while {@link #simulate} runs it. */
    private final Map<ChatEvent, Throwable> rejections = new ConcurrentHashMap<>();

    private RouteSandbox(CamelContext context, Parts parts) {
        this.context = context;
        this.parts = parts;
    }

    /**
     * Adds the router's components and route configurations to a context that is not started yet,
     * with the sinks recording. Routes loaded into it start only through {@link #startRoutes()}.
     */
    public static RouteSandbox install(CamelContext context, Parts parts) throws Exception {
        RouteSandbox sandbox = new RouteSandbox(context, parts);
        context.setAutoStartup(false);
        context.addComponent("chat-events", new ChatEventsComponent(sandbox, sandbox::reject));
        context.addComponent("rabbitmq-sink", new RabbitMqSinkComponent(NOT_SENT, parts.topology(), parts.policy()));
        context.addComponent("bullmq-sink", new BullMqSinkComponent(NOT_SENT, parts.policy()));
        context.addComponent("schedule-sink", new ScheduleSinkComponent(sandbox::recordSlotJob));
        // a stock bullmq: endpoint gets a client that is never connected (it is skipped anyway)
        context.addComponent(
                "bullmq",
                new BullMqComponent(new BullMqClient(
                        new LettuceConnectionFactory(), parts.jobs().prefix())));
        context.addRoutesConfigurations(
                new FanoutRouteConfiguration(new EventReader(parts.schemas(), parts.policy()), sandbox::reject));
        context.addRoutesConfigurations(new SchedulesRouteConfiguration());
        return sandbox;
    }

    public CamelContext context() {
        return context;
    }

    /** Loads the routes of one file; they start with {@link #startRoutes()}. */
    public void load(Resource resource) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
    }

    /** Stops and removes the routes that came from this file (before loading it again). */
    public void unload(String location) throws Exception {
        for (RouteDefinition route : List.copyOf(model().getRouteDefinitions())) {
            if (route.getResource() != null
                    && location.equals(route.getResource().getLocation())) {
                context.getRouteController().stopRoute(route.getRouteId());
                context.removeRoute(route.getRouteId());
                model().removeRouteDefinition(route);
            }
        }
    }

    /**
     * Starts the loaded routes that are not started yet, those that do not start from {@code
     * chat-events} from {@code direct:<route id>}.
     */
    public void startRoutes() throws Exception {
        for (RouteDefinition route : List.copyOf(model().getRouteDefinitions())) {
            String id = route.getRouteId();
            if (context.getRouteController().getRouteStatus(id) == ServiceStatus.Started) {
                continue;
            }
            boolean fanout = route.getInput().getEndpointUri().startsWith("chat-events:");
            AdviceWith.adviceWith(context, id, false, advice -> {
                if (!fanout) {
                    advice.replaceFromWith("direct:" + id);
                }
                advice.mockEndpointsAndSkip(NOT_A_SINK);
            });
            context.getRouteController().startRoute(id);
        }
    }

    private ModelCamelContext model() {
        return (ModelCamelContext) context;
    }

    /** The topics consumed by the started routes. */
    public Set<String> topics() {
        return new TreeSet<>(byTopic.keySet());
    }

    /** The id of the started route that consumes a topic. */
    public Optional<String> routeOf(String topic) {
        return Optional.ofNullable(byTopic.get(topic)).map(ChatEventsConsumer::getRouteId);
    }

    /** The topic a started route consumes; empty for a route that does not start from {@code chat-events}. */
    public Optional<String> topicOf(String routeId) {
        return byTopic.values().stream()
                .filter(consumer -> routeId.equals(consumer.getRouteId()))
                .map(ChatEventsConsumer::topic)
                .findFirst();
    }

    /**
     * A place a route can deliver to: {@code rabbitmq} and a queue's short name, or {@code bullmq},
     * a queue and a job name.
     */
    public record Destination(String kind, String queue, String jobName) {
        @Override
        public String toString() {
            return jobName == null ? kind + " " + queue : kind + " " + queue + " / " + jobName;
        }
    }

    /** Where a loaded route can deliver to, from its sink endpoints (whatever its filters decide). */
    public Set<Destination> destinations(String routeId) {
        RouteDefinition route = model().getRouteDefinition(routeId);
        if (route == null) {
            throw new IllegalArgumentException("no route " + routeId);
        }
        return destinations(context, route);
    }

    /**
     * Where a route of this context can deliver to, from its sink endpoints (whatever its filters
     * decide): the sandbox's routes, and the router's own for the dashboard's flow map.
     */
    public static Set<Destination> destinations(CamelContext context, RouteDefinition route) {
        Set<Destination> destinations = new LinkedHashSet<>();
        for (SendDefinition<?> send :
                ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), SendDefinition.class)) {
            Endpoint endpoint = context.getEndpoint(send.getEndpointUri());
            if (endpoint instanceof RabbitMqSinkEndpoint rabbit) {
                destinations.add(new Destination("rabbitmq", rabbit.getQueue(), null));
            } else if (endpoint instanceof BullMqSinkEndpoint job) {
                destinations.add(new Destination("bullmq", job.getQueue(), job.getJobName()));
            } else if (endpoint instanceof ScheduleSinkEndpoint slot) {
                destinations.add(new Destination("bullmq", slot.getQueue(), slot.getJobName()));
            }
        }
        return destinations;
    }

    /**
     * What the route of {@code topic} does with this record: as if it had been read from partition 0
     * at offset 0 (its event id is the {@code ce_id} header, else {@code <topic>-0-0}).
     *
     * @param value the record value as produced
     * @param key the record key, or null
     * @param headers record headers, e.g. {@code ce_id}
     * @throws IllegalArgumentException when no started route consumes the topic
     */
    public Simulation simulate(String topic, byte[] value, String key, Map<String, String> headers) {
        ChatEventsConsumer route = byTopic.get(topic);
        if (route == null) {
            throw new IllegalArgumentException("no route consumes topic '" + topic + "'");
        }
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                topic,
                0,
                0L,
                System.currentTimeMillis(),
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                recordHeaders,
                Optional.empty());
        ChatEvent event = route.route(record);
        Throwable rejection = rejections.remove(event);
        return Simulation.of(event, event.legs(), rejection, parts);
    }

    /**
     * What a route that does not start from {@code chat-events} (a schedule) does when it fires for
     * this instant: the jobs its schedule sinks would add.
     */
    public Simulation fire(String routeId, Instant at) {
        if (context.getRoute(routeId) == null) {
            throw new IllegalArgumentException("no route " + routeId);
        }
        if (topicOf(routeId).isPresent()) {
            throw new IllegalArgumentException("route " + routeId + " consumes chat events: give it an event");
        }
        List<BullMqJob> jobs = Collections.synchronizedList(new ArrayList<>());
        Exchange done = context.createProducerTemplate().send("direct:" + routeId, exchange -> {
            exchange.setProperty(SLOT_JOBS, jobs);
            exchange.getMessage().setHeader(ScheduleSinkEndpoint.SCHEDULED_FIRE_TIME, Date.from(at));
        });
        Throwable failure = done.getException() != null
                ? done.getException()
                : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return Simulation.ofSlot(routeId, jobs, failure, parts);
    }

    private String recordSlotJob(Exchange exchange, BullMqJob job) {
        @SuppressWarnings("unchecked")
        List<BullMqJob> jobs = exchange.getProperty(SLOT_JOBS, List.class);
        String id = parts.jobs().preview(job).id(); // refuses what an add would refuse
        if (jobs != null) {
            jobs.add(job);
        }
        return id;
    }

    /** As the dead-letter lane does, without its log line: the event's only leg becomes its dead letter. */
    private void reject(ChatEvent event, Throwable cause, Class<?> rejectedBy) {
        rejections.put(event, cause);
        event.replaceLegs(DeadLetter.ofEvent(event, NOT_SENT, cause, rejectedBy, parts.policy()));
    }

    // ChatEventRoutes: started chat-events routes register here instead of with a Kafka consumer.

    @Override
    public void register(ChatEventsConsumer route) {
        ChatEventsConsumer previous = byTopic.putIfAbsent(route.topic(), route);
        if (previous != null && previous != route) {
            throw new IllegalStateException("Topic " + route.topic() + " is already consumed by route "
                    + previous.getRouteId() + "; one route per topic");
        }
        route.setExceptionHandler(QUIET); // the simulation reports what went wrong
    }

    @Override
    public void unregister(ChatEventsConsumer route) {
        byTopic.remove(route.topic(), route);
    }

    @Override
    public void pause(String topic, boolean pause) {}

    /** A route failing on a simulated event is no incident of the router: nothing to log. */
    private static final ExceptionHandler QUIET = new ExceptionHandler() {
        @Override
        public void handleException(Throwable exception) {}

        @Override
        public void handleException(String message, Throwable exception) {}

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {}
    };

    /** The destination of the sandbox's legs: they are shown, never dispatched. */
    private static final Leg.Destination NOT_SENT = new Leg.Destination() {
        @Override
        public String name() {
            return "sandbox";
        }

        @Override
        public void submit(Leg leg) {
            throw new IllegalStateException("A route sandbox sends nothing: " + leg.describe());
        }
    };

    /** Routes of the context by the file they came from. */
    static Map<String, List<Route>> routesByLocation(CamelContext context) {
        Map<String, List<Route>> byLocation = new HashMap<>();
        for (Route route : context.getRoutes()) {
            Resource resource = route.getSourceResource();
            if (resource != null) {
                byLocation
                        .computeIfAbsent(resource.getLocation(), location -> new ArrayList<>())
                        .add(route);
            }
        }
        byLocation.values().forEach(routes -> routes.sort(Comparator.comparing(Route::getRouteId)));
        return byLocation;
    }
}
