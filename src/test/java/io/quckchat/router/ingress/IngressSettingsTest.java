package io.quckchat.router.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quckchat.router.QuckChatRouterApplication;
import io.quckchat.router.config.InvalidSettingException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad ingress setting stops start-up with one line naming it, and never prints a token. */
@ExtendWith(OutputCaptureExtension.class)
class IngressSettingsTest {

    private static final String SECRET = "s3cret-token-0123456789";

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "quckchat.ingress.tokens[0].token|short|Invalid setting quckchat.ingress.tokens[0].token: is too short",
                "quckchat.ingress.tokens[0].name|bad name|Invalid setting quckchat.ingress.tokens[0].name: must be 1-64",
                "quckchat.ingress.tokens[0].topics|Message.Sent|Invalid setting quckchat.ingress.tokens[0].topics: 'Message.Sent' is not a topic name",
                "quckchat.ingress.tokens[1].token|" + SECRET
                        + "|Invalid setting quckchat.ingress.tokens[1].token: is the same as another caller's",
                "quckchat.ingress.max-body-size|100|Invalid setting quckchat.ingress.max-body-size: must be between 1KB and 16MB",
                "quckchat.ingress.max-batch-size|0|Invalid setting quckchat.ingress.max-batch-size: must be between 1 and 10000",
                "quckchat.ingress.publish-timeout|10ms|Invalid setting quckchat.ingress.publish-timeout: must be at least 200ms",
                "INGRESS_ALLOW_ANONYMOUS|perhaps|Invalid setting quckchat.ingress.allow-anonymous (INGRESS_ALLOW_ANONYMOUS): cannot be read",
            })
    void badSettingStopsStartUpNamingIt(String name, String value, String expected, CapturedOutput output) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.port", "0");
        settings.put("quckchat.ingress.tokens[0].name", "billing");
        settings.put("quckchat.ingress.tokens[0].token", SECRET);
        settings.put("quckchat.ingress.tokens[0].topics", "message.sent");
        settings.put("quckchat.ingress.tokens[1].name", "other");
        settings.put("quckchat.ingress.tokens[1].token", "other-token-0123456789");
        settings.put("quckchat.ingress.tokens[1].topics", "*");
        settings.put(name, value);
        String[] args = settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        assertThatThrownBy(() -> SpringApplication.run(QuckChatRouterApplication.class, args))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(expected);
        assertThat(output.getAll()).contains(expected).doesNotContain(SECRET);
    }
}
