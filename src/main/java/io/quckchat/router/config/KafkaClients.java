package io.quckchat.router.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Kafka client settings built once from {@link RouterProperties}: brokers, client id, SASL, TLS.
 * With {@code KAFKA_SASL_PASSWORD_FILE} the SASL password is not in them: every client reads the
 * file again at each new broker connection ({@link SaslPasswordFile}), so a rotated secret needs no
 * restart. {@link SecretFiles} has read it once at start-up too, so that a missing or empty file
 * stops start-up naming the setting.
 */
@Component
public class KafkaClients {

    private final RouterProperties.Kafka kafka;
    private final Map<String, Object> tls;
    private final String passwordFile;

    public KafkaClients(RouterProperties properties, Environment environment) {
        this.kafka = properties.kafka();
        this.tls = tls(kafka.tls());
        String file = environment.getProperty(SecretFiles.KAFKA_SASL_PASSWORD_FILE);
        this.passwordFile = Settings.present(file) ? file.trim() : null;
    }

    public Map<String, Object> common(String clientIdSuffix) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.brokers()));
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, kafka.clientId() + "-" + clientIdSuffix);
        RouterProperties.Sasl sasl = kafka.sasl();
        boolean saslOn = sasl != null && sasl.enabled();
        String protocol = kafka.securityProtocol();
        if (protocol == null || protocol.isBlank()) {
            protocol = saslOn ? "SASL_SSL" : "PLAINTEXT";
        }
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.toUpperCase());
        if (saslOn) {
            String mechanism = sasl.mechanism().toUpperCase();
            String module = "PLAIN".equals(mechanism)
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            config.put(SaslConfigs.SASL_MECHANISM, mechanism);
            String jaas = module + " required username=\"" + escape(sasl.username()) + "\"";
            if (passwordFile != null) {
                // no password in the login module: the handler reads the file at every connection
                config.put(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, SaslPasswordFile.class);
                config.put(SaslPasswordFile.FILE, passwordFile);
            } else {
                jaas += " password=\"" + escape(sasl.password()) + "\"";
            }
            config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas + ";");
        }
        config.putAll(tls);
        return config;
    }

    /**
     * The brokers' CA and the client certificate, for SSL and SASL_SSL (ignored by PLAINTEXT); the
     * certificate and key files are read once, here, not for every client.
     */
    private static Map<String, Object> tls(RouterProperties.Tls tls) {
        Map<String, Object> config = new HashMap<>();
        if (tls == null) {
            return config;
        }
        if (Settings.present(tls.caFile())) {
            config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.caFile().trim());
        }
        if (Settings.present(tls.certFile())) {
            config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            config.put(
                    SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, new Password(read(tls.certFile(), "cert-file")));
            config.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(read(tls.keyFile(), "key-file")));
        }
        return Map.copyOf(config);
    }

    private static String read(String file, String setting) {
        try {
            return Files.readString(Path.of(file.trim()));
        } catch (IOException e) {
            throw new InvalidSettingException("quckchat.kafka.tls." + setting, "'" + file + "' cannot be read");
        }
    }

    /** A consumer of the fan-out group: manual commits, bytes in, bytes out. */
    public Map<String, Object> consumer(String clientIdSuffix) {
        Map<String, Object> config = common(clientIdSuffix);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, kafka.autoOffsetReset());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int)
                kafka.sessionTimeout().toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int)
                Math.max(500, kafka.sessionTimeout().toMillis() / 5));
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int)
                kafka.maxPollInterval().toMillis());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return config;
    }

    /** An idempotent producer that waits for all in-sync replicas. */
    public Map<String, Object> producer(String clientIdSuffix) {
        Map<String, Object> config = common(clientIdSuffix);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return config;
    }

    public RouterProperties.Kafka settings() {
        return kafka;
    }

    private static String escape(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
