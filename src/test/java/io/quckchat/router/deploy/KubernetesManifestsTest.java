package io.quckchat.router.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.config.SecretFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * No cluster runs here, so the manifests of deploy/kubernetes are checked by reading them against
 * the router itself: every variable they set is one the router reads, no secret is written into
 * them, the probes, ports and shutdown timing are the router's, and the autoscaler, the disruption
 * budget, the Service and the ServiceMonitor point at the pods and the consumer group they are
 * about. Values that the router or the compose stack already state (the drain timeout, the
 * partition count, the offset reset policy, the heap) are read from there, not repeated here, so
 * that a change on either side that breaks the other fails this test.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy", "kubernetes");
    private static final String EXAMPLE_SECRET = "secret.example.yaml";

    /**
     * docs/contract.md §2, the variables the router reads: each is bound in config/application.yml
     * or, for the {@code *_FILE} ones read by {@code SecretFiles}, documented in the contract
     * ({@link #theVariableListFollowsTheRouter()} keeps this list honest).
     */
    private static final List<String> ROUTER_VARIABLES = List.of(
            "KAFKA_BROKERS",
            "KAFKA_CLIENT_ID",
            "KAFKA_GROUP_ID",
            "KAFKA_SECURITY_PROTOCOL",
            "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_USERNAME",
            "KAFKA_SASL_PASSWORD",
            "KAFKA_SASL_PASSWORD_FILE",
            "KAFKA_TLS_CA_FILE",
            "KAFKA_TLS_CERT_FILE",
            "KAFKA_TLS_KEY_FILE",
            "RABBITMQ_URL",
            "RABBITMQ_PASSWORD_FILE",
            "RABBITMQ_TLS_CA_FILE",
            "RABBITMQ_QUEUE_PREFIX",
            "RABBITMQ_EXCHANGE",
            "REDIS_HOST",
            "REDIS_PORT",
            "REDIS_URL",
            "REDIS_USERNAME",
            "REDIS_PASSWORD",
            "REDIS_PASSWORD_FILE",
            "REDIS_DATABASE",
            "REDIS_TLS",
            "REDIS_TLS_CA_FILE",
            "BULL_BOARD_ENABLED",
            "BULL_BOARD_PATH",
            "ADMIN_USERNAME",
            "ADMIN_PASSWORD",
            "ADMIN_PASSWORD_FILE");

    /** The ingress callers, a list bound from the environment (docs/ingress.md, docs/contract.md §2). */
    private static final Pattern INGRESS_TOKEN_VARIABLE =
            Pattern.compile("QUCKCHAT_INGRESS_TOKENS_\\d+_(NAME|TOKEN|TOKEN_FILE|TOPICS(_\\d+)?)");

    /** Without these the router does not start, or starts against localhost or with its admin surfaces locked. */
    private static final List<String> REQUIRED =
            List.of("KAFKA_BROKERS", "KAFKA_GROUP_ID", "RABBITMQ_URL", "ADMIN_PASSWORD_FILE");

    /** KEDA's spelling of the router's KAFKA_SASL_MECHANISM values. */
    private static final Map<String, String> KEDA_SASL =
            Map.of("plain", "plaintext", "scram-sha-256", "scram_sha256", "scram-sha-512", "scram_sha512");

    private static final String LIVENESS = "/actuator/health/liveness";
    private static final String READINESS = "/actuator/health/readiness";

    /** One parsed manifest and the file it came from, for the assertion messages. */
    private record Manifest(String file, Map<String, Object> yaml) {
        Object at(String path) {
            Object node = yaml;
            for (String key : path.split("\\.")) {
                if (!(node instanceof Map<?, ?> map) || map.get(key) == null) {
                    return fail("%s (%s) has no %s", file, yaml.get("kind"), path);
                }
                node = map.get(key);
            }
            return node;
        }

        String string(String path) {
            return String.valueOf(at(path));
        }

        Map<String, Object> map(String path) {
            return asMap(at(path), file + " " + path);
        }

        List<Object> list(String path) {
            return asList(at(path), file + " " + path);
        }
    }

    private static List<String> resources;
    private static Map<String, Manifest> byKind;
    private static Manifest exampleSecret;
    private static Map<String, Object> container;
    private static Map<String, Object> podSpec;
    private static Map<String, Object> application;

    @BeforeAll
    static void read() throws Exception {
        Map<String, Object> kustomization = asMap(yaml(DIR.resolve("kustomization.yaml")), "kustomization.yaml");
        resources = asList(kustomization.get("resources"), "kustomization.yaml resources").stream()
                .map(String::valueOf)
                .toList();
        byKind = new LinkedHashMap<>();
        for (String resource : resources) {
            Path file = DIR.resolve(resource);
            assertThat(file)
                    .as("kustomization.yaml lists %s, which is not in %s", resource, DIR)
                    .isRegularFile();
            Manifest manifest = new Manifest(resource, asMap(yaml(file), resource));
            String kind = manifest.string("kind");
            Manifest before = byKind.put(kind, manifest);
            assertThat(before)
                    .as("one %s only: %s and %s", kind, before == null ? "" : before.file(), resource)
                    .isNull();
        }
        exampleSecret = new Manifest(EXAMPLE_SECRET, asMap(yaml(DIR.resolve(EXAMPLE_SECRET)), EXAMPLE_SECRET));
        podSpec = manifest("Deployment").map("spec.template.spec");
        List<Object> containers = asList(podSpec.get("containers"), "deployment.yaml containers");
        assertThat(containers).as("the Deployment runs the router alone").hasSize(1);
        container = asMap(containers.get(0), "deployment.yaml container");
        application = asMap(yaml(Path.of("config", "application.yml")), "config/application.yml");
    }

    @Test
    void everyListedManifestExistsAndParsesAndTheSecretIsLeftToTheUser() throws Exception {
        assertThat(byKind)
                .as("kinds in kustomization.yaml's resources")
                .containsKeys(
                        "Deployment",
                        "Service",
                        "ConfigMap",
                        "PodDisruptionBudget",
                        "ServiceMonitor",
                        "ScaledObject",
                        "TriggerAuthentication")
                .doesNotContainKey("Secret");
        assertThat(manifest("Deployment").string("apiVersion")).isEqualTo("apps/v1");
        assertThat(manifest("PodDisruptionBudget").string("apiVersion")).isEqualTo("policy/v1");
        assertThat(manifest("ServiceMonitor").string("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(manifest("ScaledObject").string("apiVersion")).isEqualTo("keda.sh/v1alpha1");
        assertThat(manifest("TriggerAuthentication").string("apiVersion")).isEqualTo("keda.sh/v1alpha1");
        assertThat(resources)
                .as("the example secret holds placeholders: users create their own, it must not be applied")
                .doesNotContain(EXAMPLE_SECRET);
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> unlisted = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") || name.endsWith(".yml"))
                    .filter(name -> !name.equals("kustomization.yaml") && !name.equals(EXAMPLE_SECRET))
                    .filter(name -> !resources.contains(name))
                    .toList();
            assertThat(unlisted)
                    .as("manifests in %s that kustomization.yaml does not list", DIR)
                    .isEmpty();
        }
        assertThat(exampleSecret.string("kind")).isEqualTo("Secret");
    }

    @Test
    void everyVariableTheDeploymentSetsIsOneTheRouterReads() {
        List<String> names = new ArrayList<>(configMapData().keySet());
        names.addAll(env().keySet());
        for (String name : names) {
            assertThat(ROUTER_VARIABLES.contains(name)
                            || INGRESS_TOKEN_VARIABLE.matcher(name).matches())
                    .as("%s is set by the Deployment (env or its ConfigMap) but the router does not read it", name)
                    .isTrue();
        }
        assertThat(configMapData().keySet())
                .as("set both in the ConfigMap and in the container's env (env wins silently)")
                .doesNotContainAnyElementsOf(env().keySet());
        Map<String, Object> all = settings();
        for (String name : REQUIRED) {
            assertThat(all).as("the Deployment does not set %s", name).containsKey(name);
        }
        assertThat(all.containsKey("REDIS_HOST") || all.containsKey("REDIS_URL"))
                .as("the Deployment sets neither REDIS_HOST nor REDIS_URL: the router would use localhost")
                .isTrue();
    }

    @Test
    void theVariableListFollowsTheRouter() throws Exception {
        String applicationYml = Files.readString(Path.of("config", "application.yml"));
        String contract = Files.readString(Path.of("docs", "contract.md"));
        for (String name : ROUTER_VARIABLES) {
            boolean bound = applicationYml.contains("${" + name + ":");
            boolean documentedFile = name.endsWith("_FILE") && contract.contains("`" + name + "`");
            assertThat(bound || documentedFile)
                    .as(
                            "%s is in ROUTER_VARIABLES but neither config/application.yml binds it (${%s:...}) nor"
                                    + " docs/contract.md documents it as a *_FILE variable",
                            name, name)
                    .isTrue();
        }
        String ingress = Files.readString(Path.of("docs", "ingress.md"));
        for (String suffix : List.of("NAME", "TOKEN", "TOPICS")) {
            assertThat(ingress)
                    .as("docs/ingress.md documents the ingress callers' variables")
                    .contains("QUCKCHAT_INGRESS_TOKENS_0_" + suffix + "=");
        }
        assertThat(contract).contains("QUCKCHAT_INGRESS_TOKENS_<n>_TOKEN_FILE");
    }

    @Test
    void noSecretIsWrittenIntoTheManifests() {
        Map<String, Object> literals = new LinkedHashMap<>(configMapData());
        env().forEach((name, value) -> {
            if (value instanceof String literal) {
                literals.put(name, literal);
            }
        });
        literals.forEach((name, value) -> {
            List<String> words = List.of(name.split("_"));
            boolean secretName = (words.contains("PASSWORD") || words.contains("TOKEN")) && !name.endsWith("_FILE");
            assertThat(secretName)
                    .as(
                            "%s is a secret written into the manifests: give it as %s_FILE (a file of the Secret)",
                            name, name)
                    .isFalse();
            String text = String.valueOf(value);
            if (text.contains("://")) {
                String userInfo = URI.create(text.trim()).getUserInfo();
                assertThat(userInfo == null || !userInfo.contains(":"))
                        .as(
                                "%s carries a password in its URL: name the user only and give the password as a file"
                                        + " of the Secret (e.g. RABBITMQ_PASSWORD_FILE)",
                                name)
                        .isTrue();
            }
        });
        for (Map<String, Object> trigger : triggers()) {
            assertThat(asMap(trigger.get("metadata"), "scaledobject.yaml trigger metadata")
                            .keySet())
                    .as("the ScaledObject's trigger metadata carries credentials: use the TriggerAuthentication")
                    .noneMatch(key -> key.equalsIgnoreCase("password") || key.equalsIgnoreCase("username"));
        }
    }

    @Test
    void secretFilesAndReferencesPointIntoTheRoutersSecret() {
        String secretName = exampleSecret.string("metadata.name");
        Map<String, Object> keys = exampleSecret.map("stringData");
        Map<String, Object> volume = secretVolume();
        Map<String, Object> secret = asMap(volume.get("secret"), "the Secret volume");
        assertThat(secret.get("secretName"))
                .as("the Secret volume mounts another Secret than the one %s describes", EXAMPLE_SECRET)
                .isEqualTo(secretName);
        assertThat(secret)
                .as("the Secret volume maps no items: every key becomes a file, as the *_FILE paths assume")
                .doesNotContainKey("items");
        Map<String, Object> mount = mountOf(String.valueOf(volume.get("name")));
        String mountPath = String.valueOf(mount.get("mountPath"));
        assertThat(mount.get("readOnly")).as("the Secret is mounted read-only").isEqualTo(true);
        assertThat(mount)
                .as("the Secret is mounted whole (a subPath mount never sees a rotated Secret:"
                        + " REDIS_PASSWORD_FILE relies on it)")
                .doesNotContainKey("subPath");

        Map<String, Object> settings = settings();
        List<String> files = settings.keySet().stream()
                .filter(name -> name.endsWith("_FILE"))
                .toList();
        assertThat(files)
                .as("the secrets given as files")
                .contains(
                        "ADMIN_PASSWORD_FILE",
                        "KAFKA_SASL_PASSWORD_FILE",
                        "RABBITMQ_PASSWORD_FILE",
                        "REDIS_PASSWORD_FILE",
                        "QUCKCHAT_INGRESS_TOKENS_0_TOKEN_FILE");
        for (String name : files) {
            assertThat(settings.get(name))
                    .as("%s is a file path written in the Deployment, not a reference", name)
                    .isInstanceOf(String.class);
            String path = (String) settings.get(name);
            assertThat(path)
                    .as("%s = %s is not a file of the Secret volume (mounted at %s)", name, path, mountPath)
                    .startsWith(mountPath + "/");
            assertThat(keys)
                    .as("%s = %s names no key of the Secret (%s)", name, path, EXAMPLE_SECRET)
                    .containsKey(path.substring(mountPath.length() + 1));
        }

        env().forEach((name, value) -> {
            if (value instanceof Map<?, ?> from) {
                Map<String, Object> ref =
                        asMap(asMap(from, name + " valueFrom").get("secretKeyRef"), name + " valueFrom.secretKeyRef");
                assertThat(ref.get("name"))
                        .as("%s comes from another Secret", name)
                        .isEqualTo(secretName);
                assertThat(keys)
                        .as("%s: no key %s in the Secret", name, ref.get("key"))
                        .containsKey(String.valueOf(ref.get("key")));
            }
        });
        for (Object ref : manifest("TriggerAuthentication").list("spec.secretTargetRef")) {
            Map<String, Object> target = asMap(ref, "triggerauthentication.yaml secretTargetRef");
            assertThat(target.get("name")).as("KEDA reads another Secret").isEqualTo(secretName);
            assertThat(keys)
                    .as("KEDA: no key %s in the Secret", target.get("key"))
                    .containsKey(String.valueOf(target.get("key")));
        }
    }

    @Test
    void theExampleSecretHoldsPlaceholdersOnly() {
        exampleSecret.map("stringData").forEach((key, value) -> {
            if (key.contains("password") || key.contains("token") || key.contains("url")) {
                assertThat(String.valueOf(value))
                        .as("%s in %s must be an obvious placeholder", key, EXAMPLE_SECRET)
                        .contains("CHANGE-ME");
            }
        });
        assertThat(exampleSecret.yaml())
                .as("%s gives its values as stringData: base64 data would hide what is a placeholder", EXAMPLE_SECRET)
                .doesNotContainKey("data");
    }

    /** As ComposeFileTest does for the compose stack: the settings bind and validate as the router's would. */
    @Test
    void theManifestsMakeAValidRouterConfiguration(@TempDir Path secrets) throws Exception {
        String mountPath = String.valueOf(
                mountOf(String.valueOf(secretVolume().get("name"))).get("mountPath"));
        Map<String, Object> keys = exampleSecret.map("stringData");
        for (Map.Entry<String, Object> key : keys.entrySet()) {
            Files.writeString(secrets.resolve(key.getKey()), key.getValue() + "\n");
        }
        Map<String, Object> variables = new HashMap<>();
        settings().forEach((name, value) -> {
            if (value instanceof Map<?, ?> from) {
                Object key = asMap(asMap(from, name).get("secretKeyRef"), name).get("key");
                variables.put(name, String.valueOf(keys.get(String.valueOf(key))));
            } else {
                variables.put(name, String.valueOf(value).replace(mountPath, secrets.toString()));
            }
        });
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new FileSystemResource("config/application.yml"));
        Properties defaults = yaml.getObject();
        // The manifests' variables in place of this machine's, above application.yml as in the router.
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new PropertiesPropertySource("application.yml", defaults));
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        new SecretFiles().postProcessEnvironment(environment, null); // it does not use the application
        RouterProperties properties =
                Binder.get(environment).bind("quckchat", RouterProperties.class).get();
        properties.validate();
        assertThat(properties.admin().enabled())
                .as("admin surfaces usable (ADMIN_PASSWORD_FILE read)")
                .isTrue();
        assertThat(properties.ingress().tokens())
                .as("an ingress caller with its token file")
                .isNotEmpty();
        assertThat(properties.kafka().groupId()).isEqualTo(settings().get("KAFKA_GROUP_ID"));
        assertThat(URI.create(properties.rabbitmq().url()).getUserInfo())
                .as("RABBITMQ_URL names the user whose password RABBITMQ_PASSWORD_FILE holds")
                .isNotBlank();
        assertThat(properties.kafka().sasl().enabled())
                .as("SASL on, its password read from KAFKA_SASL_PASSWORD_FILE")
                .isTrue();
    }

    @Test
    void probesServiceAndServiceMonitorUseTheRoutersPortAndPaths() throws Exception {
        assertThat(nested(application, "management.endpoint.health.probes.enabled"))
                .as("config/application.yml turns the liveness and readiness probes on")
                .isEqualTo(true);
        int serverPort = Integer.parseInt(String.valueOf(
                nested(application, "server.port") == null ? "8080" : nested(application, "server.port")));
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("EXPOSE " + serverPort);
        Map<String, Object> port =
                asMap(asList(container.get("ports"), "container ports").get(0), "container port");
        assertThat(port.get("containerPort"))
                .as("the container port is the router's server.port")
                .isEqualTo(serverPort);
        String portName = String.valueOf(port.get("name"));

        assertThat(probePath("livenessProbe")).as("liveness probe path").isEqualTo(LIVENESS);
        assertThat(probePath("readinessProbe")).as("readiness probe path").isEqualTo(READINESS);
        if (container.containsKey("startupProbe")) {
            assertThat(probePath("startupProbe")).as("startup probe path").isEqualTo(LIVENESS);
        }
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (container.containsKey(probe)) {
                Object probePort = asMap(asMap(container.get(probe), probe).get("httpGet"), probe)
                        .get("port");
                assertThat(probePort)
                        .as("%s port %s is not the container port (%s or %s)", probe, probePort, portName, serverPort)
                        .isIn(portName, serverPort);
            }
        }

        Manifest service = manifest("Service");
        assertSelects(service.map("spec.selector"), podLabels(), "the Service's selector", "the pod labels");
        Map<String, Object> servicePort = asMap(service.list("spec.ports").get(0), "service.yaml port");
        assertThat(servicePort.get("targetPort"))
                .as("the Service targets %s, not the container port", servicePort.get("targetPort"))
                .isIn(portName, serverPort);

        Manifest monitor = manifest("ServiceMonitor");
        assertSelects(
                monitor.map("spec.selector.matchLabels"),
                service.map("metadata.labels"),
                "the ServiceMonitor's selector",
                "the Service's labels");
        Map<String, Object> endpoint = asMap(monitor.list("spec.endpoints").get(0), "servicemonitor.yaml endpoint");
        assertThat(endpoint.get("port"))
                .as("the ServiceMonitor scrapes the Service's port by name")
                .isEqualTo(servicePort.get("name"));
        assertThat(endpoint.get("path")).as("metrics path").isEqualTo("/actuator/prometheus");
        Map<String, Object> basicAuth =
                asMap(endpoint.get("basicAuth"), "the ServiceMonitor's basicAuth (metrics need the admin credentials)");
        Map<String, Object> password = asMap(basicAuth.get("password"), "basicAuth.password");
        Map<String, Object> username = asMap(basicAuth.get("username"), "basicAuth.username");
        String secretName = exampleSecret.string("metadata.name");
        assertThat(password.get("name")).as("the scrape password's Secret").isEqualTo(secretName);
        assertThat(username.get("name")).as("the scrape user's Secret").isEqualTo(secretName);
        assertThat(password.get("key"))
                .as("Prometheus scrapes with the router's admin password (the file ADMIN_PASSWORD_FILE)")
                .isEqualTo(fileName("ADMIN_PASSWORD_FILE"));
        assertThat(username.get("key"))
                .as("Prometheus scrapes as the router's ADMIN_USERNAME")
                .isEqualTo(secretKey("ADMIN_USERNAME"));
    }

    @Test
    void theGracePeriodCoversThePreStopSleepAndTheDrain() {
        Duration drain =
                DurationStyle.detectAndParse(String.valueOf(nested(application, "quckchat.kafka.drain-timeout")));
        Object preStop = asMap(
                asMap(container.get("lifecycle"), "the container's lifecycle").get("preStop"), "preStop");
        long sleep = preStopSleepSeconds(asMap(preStop, "preStop"));
        Object grace = podSpec.get("terminationGracePeriodSeconds");
        assertThat(grace)
                .as("terminationGracePeriodSeconds is set (the default, 30s, is too short to be sure)")
                .isNotNull();
        long graceSeconds = ((Number) grace).longValue();
        assertThat(graceSeconds)
                .as(
                        "terminationGracePeriodSeconds %d must exceed the preStop sleep (%ds) plus"
                                + " quckchat.kafka.drain-timeout (%ds), or Kubernetes kills the router before it"
                                + " has left the consumer group",
                        graceSeconds, sleep, drain.toSeconds())
                .isGreaterThan(sleep + drain.toSeconds());
    }

    @Test
    void theAutoscalerFollowsTheConsumerGroupUpToThePartitionCount() throws Exception {
        Manifest scaled = manifest("ScaledObject");
        Manifest deployment = manifest("Deployment");
        Map<String, Object> target = scaled.map("spec.scaleTargetRef");
        assertThat(target.get("name"))
                .as("the ScaledObject scales the Deployment")
                .isEqualTo(deployment.string("metadata.name"));
        assertThat(target.getOrDefault("kind", "Deployment")).isEqualTo("Deployment");

        int partitions = partitionsPerTopic();
        int min = ((Number) scaled.at("spec.minReplicaCount")).intValue();
        int max = ((Number) scaled.at("spec.maxReplicaCount")).intValue();
        assertThat(min)
                .as("minReplicaCount: the router also serves the HTTP ingress")
                .isGreaterThanOrEqualTo(1);
        assertThat(max)
                .as(
                        "maxReplicaCount %d is more replicas than a topic has partitions (%d in docker-compose.yml):"
                                + " the extra ones would sit idle",
                        max, partitions)
                .isLessThanOrEqualTo(partitions)
                .isGreaterThanOrEqualTo(min);
        Object replicas = asMap(deployment.at("spec"), "deployment.yaml spec").get("replicas");
        if (replicas != null) {
            assertThat(((Number) replicas).intValue()).isBetween(min, max);
        }

        Map<String, Object> settings = settings();
        List<Map<String, Object>> kafka = triggers().stream()
                .filter(trigger -> "kafka".equals(trigger.get("type")))
                .toList();
        assertThat(kafka).as("the ScaledObject has a kafka trigger").hasSize(1);
        Map<String, Object> metadata = asMap(kafka.get(0).get("metadata"), "kafka trigger metadata");
        assertThat(metadata.get("consumerGroup"))
                .as("the ScaledObject watches the lag of another group than the router's KAFKA_GROUP_ID")
                .isEqualTo(settings.get("KAFKA_GROUP_ID"));
        assertThat(metadata.get("bootstrapServers"))
                .as("the ScaledObject reads other brokers than the router's KAFKA_BROKERS")
                .isEqualTo(settings.get("KAFKA_BROKERS"));
        assertThat(metadata.get("offsetResetPolicy"))
                .as("a new group starts where the router's quckchat.kafka.auto-offset-reset says")
                .isEqualTo(nested(application, "quckchat.kafka.auto-offset-reset"));
        assertThat(Long.parseLong(String.valueOf(metadata.get("lagThreshold")))).isPositive();

        // KEDA must reach Kafka the way the router does, with the router's credentials.
        String protocol = String.valueOf(settings.getOrDefault("KAFKA_SECURITY_PROTOCOL", ""))
                .toUpperCase();
        boolean sasl = settings.containsKey("KAFKA_SASL_USERNAME");
        boolean tls = protocol.endsWith("SSL") || protocol.isEmpty() && sasl;
        assertThat("enable".equals(metadata.get("tls")))
                .as(
                        "the ScaledObject's tls (%s) does not match KAFKA_SECURITY_PROTOCOL %s",
                        metadata.get("tls"), protocol)
                .isEqualTo(tls);
        if (sasl) {
            String mechanism = String.valueOf(settings.getOrDefault("KAFKA_SASL_MECHANISM", "plain"))
                    .toLowerCase();
            assertThat(metadata.get("sasl"))
                    .as("the ScaledObject's sasl does not match KAFKA_SASL_MECHANISM %s", mechanism)
                    .isEqualTo(KEDA_SASL.get(mechanism));
            Map<String, Object> ref =
                    asMap(kafka.get(0).get("authenticationRef"), "the kafka trigger's authenticationRef");
            Manifest auth = manifest("TriggerAuthentication");
            assertThat(ref.get("name")).isEqualTo(auth.string("metadata.name"));
            Map<String, Object> parameters = new HashMap<>();
            for (Object each : auth.list("spec.secretTargetRef")) {
                Map<String, Object> entry = asMap(each, "secretTargetRef");
                parameters.put(String.valueOf(entry.get("parameter")), entry.get("key"));
            }
            assertThat(parameters.get("username"))
                    .as("KEDA's SASL user is the router's KAFKA_SASL_USERNAME")
                    .isEqualTo(secretKey("KAFKA_SASL_USERNAME"));
            assertThat(parameters.get("password"))
                    .as("KEDA's SASL password is the router's KAFKA_SASL_PASSWORD_FILE")
                    .isEqualTo(fileName("KAFKA_SASL_PASSWORD_FILE"));
        }
    }

    @Test
    void rolloutsAndDisruptionsTakeOneReplicaAtATime() {
        Manifest deployment = manifest("Deployment");
        assertSelects(
                deployment.map("spec.selector.matchLabels"),
                podLabels(),
                "the Deployment's selector",
                "its pod labels");
        Map<String, Object> rolling = deployment.map("spec.strategy.rollingUpdate");
        assertThat(rolling.get("maxUnavailable"))
                .as("rolling update maxUnavailable: a new replica is ready before an old one leaves")
                .isEqualTo(0);
        assertThat(rolling.get("maxSurge")).as("rolling update maxSurge").isEqualTo(1);
        Manifest budget = manifest("PodDisruptionBudget");
        assertThat(budget.at("spec.maxUnavailable"))
                .as("the PodDisruptionBudget lets one replica go at a time")
                .isEqualTo(1);
        assertSelects(
                budget.map("spec.selector.matchLabels"),
                podLabels(),
                "the PodDisruptionBudget's selector",
                "the pod labels");
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootWithRoomForTheHeap() throws Exception {
        Map<String, Object> pod = asMap(podSpec.get("securityContext"), "the pod's securityContext");
        Map<String, Object> own = asMap(container.get("securityContext"), "the container's securityContext");
        assertThat(own.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot")))
                .as("runAsNonRoot")
                .isEqualTo(true);
        Object user = own.getOrDefault("runAsUser", pod.get("runAsUser"));
        assertThat(user)
                .as("a numeric non-root runAsUser, which the kubelet can check")
                .isInstanceOf(Integer.class);
        assertThat((Integer) user).isPositive();
        java.util.regex.Matcher imageUser =
                java.util.regex.Pattern.compile("(?m)^USER (\\d+)$").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(imageUser.find()).as("the Dockerfile's USER is a number").isTrue();
        assertThat(user)
                .as("runAsUser is the image's own user (the Dockerfile's USER)")
                .isEqualTo(Integer.parseInt(imageUser.group(1)));
        assertThat(own.get("allowPrivilegeEscalation"))
                .as("allowPrivilegeEscalation")
                .isEqualTo(false);
        assertThat(own.get("readOnlyRootFilesystem"))
                .as("readOnlyRootFilesystem")
                .isEqualTo(true);
        Map<String, Object> tmp = mountAt("/tmp");
        Map<String, Object> tmpVolume = volume(String.valueOf(tmp.get("name")));
        assertThat(tmpVolume)
                .as("/tmp (Tomcat's work directory) is a writable emptyDir on the read-only root")
                .containsKey("emptyDir");
        assertThat(String.valueOf(container.get("image"))).startsWith("quckchat/router:");

        Map<String, Object> resources = asMap(container.get("resources"), "the container's resources");
        long request = mebibytes(nested(resources, "requests.memory"));
        long limit = mebibytes(nested(resources, "limits.memory"));
        long heap = Files.readAllLines(Path.of("config", "jvm.options")).stream()
                .filter(line -> line.startsWith("-Xmx"))
                .map(KubernetesManifestsTest::mebibytes)
                .findFirst()
                .orElseGet(() -> fail("config/jvm.options sets no -Xmx"));
        assertThat(request)
                .as(
                        "memory request %dMi: the router's resident size is about twice its heap (-Xmx%dm,"
                                + " docs/benchmark.md)",
                        request, heap)
                .isGreaterThanOrEqualTo(2 * heap);
        assertThat(limit)
                .as("memory limit %dMi below the request %dMi", limit, request)
                .isGreaterThanOrEqualTo(request);
        assertThat(nested(resources, "requests.cpu")).as("a CPU request").isNotNull();
    }

    /** A label selector matches the labels when each of its labels is among them, with the same value. */
    private static void assertSelects(
            Map<String, Object> selector, Map<String, Object> labels, String selectorName, String labelsName) {
        assertThat(selector)
                .as("%s is empty: it would select every pod", selectorName)
                .isNotEmpty();
        assertThat(labels)
                .as("%s %s does not match %s %s", selectorName, selector, labelsName, labels)
                .containsAllEntriesOf(selector);
    }

    // ---- the manifests' parts

    private static Manifest manifest(String kind) {
        Manifest manifest = byKind.get(kind);
        return manifest != null ? manifest : fail("kustomization.yaml lists no %s", kind);
    }

    private static Map<String, Object> configMapData() {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object from : asList(container.getOrDefault("envFrom", List.of()), "envFrom")) {
            Map<String, Object> source = asMap(from, "envFrom");
            Map<String, Object> ref = asMap(source.get("configMapRef"), "envFrom: a configMapRef only");
            Manifest configMap = manifest("ConfigMap");
            assertThat(ref.get("name"))
                    .as("envFrom names a ConfigMap that kustomization.yaml does not list")
                    .isEqualTo(configMap.string("metadata.name"));
            configMap.map("data").forEach((key, value) -> data.put(key, String.valueOf(value)));
        }
        return data;
    }

    /** The container's env: a name to its literal value, or to its valueFrom. */
    private static Map<String, Object> env() {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Object each : asList(container.getOrDefault("env", List.of()), "env")) {
            Map<String, Object> variable = asMap(each, "env");
            String name = String.valueOf(variable.get("name"));
            Object value = variable.containsKey("valueFrom") ? variable.get("valueFrom") : variable.get("value");
            assertThat(env.put(name, value == null ? "" : value instanceof Map ? value : String.valueOf(value)))
                    .as("%s is set twice in the container's env", name)
                    .isNull();
        }
        return env;
    }

    /** Every variable the router gets: the ConfigMap's, then the container's env over them. */
    private static Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>(configMapData());
        settings.putAll(env());
        return settings;
    }

    private static String secretKey(String variable) {
        Object from = env().get(variable);
        assertThat(from)
                .as("%s is taken from the Secret (secretKeyRef)", variable)
                .isInstanceOf(Map.class);
        return String.valueOf(asMap(asMap(from, variable).get("secretKeyRef"), variable + " secretKeyRef")
                .get("key"));
    }

    private static String fileName(String fileVariable) {
        Object path = settings().get(fileVariable);
        assertThat(path).as("the Deployment sets %s", fileVariable).isInstanceOf(String.class);
        return Path.of((String) path).getFileName().toString();
    }

    private static List<Map<String, Object>> triggers() {
        return manifest("ScaledObject").list("spec.triggers").stream()
                .map(trigger -> asMap(trigger, "scaledobject.yaml trigger"))
                .toList();
    }

    private static Map<String, Object> podLabels() {
        return manifest("Deployment").map("spec.template.metadata.labels");
    }

    private static List<Map<String, Object>> volumes() {
        return asList(podSpec.getOrDefault("volumes", List.of()), "volumes").stream()
                .map(volume -> asMap(volume, "volume"))
                .toList();
    }

    private static Map<String, Object> volume(String name) {
        return volumes().stream()
                .filter(volume -> name.equals(volume.get("name")))
                .findFirst()
                .orElseGet(() -> fail("the Deployment mounts a volume %s it does not define", name));
    }

    private static Map<String, Object> secretVolume() {
        List<Map<String, Object>> secrets = volumes().stream()
                .filter(volume -> volume.containsKey("secret"))
                .toList();
        assertThat(secrets).as("the Deployment has one Secret volume").hasSize(1);
        return secrets.get(0);
    }

    private static List<Map<String, Object>> mounts() {
        return asList(container.getOrDefault("volumeMounts", List.of()), "volumeMounts").stream()
                .map(mount -> asMap(mount, "volumeMount"))
                .toList();
    }

    private static Map<String, Object> mountOf(String volume) {
        return mounts().stream()
                .filter(mount -> volume.equals(mount.get("name")))
                .findFirst()
                .orElseGet(() -> fail("the container does not mount the volume %s", volume));
    }

    private static Map<String, Object> mountAt(String path) {
        return mounts().stream()
                .filter(mount -> path.equals(mount.get("mountPath")))
                .findFirst()
                .orElseGet(() -> fail("nothing is mounted at %s", path));
    }

    private static String probePath(String probe) {
        Object httpGet = asMap(container.get(probe), "the container's " + probe).get("httpGet");
        return String.valueOf(asMap(httpGet, probe + ".httpGet").get("path"));
    }

    /** The seconds of a preStop {@code sleep}: Kubernetes' sleep action or an exec'd sleep command. */
    private static long preStopSleepSeconds(Map<String, Object> preStop) {
        if (preStop.get("sleep") instanceof Map<?, ?> sleep) {
            return ((Number) sleep.get("seconds")).longValue();
        }
        Map<String, Object> exec = asMap(preStop.get("exec"), "preStop: a sleep, as exec or sleep action");
        String command = String.join(
                " ",
                asList(exec.get("command"), "preStop command").stream()
                        .map(String::valueOf)
                        .toList());
        Matcher matcher = Pattern.compile("\\bsleep\\s+(\\d+)").matcher(command);
        assertThat(matcher.find())
                .as("the preStop command '%s' sleeps a whole number of seconds", command)
                .isTrue();
        return Long.parseLong(matcher.group(1));
    }

    // ---- what the rest of the repository says

    /** Partitions per topic, as the compose stack creates the contract's topics. */
    @SuppressWarnings("unchecked")
    private static int partitionsPerTopic() throws Exception {
        Map<String, Object> compose = asMap(yaml(Path.of("docker-compose.yml")), "docker-compose.yml");
        Object command = ((Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("kafka-topics"))
                .get("command");
        Matcher matcher = Pattern.compile("--partitions (\\d+)").matcher(String.valueOf(command));
        assertThat(matcher.find())
                .as("docker-compose.yml's kafka-topics command gives the partition count")
                .isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    /** A Kubernetes memory quantity, or a JVM -Xmx size, in MiB. */
    private static long mebibytes(Object quantity) {
        Matcher matcher = Pattern.compile("(?:-Xmx)?(\\d+)(Mi|Gi|m|g|M|G)").matcher(String.valueOf(quantity));
        assertThat(matcher.matches()).as("a size in Mi or Gi: %s", quantity).isTrue();
        long value = Long.parseLong(matcher.group(1));
        return Set.of("Gi", "g", "G").contains(matcher.group(2)) ? value * 1024 : value;
    }

    private static Object nested(Map<String, Object> root, String path) {
        Object node = root;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    private static Object yaml(Path file) throws Exception {
        assertThat(file).as("%s exists", file).isRegularFile();
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object node, String what) {
        if (!(node instanceof Map)) {
            return fail("%s is not a mapping: %s", what, node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object node, String what) {
        if (!(node instanceof List)) {
            return fail("%s is not a list: %s", what, node);
        }
        return (List<Object>) node;
    }
}
