package io.quckchat.router.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.router.ingress.Problem;
import io.quckchat.router.ingress.ProblemException;
import io.quckchat.router.ingress.RequestBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/routes/simulate} (admin credentials): what the loaded routes would do with an
 * event, {@code {topic, event, key?, headers?}} in, {@link Simulation} out; nothing is sent.
 * {@code GET /admin/routes/simulate/topics}: the topics, their routes and sample events, for the
 * dashboard's "Try an event". Bad requests get the ingress's problem documents (400 not JSON or
 * not this shape, 404 no route for the topic, 413 too big, 415 not JSON). See docs/route-tests.md.
 */
@RestController
@RequestMapping("/admin/routes/simulate")
class SimulatorController {

    private final RouteSimulator simulator;
    private final ObjectMapper json;
    private final long maxBody;
    private final ResourceLoader resources;
    private final String samples;

    SimulatorController(
            RouteSimulator simulator, ObjectMapper json, long maxBody, ResourceLoader resources, String samples) {
        this.simulator = simulator;
        this.json = json;
        this.maxBody = maxBody;
        this.resources = resources;
        this.samples = samples.endsWith("/") ? samples : samples + "/";
    }

    /** A topic the routes consume, its route and its sample event (null when there is none). */
    record Topic(String topic, String route, JsonNode sample) {}

    @GetMapping(path = "/topics", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Topic> topics() throws Exception {
        List<Topic> topics = new ArrayList<>();
        for (Map.Entry<String, String> entry : simulator.routesByTopic().entrySet()) {
            topics.add(new Topic(entry.getKey(), entry.getValue(), sample(entry.getKey())));
        }
        return topics;
    }

    @PostMapping
    void simulate(HttpServletRequest request, HttpServletResponse response) throws Exception {
        try {
            Request parsed = read(request);
            Optional<Simulation> result =
                    simulator.simulate(parsed.topic(), parsed.value(), parsed.key(), parsed.headers());
            if (result.isEmpty()) {
                throw new ProblemException(new Problem(
                        404,
                        "unknown-topic",
                        "Unknown topic " + parsed.topic(),
                        "body.topic",
                        "no loaded route consumes topic '" + parsed.topic() + "'"));
            }
            response.setStatus(200);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(json.writeValueAsBytes(result.get()));
        } catch (ProblemException e) {
            e.problem().writeTo(response, json);
        }
    }

    private record Request(String topic, byte[] value, String key, Map<String, String> headers) {}

    private Request read(HttpServletRequest request) throws IOException, ProblemException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON_VALUE)) {
            throw new ProblemException(Problem.unsupportedMediaType(type));
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            throw new ProblemException(Problem.tooLarge(maxBody, "Content-Length is " + declared + " bytes"));
        }
        byte[] body = RequestBodies.readAtMost(request.getInputStream(), maxBody, declared);
        if (body == null) {
            throw new ProblemException(Problem.tooLarge(maxBody, "the body is longer than the limit"));
        }
        JsonNode node = RequestBodies.parse(body, json);
        if (!node.isObject()) {
            throw invalid("body", "expected an object {topic, event, key?, headers?}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("topic", "event", "key", "headers").contains(name)) {
                throw invalid("body." + name, "unknown field; expected topic, event, key, headers");
            }
        }
        JsonNode topic = node.path("topic");
        if (!topic.isTextual() || topic.asText().isEmpty()) {
            throw invalid("body.topic", "the topic is required, as text");
        }
        if (!node.has("event")) {
            throw invalid("body.event", "the event is required: a JSON object, or text taken as the raw record value");
        }
        JsonNode event = node.get("event");
        byte[] value =
                event.isTextual() ? event.asText().getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(event);
        JsonNode key = node.path("key");
        if (!key.isMissingNode() && !key.isNull() && !key.isTextual()) {
            throw invalid("body.key", "the key is text");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode given = node.path("headers");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw invalid("body.headers", "headers are an object of text values, e.g. {\"ce_id\": \"evt-1\"}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                if (!header.getValue().isTextual()) {
                    throw invalid("body.headers." + header.getKey(), "a header value is text");
                }
                headers.put(header.getKey(), header.getValue().asText());
            }
        }
        return new Request(topic.asText(), value, key.isTextual() ? key.asText() : null, headers);
    }

    private static ProblemException invalid(String where, String why) {
        return new ProblemException(new Problem(400, "invalid-request", "The request is not a simulation", where, why));
    }

    /** {@code <samples>/<topic>.json} on disk, else in the jar; null when there is none. */
    private JsonNode sample(String topic) throws IOException {
        for (String location : new String[] {"file:" + samples, "classpath:" + samples}) {
            Resource resource = resources.getResource(location + topic + ".json");
            if (resource.exists()) {
                try (InputStream in = resource.getInputStream()) {
                    return json.readTree(in);
                }
            }
        }
        return null;
    }
}
