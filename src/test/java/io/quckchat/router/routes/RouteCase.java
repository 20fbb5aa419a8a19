package io.quckchat.router.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One case of a route test file: an event for a {@code chat-events} route (or a firing instant for
 * a schedule) and what the route must do with it. A case whose YAML has problems carries them
 * instead, and fails with them.
 *
 * @param where {@code <file>:<line>: } of the case
 * @param topic the route's topic; null for a schedule
 * @param event the record value; null for a schedule
 * @param fire the firing instant of a schedule, else null
 */
record RouteCase(
        String route,
        String name,
        String where,
        String topic,
        byte[] event,
        String key,
        Map<String, String> headers,
        Instant fire,
        Expectation expect,
        List<String> problems) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static RouteCase broken(String route, String name, String where, List<String> problems) {
        return new RouteCase(route, name, where, null, null, null, Map.of(), null, null, problems);
    }

    /** How the test is named: {@code <route-id> / <case name>}. */
    String displayName() {
        return route + " / " + name;
    }

    /** What the route does with the case's event, or its firing. */
    Simulation run(RouteSandbox sandbox) {
        return fire != null ? sandbox.fire(route, fire) : sandbox.simulate(topic, event, key, headers);
    }

    /** How the route's answer differs from the expectation (or the case's own problems); empty: it passes. */
    List<String> differences(RouteSandbox sandbox) {
        if (!problems.isEmpty()) {
            return problems;
        }
        return expect.differences(run(sandbox), eventJson());
    }

    private JsonNode eventJson() {
        if (event == null) {
            return JSON.nullNode();
        }
        try {
            JsonNode node = JSON.readTree(event);
            return node == null ? TextNode.valueOf("") : node;
        } catch (IOException e) {
            return TextNode.valueOf(new String(event, StandardCharsets.UTF_8));
        }
    }
}
