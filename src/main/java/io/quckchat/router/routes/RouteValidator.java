package io.quckchat.router.routes;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.fanout.EventReader;
import io.quckchat.router.fanout.EventSchemas;
import io.quckchat.router.fanout.FanoutRouteConfiguration;
import io.quckchat.router.fanout.RetryPolicy;
import io.quckchat.router.jobs.BullMqSinkComponent;
import io.quckchat.router.jobs.ScheduleSinkComponent;
import io.quckchat.router.jobs.SchedulesRouteConfiguration;
import io.quckchat.router.rabbitmq.RabbitMqSinkComponent;
import io.quckchat.router.rabbitmq.RabbitTopology;
import io.quckchat.router.source.ChatEventsComponent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.FileSystemResource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Checks route files without any broker: YAML syntax, every endpoint known and its options valid,
 * jq expressions that compile, every route with an id and an existing route configuration, and a
 * fan-out route's id equal to its file's stem and to its topic ({@code message.sent} →
 * {@code message-sent}). Run it with {@code ./mvnw -B -q compile exec:java@validate-routes}; it
 * prints one line per problem and exits 1 if there is any.
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
            context.setAutoStartup(false);
            context.getPropertiesComponent().setInitialProperties(properties(settings));
            registerRouterParts(context);
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
        }
        return problems;
    }

    /** The router's components and route configurations, built without connecting to anything. */
    private static void registerRouterParts(CamelContext context) throws Exception {
        RetryPolicy policy = new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0);
        RabbitTopology topology =
                new RabbitTopology(new RouterProperties.Rabbitmq("amqp://localhost", "quckchat", "quckchat.events", 1));
        context.addComponent("chat-events", new ChatEventsComponent(null, null));
        context.addComponent("rabbitmq-sink", new RabbitMqSinkComponent(null, topology, policy));
        context.addComponent("bullmq-sink", new BullMqSinkComponent(null, policy));
        // a client that is never used: nothing here connects to Redis
        BullMqClient idle = new BullMqClient(new LettuceConnectionFactory(), BullMqClient.DEFAULT_PREFIX);
        context.addComponent("schedule-sink", new ScheduleSinkComponent(idle));
        context.addComponent("bullmq", new BullMqComponent(idle));
        for (RouteConfigurationBuilder configuration : List.of(
                new FanoutRouteConfiguration(new EventReader(EventSchemas.NONE, policy), null),
                new SchedulesRouteConfiguration())) {
            context.addRoutesConfigurations(configuration);
        }
    }

    private static Properties properties(Path settings) {
        if (!Files.exists(settings)) {
            return new Properties();
        }
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new FileSystemResource(settings));
        return yaml.getObject();
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

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root == error ? error.getMessage() : error.getMessage() + " (cause: " + root.getMessage() + ")";
        return message == null ? error.getClass().getName() : message.replaceAll("\\s+", " ");
    }
}
