package io.quckchat.router.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;

/**
 * The Kafka SASL user of {@code KAFKA_SASL_USERNAME} with the password of {@code
 * KAFKA_SASL_PASSWORD_FILE}, read again each time a Kafka client opens a connection to a broker: a
 * secret rotated by Docker or Kubernetes is used at the next reconnect, without a restart, as the
 * RabbitMQ and Redis clients do with theirs.
 *
 * <p>Kafka's own handler answers from the login module's options, which a client reads once: the
 * password in {@code sasl.jaas.config} would be the one of start-up for the client's whole life.
 * This handler is the client's {@code sasl.client.callback.handler.class} instead; the SASL client
 * of each connection (the JDK's PLAIN, Kafka's SCRAM) asks it for the user and the password. The
 * user comes from the login module's options ({@code username}, set by {@link KafkaClients}, which
 * leaves the password out), the file from the client setting {@value #FILE}.
 */
public final class SaslPasswordFile implements AuthenticateCallbackHandler {

    /** The client setting that names the password file (a setting of ours, not Kafka's). */
    static final String FILE = "quckchat.sasl.password.file";

    private String username;
    private Path file;

    @Override
    public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        Object path = configs.get(FILE);
        if (path == null || path.toString().isBlank()) {
            throw new IllegalArgumentException(FILE + " is not set: the client has no password file");
        }
        file = Path.of(path.toString().trim());
        for (AppConfigurationEntry entry : jaasConfigEntries) {
            if (entry.getOptions().get("username") instanceof String user) {
                username = user;
            }
        }
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(username);
            } else if (callback instanceof PasswordCallback password) {
                password.setPassword(password().toCharArray());
            } else {
                // SCRAM extensions (delegation tokens): none
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    /**
     * The password now. A file that cannot be read fails this connection with a message that names
     * the setting and the file, without a cause whose message would hide it in the health details.
     */
    String password() throws IOException {
        String secret;
        try {
            secret = Files.readString(file).strip();
        } catch (IOException e) {
            throw new IOException(SecretFiles.KAFKA_SASL_PASSWORD_FILE + " '" + file + "' cannot be read: "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null || e.getMessage().equals(file.toString()) ? "" : " " + e.getMessage()));
        }
        if (secret.isEmpty()) {
            throw new IOException(SecretFiles.KAFKA_SASL_PASSWORD_FILE + " '" + file + "' is empty");
        }
        return secret;
    }

    @Override
    public void close() {}
}
