package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void acceptsExactlyOneJsonValue() {
        for (String ok : new String[] {"{}", "[]", "1", "\"s\"", "null", "true", " { \"a\" : [1, {\"b\": null}] } "}) {
            assertThat(Json.isValid(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"", "  ", "{", "{} {}", "plain", "{'a':1}", "[1,]", "{\"a\":1}x"}) {
            assertThat(Json.isValid(bad)).as(bad).isFalse();
        }
        assertThat(Json.isValid(null)).isFalse();
    }

    @Test
    void escapesStrings() {
        assertThat(Json.string("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
        assertThat(Json.number(0.25)).isEqualTo("0.25");
        assertThat(Json.number(1.0)).isEqualTo("1");
    }
}
