package io.quckchat.router.fanout;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks an event against the JSON Schema of its topic; throws {@link InvalidEventException} naming the failing path. */
public interface EventSchemas {

    void validate(String topic, JsonNode event);

    /** No schemas: every JSON object passes. */
    EventSchemas NONE = (topic, event) -> {};
}
