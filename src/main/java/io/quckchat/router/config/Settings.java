package io.quckchat.router.config;

import java.util.Arrays;
import java.util.Map;

/** Small checks shared by the validation of {@link RouterProperties}. */
final class Settings {

    /** The environment variables of docs/contract.md §2, by the property they feed. */
    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("quckchat.kafka.brokers", "KAFKA_BROKERS"),
            Map.entry("quckchat.kafka.client-id", "KAFKA_CLIENT_ID"),
            Map.entry("quckchat.kafka.group-id", "KAFKA_GROUP_ID"),
            Map.entry("quckchat.kafka.security-protocol", "KAFKA_SECURITY_PROTOCOL"),
            Map.entry("quckchat.kafka.sasl.mechanism", "KAFKA_SASL_MECHANISM"),
            Map.entry("quckchat.kafka.sasl.username", "KAFKA_SASL_USERNAME"),
            Map.entry("quckchat.kafka.sasl.password", "KAFKA_SASL_PASSWORD"),
            Map.entry("quckchat.kafka.tls.ca-file", "KAFKA_TLS_CA_FILE"),
            Map.entry("quckchat.kafka.tls.cert-file", "KAFKA_TLS_CERT_FILE"),
            Map.entry("quckchat.kafka.tls.key-file", "KAFKA_TLS_KEY_FILE"),
            Map.entry("quckchat.rabbitmq.url", "RABBITMQ_URL"),
            Map.entry("quckchat.rabbitmq.queue-prefix", "RABBITMQ_QUEUE_PREFIX"),
            Map.entry("quckchat.rabbitmq.exchange", "RABBITMQ_EXCHANGE"),
            Map.entry("quckchat.rabbitmq.tls-ca-file", "RABBITMQ_TLS_CA_FILE"),
            Map.entry("quckchat.rabbitmq.password-file", "RABBITMQ_PASSWORD_FILE"),
            Map.entry("quckchat.redis.host", "REDIS_HOST"),
            Map.entry("quckchat.redis.port", "REDIS_PORT"),
            Map.entry("quckchat.redis.url", "REDIS_URL"),
            Map.entry("quckchat.redis.username", "REDIS_USERNAME"),
            Map.entry("quckchat.redis.password", "REDIS_PASSWORD"),
            Map.entry("quckchat.redis.password-file", "REDIS_PASSWORD_FILE"),
            Map.entry("quckchat.redis.database", "REDIS_DATABASE"),
            Map.entry("quckchat.redis.tls", "REDIS_TLS"),
            Map.entry("quckchat.redis.tls-ca-file", "REDIS_TLS_CA_FILE"),
            Map.entry("quckchat.redis.sentinel-nodes", "REDIS_SENTINEL_NODES"),
            Map.entry("quckchat.redis.sentinel-master", "REDIS_SENTINEL_MASTER"),
            Map.entry("quckchat.redis.cluster-nodes", "REDIS_CLUSTER_NODES"),
            Map.entry("quckchat.redis.wait-replicas", "REDIS_WAIT_REPLICAS"),
            Map.entry("quckchat.redis.wait-timeout", "REDIS_WAIT_TIMEOUT"),
            Map.entry("quckchat.bullmq.prefix", "BULLMQ_PREFIX"),
            Map.entry("quckchat.bull-board.enabled", "BULL_BOARD_ENABLED"),
            Map.entry("quckchat.bull-board.path", "BULL_BOARD_PATH"),
            Map.entry("quckchat.admin.username", "ADMIN_USERNAME"),
            Map.entry("quckchat.admin.password", "ADMIN_PASSWORD"),
            Map.entry("quckchat.ingress.allow-anonymous", "INGRESS_ALLOW_ANONYMOUS"));

    private Settings() {}

    static String environmentVariable(String setting) {
        return ENVIRONMENT.get(setting);
    }

    static void require(boolean condition, String setting, String problem) {
        if (!condition) {
            throw new InvalidSettingException(setting, problem);
        }
    }

    static void notBlank(String setting, String value) {
        require(value != null && !value.isBlank(), setting, "is empty");
    }

    static void port(String setting, int port) {
        require(port > 0 && port <= 65535, setting, "is not a port number (1-65535): " + port);
    }

    static void oneOf(String setting, String value, String... allowed) {
        require(
                value != null && Arrays.asList(allowed).contains(value.toLowerCase()),
                setting,
                "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    static void hostAndPort(String setting, String value) {
        int colon = value.lastIndexOf(':');
        require(colon > 0 && colon < value.length() - 1, setting, "'" + value + "' is not host:port");
        String port = value.substring(colon + 1);
        require(
                port.length() <= 5 && port.chars().allMatch(Character::isDigit),
                setting,
                "'" + value + "' has no valid port");
        port(setting, Integer.parseInt(port));
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** An optional file setting: when given, a file the router can read. */
    static void readableFileIfSet(String setting, String path) {
        if (!present(path)) {
            return;
        }
        java.nio.file.Path file = java.nio.file.Path.of(path.trim());
        require(java.nio.file.Files.isRegularFile(file), setting, "'" + path + "' is not a file");
        require(java.nio.file.Files.isReadable(file), setting, "'" + path + "' cannot be read");
    }

    /** Hides the password of a URL before it goes into a message. */
    static String redact(String url) {
        return url == null
                ? null
                : url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:****@").replaceAll("//[^:/@]+@", "//****@");
    }
}
