package io.quckchat.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Secrets from {@code *_FILE}: bound where the secret itself would be, refused when ambiguous. */
class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void eachSecretReadsItsFileAndAnIngressTokenBindsBesideItsNameAndTopics() throws Exception {
        Path admin = secret("admin", "admin-password-from-file\n");
        Path sasl = secret("sasl", "sasl-password-from-file");
        Path token = secret("token", "  token-from-a-file-0123456789\n");
        Path sentinel = secret("sentinel", "sentinel-password-from-file\n");
        StandardEnvironment environment = environment(
                Map.of(
                        "KAFKA_SASL_PASSWORD_FILE",
                        sasl.toString(),
                        "QUCKCHAT_INGRESS_TOKENS_0_NAME",
                        "chat-backend",
                        "QUCKCHAT_INGRESS_TOKENS_0_TOPICS",
                        "message.sent",
                        "QUCKCHAT_INGRESS_TOKENS_0_TOKEN_FILE",
                        token.toString()),
                Map.of("ADMIN_PASSWORD_FILE", admin.toString(), "REDIS_SENTINEL_PASSWORD_FILE", sentinel.toString()));

        new SecretFiles().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("ADMIN_PASSWORD")).isEqualTo("admin-password-from-file");
        assertThat(environment.getProperty("KAFKA_SASL_PASSWORD")).isEqualTo("sasl-password-from-file");
        assertThat(environment.getProperty("REDIS_SENTINEL_PASSWORD")).isEqualTo("sentinel-password-from-file");
        Binder binder = Binder.get(environment);
        assertThat(binder.bind("quckchat.ingress.tokens[0].token", String.class).get())
                .isEqualTo("token-from-a-file-0123456789");
        assertThat(binder.bind("quckchat.ingress.tokens[0].name", String.class).get())
                .as("the token's other settings still bind from the environment")
                .isEqualTo("chat-backend");
    }

    @Test
    void aSecretGivenTwiceOrAFileThatIsNotThereStopsStartUpNamingTheVariable() throws Exception {
        Path admin = secret("admin", "admin-password-from-file");
        StandardEnvironment both = environment(
                Map.of("ADMIN_PASSWORD", "admin-password-direct"), Map.of("ADMIN_PASSWORD_FILE", admin.toString()));
        assertThatThrownBy(() -> new SecretFiles().postProcessEnvironment(both, new SpringApplication()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid setting ADMIN_PASSWORD_FILE: is set together with ADMIN_PASSWORD: give the"
                        + " secret in one of them");

        StandardEnvironment missing = environment(
                Map.of("KAFKA_SASL_PASSWORD_FILE", dir.resolve("nothing").toString()), Map.of());
        assertThatThrownBy(() -> new SecretFiles().postProcessEnvironment(missing, new SpringApplication()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid setting KAFKA_SASL_PASSWORD_FILE: '" + dir.resolve("nothing") + "' is not a file");

        Path empty = secret("empty", "\n");
        StandardEnvironment blank = environment(Map.of("ADMIN_PASSWORD_FILE", empty.toString()), Map.of());
        assertThatThrownBy(() -> new SecretFiles().postProcessEnvironment(blank, new SpringApplication()))
                .hasMessage("Invalid setting ADMIN_PASSWORD_FILE: '" + empty + "' is empty");
    }

    @Test
    void otherFileVariablesAreLeftAlone() throws Exception {
        StandardEnvironment environment = environment(Map.of("LOG_FILE", "/var/log/router.log"), Map.of());
        new SecretFiles().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("LOG")).isNull();
        assertThat(environment.getPropertySources().contains(SecretFiles.SOURCE))
                .isFalse();
    }

    private Path secret(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Environment variables as the process has them, and command-line arguments. */
    private static StandardEnvironment environment(Map<String, Object> variables, Map<String, Object> arguments) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(variables)));
        environment.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", new HashMap<>(arguments)));
        return environment;
    }
}
