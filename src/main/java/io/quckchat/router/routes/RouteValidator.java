package io.quckchat.router.routes;

import io.quckchat.router.fanout.EventSchemas;
import io.quckchat.router.fanout.FanoutRouteConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.EnrichDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.PollEnrichDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Checks route files without any broker: YAML syntax, every endpoint known and its options valid,
 * jq expressions that compile, every route with an id and an existing route configuration, and a
 * fan-out route's id equal to its file's stem and to its topic ({@code message.sent} →
 * {@code message-sent}), and a fan-out route that sends anywhere but through its sinks. Run it
 * with {@code ./mvnw -B -q compile exec:java@validate-routes}; it prints one line per problem and
 * exits 1 if there is any.
 */
public final class RouteValidator {

    private static final String SUFFIX = ".camel.yaml";

    private RouteValidator() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path directory = Paths.get(args.length > 0 ? args[0] : "routes");
        List<String> problems = validate(directory, Paths.get("config/application.yml"));
        if (problems.isEmpty()) {
            System.out.println("Routes OK: " + count(directory) + " file(s) in " + directory);
        } else {
            problems.forEach(problem -> System.out.println("ERROR " + problem));
            System.exit(1);
        }
    }

    /** Problems found in the route files of a folder, one line each; empty when all is well. */
    public static List<String> validate(Path directory, Path settings) throws Exception {
        List<String> problems = new ArrayList<>();
        List<Path> files = files(directory);
        if (files.isEmpty()) {
            problems.add(directory + ": no *" + SUFFIX + " files");
            return problems;
        }
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.disableJMX();
            ConfigurableEnvironment environment = SandboxSettings.load(settings);
            SandboxSettings.useProperties(context, environment);
            // the router's components and route configurations, connecting to nothing; routes never start
            RouteSandbox.install(context, SandboxSettings.parts(SandboxSettings.bind(environment), EventSchemas.NONE));
            context.start();
            for (Path file : files) {
                int before = context.getRoutes().size();
                try {
                    PluginHelper.getRoutesLoader(context)
                            .loadRoutes(ResourceHelper.resolveResource(context, "file:" + file.toAbsolutePath()));
                } catch (Exception e) {
                    problems.add(file + ": " + rootMessage(e));
                    continue;
                }
                if (context.getRoutes().size() == before) {
                    problems.add(file + ": defines no route");
                }
            }
            for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
                problems.addAll(checkRoute(context, route));
            }
        }
        return problems;
    }

    private static List<String> checkRoute(CamelContext context, RouteDefinition route) {
        List<String> problems = new ArrayList<>();
        String file = route.getResource() == null
                ? "?"
                : route.getResource().getLocation().replaceFirst("^file:", "");
        String stem = Paths.get(file).getFileName().toString().replace(SUFFIX, "");
        String id = route.getRouteId();
        if (id == null || id.isBlank() || !route.hasCustomIdAssigned()) {
            problems.add(file + ": a route has no id");
            return problems;
        }
        String configuration = route.getRouteConfigurationId();
        if (configuration == null || configuration.isBlank()) {
            problems.add(file + ": route " + id + " names no routeConfigurationId");
        } else if (((ModelCamelContext) context).getRouteConfigurationDefinition(configuration) == null) {
            problems.add(file + ": route " + id + " names unknown route configuration '" + configuration + "'");
        }
        String from = route.getInput().getEndpointUri();
        if (from.startsWith("chat-events:")) {
            String topic = from.substring("chat-events:".length()).replaceFirst("\\?.*", "");
            if (!id.equals(stem)) {
                problems.add(file + ": route id " + id + " differs from the file name; use " + stem);
            }
            if (!topic.replace('.', '-').equals(stem)) {
                problems.add(file + ": consumes " + topic + " but is named " + stem + SUFFIX + "; use "
                        + topic.replace('.', '-') + SUFFIX);
            }
            if (!FanoutRouteConfiguration.ID.equals(configuration)) {
                problems.add(file + ": fan-out route " + id + " must use routeConfigurationId: fanout");
            }
            for (String uri : producerUris(route)) {
                String scheme = uri.replaceFirst("^([A-Za-z0-9+.-]+):.*$", "$1");
                if (!FANOUT_SINKS.contains(scheme)) {
                    problems.add(file + ": fan-out route " + id + " sends to " + uri + " itself; a fan-out route"
                            + " delivers through its sinks (" + String.join(", ", FANOUT_SINKS) + "), which the"
                            + " router delivers after the route with retries, per-key order and the ledger. A"
                            + " stock producer here sends during the route, outside all of that (duplicates on"
                            + " replay, the whole event dead-lettered when it fails): see docs/architecture.md");
                }
            }
        }
        return problems;
    }

    /**
     * What a fan-out route may send to: the sinks, which hand legs to the lanes (docs/architecture.md),
     * and {@code log:}, which sends nothing anywhere.
     */
    static final List<String> FANOUT_SINKS = List.of("rabbitmq-sink", "bullmq-sink", "log");

    /** Every endpoint a route sends to: to, toD, wireTap, enrich and pollEnrich, as written. */
    private static List<String> producerUris(RouteDefinition route) {
        List<String> uris = new ArrayList<>();
        for (SendDefinition<?> send :
                ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), SendDefinition.class)) {
            uris.add(send.getEndpointUri());
        }
        for (ToDynamicDefinition send :
                ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ToDynamicDefinition.class)) {
            uris.add(send.getUri());
        }
        for (EnrichDefinition enrich :
                ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), EnrichDefinition.class)) {
            uris.add("enrich:" + enrich.getExpression());
        }
        for (PollEnrichDefinition enrich :
                ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), PollEnrichDefinition.class)) {
            uris.add("pollEnrich:" + enrich.getExpression());
        }
        return uris;
    }

    private static List<Path> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .toList();
        }
    }

    private static long count(Path directory) throws IOException {
        return files(directory).size();
    }

    /** The message of an error and of its root cause, on one line. */
    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root == error ? error.getMessage() : error.getMessage() + " (cause: " + root.getMessage() + ")";
        return message == null ? error.getClass().getName() : message.replaceAll("\\s+", " ");
    }
}
