package io.quckchat.router.routes;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.delivery.RetryPolicies;
import io.quckchat.router.fanout.EventSchemas;
import io.quckchat.router.rabbitmq.RabbitMqTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The router's settings for a sandbox outside the running router (route tests, the route
 * validator): {@code config/application.yml} with the environment's variables over it, resolved
 * the way Spring Boot resolves them, and the sink parts built from them without connecting.
 */
public final class SandboxSettings {

    private SandboxSettings() {}

    /** {@code config/application.yml} (if it exists) under the process's environment and system properties. */
    public static ConfigurableEnvironment load(Path applicationYml) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.setConversionService(new ApplicationConversionService()); // "1s" as a Duration, as Boot reads it
        if (Files.exists(applicationYml)) {
            new YamlPropertySourceLoader()
                    .load(applicationYml.toString(), new FileSystemResource(applicationYml))
                    .forEach(source -> environment.getPropertySources().addLast(source));
        }
        return environment;
    }

    /** The router's typed settings, bound from these, as the router binds them. */
    public static RouterProperties bind(Environment settings) {
        return Binder.get(settings)
                .bind("quckchat", RouterProperties.class)
                .orElseThrow(() -> new IllegalStateException("no quckchat settings: is config/application.yml there?"));
    }

    /** The sink parts of these settings: queue prefix and exchange, BullMQ prefix, leg retry policy. */
    public static RouteSandbox.Parts parts(RouterProperties settings, EventSchemas schemas) {
        // a client that is never connected: it only builds jobs (BullMqClient#preview)
        BullMqClient jobs = new BullMqClient(
                new LettuceConnectionFactory(), settings.bullmq().prefix());
        return new RouteSandbox.Parts(
                new RabbitMqTopology(settings.rabbitmq()), jobs, schemas, RetryPolicies.legs(settings.delivery()));
    }

    /** Route placeholders ({@code {{quckchat.schedules.daily-usage.cron}}}) resolve from these settings. */
    public static void useProperties(CamelContext context, Environment settings) {
        context.getPropertiesComponent().addPropertiesSource(new PropertiesSource() {
            @Override
            public String getName() {
                return "quckchat-settings";
            }

            @Override
            public String getProperty(String name) {
                return settings.getProperty(name);
            }
        });
    }
}
