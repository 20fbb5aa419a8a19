package io.quckchat.router.rabbitmq;

import com.rabbitmq.client.impl.CredentialsProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The RabbitMQ user of {@code RABBITMQ_URL} with the password of {@code RABBITMQ_PASSWORD_FILE}, read
 * again each time the client opens a connection: a secret rotated by Docker or Kubernetes is used at
 * the next reconnect, without a restart.
 */
final class PasswordFileCredentials implements CredentialsProvider {

    private final String username;
    private final Path file;

    PasswordFileCredentials(String username, Path file) {
        this.username = username;
        this.file = file;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "quckchat.rabbitmq.password-file (RABBITMQ_PASSWORD_FILE) cannot be read: " + e.getMessage(), e);
        }
    }
}
