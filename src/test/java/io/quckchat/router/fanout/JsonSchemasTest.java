package io.quckchat.router.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quckchat.router.support.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.DefaultResourceLoader;

class JsonSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonSchemas schemas = new JsonSchemas(new DefaultResourceLoader(), "config/schemas");

    static Iterable<String> topics() {
        return Samples.TOPICS;
    }

    @ParameterizedTest
    @MethodSource("topics")
    void everySampleMatchesItsTopicsSchema(String topic) throws Exception {
        assertThat(schemas.hasSchema(topic)).as("schema for " + topic).isTrue();
        assertThatCode(() -> schemas.validate(topic, JSON.readTree(Samples.json(topic))))
                .doesNotThrowAnyException();
    }

    @Test
    void missingRequiredFieldIsReportedWithItsPath() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.json("message.sent"));
        event.remove("conversationId");
        assertThatThrownBy(() -> schemas.validate("message.sent", event))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("message.sent event breaks its schema")
                .hasMessageContaining("conversationId")
                .satisfies(e -> assertThat(((InvalidEventException) e).path()).isEqualTo("$.conversationId"))
                .satisfies(e -> assertThat(((InvalidEventException) e).reason()).contains("required"));
    }

    @Test
    void wrongNestedTypeNamesTheNestedPath() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.json("message.sent"));
        ((ObjectNode) event.withArray("attachments").get(1)).put("mimeType", 42);
        assertThatThrownBy(() -> schemas.validate("message.sent", event))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("$.attachments[1].mimeType");
    }

    @Test
    void unknownChannelAndBadTimestampAreRejected() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.json("notification.send"));
        event.putArray("channels").add("pigeon");
        assertThatThrownBy(() -> schemas.validate("notification.send", event)).hasMessageContaining("$.channels[0]");
        ObjectNode late = (ObjectNode) JSON.readTree(Samples.json("user.online"));
        late.put("lastSeen", "yesterday");
        assertThatThrownBy(() -> schemas.validate("user.online", late)).hasMessageContaining("$.lastSeen");
    }

    @Test
    void unknownExtraFieldsAndMissingOptionalFieldsPass() throws Exception {
        ObjectNode user = (ObjectNode) JSON.readTree(Samples.json("user.created"));
        user.remove("email");
        user.put("favouriteColour", "teal");
        assertThatCode(() -> schemas.validate("user.created", user)).doesNotThrowAnyException();
        ObjectNode message = (ObjectNode) JSON.readTree(Samples.json("message.sent"));
        message.remove("attachments");
        assertThatCode(() -> schemas.validate("message.sent", message)).doesNotThrowAnyException();
    }

    @Test
    void topicWithoutSchemaAcceptsAnyObject() {
        JsonNode anything = JSON.createObjectNode().put("x", 1);
        assertThat(schemas.hasSchema("no.such.topic")).isFalse();
        assertThatCode(() -> schemas.validate("no.such.topic", anything)).doesNotThrowAnyException();
    }
}
