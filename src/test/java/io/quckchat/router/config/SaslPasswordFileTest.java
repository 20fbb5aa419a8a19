package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quckchat.router.support.TestKafkaClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.scram.ScramExtensionsCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KAFKA_SASL_PASSWORD_FILE}: the Kafka clients' settings carry the file, not its content,
 * and the callback handler Kafka makes of them reads it at every connection. The brokers' side is
 * {@code KafkaSecurityIT}.
 */
class SaslPasswordFileTest {

    @TempDir
    Path dir;

    @Test
    void withAPasswordFileTheClientsReadItAtEveryConnectionNotOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("kafka-password"), "first-password-0123\n");
        Map<String, Object> config = TestKafkaClients.of(Map.of(
                        "KAFKA_SASL_MECHANISM", "scram-sha-256",
                        "KAFKA_SASL_USERNAME", "router",
                        "KAFKA_SASL_PASSWORD_FILE", file.toString()))
                .consumer("fanout");

        assertThat(config.get(SaslConfigs.SASL_JAAS_CONFIG))
                .as("no password in the login module: the handler gives it")
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"router\";");
        assertThat(config)
                .containsEntry(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, SaslPasswordFile.class)
                .containsEntry(SaslPasswordFile.FILE, file.toString());

        // as a Kafka client does with these settings: parsed, and our own one passed on as given
        ConsumerConfig parsed = new ConsumerConfig(config);
        Map<String, Object> configs = new HashMap<>(parsed.originals());
        configs.putAll(parsed.values());
        SaslPasswordFile handler = new SaslPasswordFile();
        handler.configure(
                configs, "SCRAM-SHA-256", JaasContext.loadClientContext(configs).configurationEntries());
        assertThat(ask(handler)).containsExactly("router", "first-password-0123");

        Files.writeString(file, "rotated-password-4567\n");
        assertThat(ask(handler)).as("the next connection").containsExactly("router", "rotated-password-4567");

        assertThatThrownBy(() -> handler.handle(new Callback[] {new ScramExtensionsCallback()}))
                .as("no SCRAM extensions (ScramSaslClient goes on without them)")
                .isInstanceOf(UnsupportedCallbackException.class);
    }

    @Test
    void anInlinePasswordStaysInTheLoginModule() throws Exception {
        Map<String, Object> config = TestKafkaClients.of(Map.of(
                        "KAFKA_SASL_MECHANISM", "plain",
                        "KAFKA_SASL_USERNAME", "router",
                        "KAFKA_SASL_PASSWORD", "inline-pass\"word"))
                .producer("ingress");
        assertThat(config.get(SaslConfigs.SASL_JAAS_CONFIG))
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"router\""
                        + " password=\"inline-pass\\\"word\";");
        assertThat(config).doesNotContainKeys(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, SaslPasswordFile.FILE);
    }

    @Test
    void aFileThatCannotBeReadAtAConnectionNamesTheSettingAndNoSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("kafka-password"), "the-secret-0123");
        SaslPasswordFile handler = new SaslPasswordFile();
        handler.configure(Map.of(SaslPasswordFile.FILE, file.toString()), "PLAIN", List.of());

        Files.delete(file);
        assertThatThrownBy(() -> ask(handler))
                .isInstanceOf(IOException.class)
                .hasMessage("KAFKA_SASL_PASSWORD_FILE '" + file + "' cannot be read: NoSuchFileException")
                .hasNoCause();

        Files.writeString(file, " \n");
        assertThatThrownBy(() -> ask(handler))
                .isInstanceOf(IOException.class)
                .hasMessage("KAFKA_SASL_PASSWORD_FILE '" + file + "' is empty");
    }

    /** What a SASL client asks for at a connection: the user and the password. */
    private static String[] ask(SaslPasswordFile handler) throws Exception {
        NameCallback name = new NameCallback("Name:");
        PasswordCallback password = new PasswordCallback("Password:", false);
        handler.handle(new Callback[] {name, password});
        return new String[] {name.getName(), new String(password.getPassword())};
    }
}
