package io.quckchat.router.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Secrets from files, the Docker and Kubernetes secrets convention: {@code ADMIN_PASSWORD_FILE},
 * {@code KAFKA_SASL_PASSWORD_FILE}, {@code REDIS_SENTINEL_PASSWORD_FILE} and {@code QUCKCHAT_INGRESS_TOKENS_<n>_TOKEN_FILE} name a file
 * whose content (without the trailing newline) is the secret. Read once at start-up, before the
 * settings are validated; giving both the variable and its {@code _FILE} stops start-up, as does a
 * file that cannot be read. An ingress token's file is read from the environment only (its
 * {@code _NAME} and {@code _TOPICS} are there too, and a list binds from one place).
 *
 * <p>{@code KAFKA_SASL_PASSWORD_FILE} is read here too, so that a missing or empty file stops
 * start-up naming it and the SASL settings validate as with {@code KAFKA_SASL_PASSWORD}; but the
 * Kafka clients do not use this value: they read the file again at every new broker connection
 * ({@link SaslPasswordFile}), as {@link RedisConnection} and the RabbitMQ client factory do with
 * {@code REDIS_PASSWORD_FILE} and {@code RABBITMQ_PASSWORD_FILE} (not here), so a rotated secret
 * needs no restart.
 */
public class SecretFiles implements EnvironmentPostProcessor {

    static final String SOURCE = "quckchatSecretFiles";
    /** Read by {@link KafkaClients} too, which hands it to {@link SaslPasswordFile}. */
    static final String KAFKA_SASL_PASSWORD_FILE = "KAFKA_SASL_PASSWORD_FILE";

    private static final String SYSTEM_ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
    private static final List<String> SECRETS =
            List.of("ADMIN_PASSWORD", "KAFKA_SASL_PASSWORD", "REDIS_SENTINEL_PASSWORD");
    private static final Pattern TOKEN = Pattern.compile("QUCKCHAT_INGRESS_TOKENS_\\d+_TOKEN");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MutablePropertySources sources = environment.getPropertySources();
        Map<String, Object> fromEnvironment = new LinkedHashMap<>();
        Map<String, Object> fromElsewhere = new LinkedHashMap<>();
        for (PropertySource<?> source : sources) {
            if (!(source instanceof EnumerablePropertySource<?> names)) {
                continue;
            }
            boolean system = SYSTEM_ENVIRONMENT.equals(source.getName());
            for (String name : names.getPropertyNames()) {
                if (!name.endsWith("_FILE")) {
                    continue;
                }
                String secret = secretOf(name);
                boolean token = TOKEN.matcher(secret).matches();
                if (!token && !SECRETS.contains(secret)
                        || fromEnvironment.containsKey(secret)
                        || fromElsewhere.containsKey(secret)) {
                    continue;
                }
                String file = environment.getProperty(name);
                if (file == null || file.isBlank()) {
                    continue;
                }
                String direct = environment.getProperty(secret);
                if (direct != null && !direct.isBlank()) {
                    throw new InvalidSettingException(
                            name, "is set together with " + secret + ": give the secret in one of them");
                }
                if (token && !system) {
                    // a list element binds from the environment's names only in the environment itself
                    throw new InvalidSettingException(
                            name, "is read from an environment variable only (as Docker and Kubernetes set it)");
                }
                (system ? fromEnvironment : fromElsewhere).put(secret, read(name, file.trim()));
            }
        }
        if (!fromEnvironment.isEmpty()) {
            // the secrets join the environment variables, so that QUCKCHAT_INGRESS_TOKENS_0_TOKEN
            // binds to quckchat.ingress.tokens[0].token beside its _NAME and _TOPICS
            Map<String, Object> merged = new LinkedHashMap<>(
                    sources.get(SYSTEM_ENVIRONMENT) instanceof MapPropertySource map ? map.getSource() : Map.of());
            merged.putAll(fromEnvironment);
            sources.replace(SYSTEM_ENVIRONMENT, new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, merged));
        }
        if (!fromElsewhere.isEmpty()) {
            sources.addFirst(new MapPropertySource(SOURCE, fromElsewhere));
        }
    }

    private static String secretOf(String fileVariable) {
        return fileVariable.substring(0, fileVariable.length() - "_FILE".length());
    }

    private static String read(String name, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new InvalidSettingException(name, "'" + file + "' is not a file");
        }
        try {
            String secret = Files.readString(path).strip();
            if (secret.isEmpty()) {
                throw new InvalidSettingException(name, "'" + file + "' is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new InvalidSettingException(
                    name, "'" + file + "' cannot be read: " + e.getClass().getSimpleName());
        }
    }
}
