package io.quckchat.router.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.support.TestBrokers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the stack is checked by reading it: every setting the router
 * needs is set and valid, and every host, port and service name points where it should.
 */
class ComposeFileTest {

    /** docs/contract.md §2, plus the admin password the admin surfaces need. */
    private static final List<String> ROUTER_VARIABLES = List.of(
            "KAFKA_BROKERS",
            "KAFKA_CLIENT_ID",
            "KAFKA_GROUP_ID",
            "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_USERNAME",
            "KAFKA_SASL_PASSWORD",
            "RABBITMQ_URL",
            "RABBITMQ_QUEUE_PREFIX",
            "RABBITMQ_EXCHANGE",
            "REDIS_HOST",
            "REDIS_PORT",
            "BULL_BOARD_ENABLED",
            "BULL_BOARD_PATH",
            "ADMIN_PASSWORD");

    private static Map<String, Object> services;
    private static Map<String, String> router;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
        router = new HashMap<>();
        ((Map<String, Object>) service("router").get("environment"))
                .forEach((name, value) -> router.put(name, interpolate(String.valueOf(value))));
    }

    @Test
    void theStackHasItsServices() {
        assertThat(services)
                .containsKeys("kafka", "kafka-topics", "rabbitmq", "redis", "router", "prometheus", "grafana");
        assertThat(service("router").get("build")).isEqualTo(".");
        assertThat(String.valueOf(service("router").get("depends_on"))).contains("kafka-topics", "rabbitmq", "redis");
    }

    @Test
    void everyVariableTheRouterNeedsIsSetAndValid() throws Exception {
        assertThat(router).containsKeys(ROUTER_VARIABLES.toArray(String[]::new));
        // Bind them exactly as the router does: config/application.yml under the compose environment.
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new FileSystemResource("config/application.yml"));
        Properties defaults = yaml.getObject();
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new PropertiesPropertySource("application.yml", defaults));
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(router)));
        RouterProperties properties =
                Binder.get(environment).bind("quckchat", RouterProperties.class).get();
        properties.validate();
        assertThat(properties.admin().enabled()).as("admin surfaces usable").isTrue();
        assertThat(properties.ingress().tokens()).isNotEmpty();
    }

    @Test
    void hostsAndPortsPointAtTheirServices() {
        String[] kafka = router.get("KAFKA_BROKERS").split(":");
        assertThat(kafka[0]).isEqualTo("kafka");
        assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://kafka:" + kafka[1]);
        assertThat(env("kafka").get("KAFKA_LISTENERS")).contains("PLAINTEXT://:" + kafka[1]);

        URI rabbit = URI.create(router.get("RABBITMQ_URL"));
        assertThat(rabbit.getHost()).isEqualTo("rabbitmq");
        assertThat(ports("rabbitmq")).contains(rabbit.getPort() + ":" + rabbit.getPort());
        assertThat(rabbit.getUserInfo())
                .isEqualTo(env("rabbitmq").get("RABBITMQ_DEFAULT_USER") + ":"
                        + env("rabbitmq").get("RABBITMQ_DEFAULT_PASS"));

        assertThat(router.get("REDIS_HOST")).isEqualTo("redis");
        assertThat(ports("redis")).contains(router.get("REDIS_PORT") + ":6379");
        assertThat(String.valueOf(service("redis").get("command"))).contains("noeviction");

        assertThat(ports("router")).contains("8080:8080");
    }

    @Test
    void prometheusScrapesTheRouterWithTheAdminCredentialsAndGrafanaReadsPrometheus() throws Exception {
        String prometheus = Files.readString(Path.of("ops/prometheus/prometheus.yml"));
        assertThat(prometheus).contains("metrics_path: /actuator/prometheus").contains("\"router:8080\"");
        assertThat(prometheus).contains("password_file: /run/secrets/admin_password");
        assertThat(String.valueOf(service("prometheus").get("secrets"))).contains("admin_password");
        assertThat(ports("prometheus")).contains("9090:9090");
        assertThat(Files.readString(Path.of("ops/grafana/provisioning/datasources/prometheus.yml")))
                .contains("url: http://prometheus:9090");
        assertThat(Files.list(Path.of("ops/grafana/dashboards")).map(Path::toString))
                .anyMatch(name -> name.endsWith(".json"));
    }

    @Test
    void kafkaTopicsOfTheContractAreCreated() {
        String command = String.valueOf(service("kafka-topics").get("command"));
        for (String topic : TestBrokers.TOPICS) {
            assertThat(command).contains(topic);
        }
    }

    @Test
    void theImageRunsAsNonRootWithAHealthCheck() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile)
                .contains("FROM eclipse-temurin:17-jre")
                .contains("USER 10001")
                .contains("HEALTHCHECK");
        assertThat(dockerfile).contains("EXPOSE 8080").contains("/actuator/health/liveness");
    }

    @Test
    void theImageStartsTheRouterWithTheShippedJvmOptions() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile)
                .contains("COPY config /app/config")
                .contains("ENTRYPOINT [\"java\", \"@/app/config/jvm.options\", \"-jar\", \"/app/router.jar\"]");
        assertThat(Files.readAllLines(Path.of("config", "jvm.options")))
                .as("config/jvm.options bounds the heap for the 512 MB budget")
                .contains("-Xmx256m");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String name) {
        Map<String, String> values = new HashMap<>();
        ((Map<String, Object>) service(name).get("environment")).forEach((k, v) -> values.put(k, String.valueOf(v)));
        return values;
    }

    private static List<String> ports(String name) {
        @SuppressWarnings("unchecked")
        List<Object> ports = (List<Object>) service(name).get("ports");
        return ports.stream().map(String::valueOf).toList();
    }

    /** Compose interpolation as `docker compose up` would do it with the documented variables set. */
    private static String interpolate(String value) {
        Matcher matcher = Pattern.compile("\\$\\{(\\w+)(:[-?][^}]*)?}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = switch (name) {
                case "ADMIN_PASSWORD" -> "compose-admin-password";
                case "INGRESS_TOKEN" -> "compose-ingress-token-0123456789";
                default -> throw new IllegalStateException("Unexpected compose variable " + name);
            };
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
