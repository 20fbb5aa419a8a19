package io.quckchat.router.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.config.RouterProperties;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class CallersTest {

    private static RouterProperties.Ingress settings(boolean anonymous, RouterProperties.Token... tokens) {
        return new RouterProperties.Ingress(
                List.of(tokens),
                anonymous,
                DataSize.ofKilobytes(512),
                500,
                Duration.ofSeconds(5),
                Duration.ofHours(24),
                "p");
    }

    @Test
    void tokenFindsItsCallerAndOnlyItsTopics() {
        Callers callers = new Callers(settings(
                false,
                new RouterProperties.Token("billing", "billing-token-0123456789", List.of("message.sent")),
                new RouterProperties.Token("ops", "ops-token-0123456789abc", List.of("*"))));
        Caller billing = callers.byToken("billing-token-0123456789").orElseThrow();
        assertThat(billing.name()).isEqualTo("billing");
        assertThat(billing.mayPost("message.sent")).isTrue();
        assertThat(billing.mayPost("user.created")).isFalse();
        assertThat(callers.byToken("ops-token-0123456789abc").orElseThrow().mayPost("user.created"))
                .isTrue();
        assertThat(callers.byToken("billing-token-012345678"))
                .as("a prefix is not the token")
                .isEmpty();
        assertThat(callers.byToken("billing-token-0123456789 ")).isEmpty();
        assertThat(callers.byToken("")).isEmpty();
        assertThat(callers.anonymous()).as("no anonymous access by default").isEmpty();
    }

    @Test
    void anonymousOnlyWhenConfigured() {
        Caller anonymous = new Callers(settings(true)).anonymous().orElseThrow();
        assertThat(anonymous.name()).isEqualTo("anonymous");
        assertThat(anonymous.mayPost("message.sent")).isTrue();
    }

    @Test
    void tokenNeverPrinted() {
        RouterProperties.Token token = new RouterProperties.Token("billing", "billing-token-0123456789", List.of("*"));
        assertThat(token.toString()).contains("billing").doesNotContain("billing-token-0123456789");
    }

    @Test
    void bodyIsReadOnlyUpToTheLimit() throws Exception {
        byte[] body = new byte[10_000];
        assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(body), 10_000, -1))
                .hasSize(10_000);
        ByteArrayInputStream longer = new ByteArrayInputStream(new byte[50_000]);
        assertThat(RequestBodies.readAtMost(longer, 10_000, -1)).isNull();
        assertThat(50_000 - longer.available())
                .as("stopped one byte past the limit")
                .isEqualTo(10_001);
    }
}
