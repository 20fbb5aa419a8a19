package io.quckchat.router.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.quckchat.router.routes.RouteSandbox.Destination;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.camel.Predicate;

/**
 * One test file, {@code routes/tests/<route-id>.yaml}, read and checked against the routes loaded
 * in a sandbox. A problem in the file is reported as {@code <file>:<line>: <where>: <what>}, never
 * as a stack trace: malformed YAML, a key the format does not know (the format is {@code
 * route-test.schema.json}), a missing sample file, a queue or job the route never makes, a jq
 * condition that does not compile.
 */
final class RouteTestFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The format of a test file, beside the test files: editors validate and complete with it too. */
    static final String SCHEMA_FILE = "route-test.schema.json";

    /** The cases of a file, and the problems that concern the whole file. */
    record Contents(String route, Path file, List<RouteCase> cases, List<String> problems) {}

    private final Path file;
    private final String route;
    private final RouteSandbox sandbox;
    private final Path samples;
    private final Path schemaFile;
    private final List<String> fileProblems = new ArrayList<>();
    private final Map<Integer, List<String>> caseProblems = new TreeMap<>();
    private YamlTree tree;

    private RouteTestFile(Path file, RouteSandbox sandbox, Path samples, Path schemaFile) {
        this.file = file;
        this.schemaFile = schemaFile;
        this.route = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        this.sandbox = sandbox;
        this.samples = samples;
    }

    /** The test files of a folder, sorted. */
    static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var list = Files.list(folder)) {
            return list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Reads a test file.
     *
     * @param samples the folder of {@code sample:} files
     * @param schemaFile the format, {@value #SCHEMA_FILE}
     */
    static Contents read(Path file, RouteSandbox sandbox, Path samples, Path schemaFile) {
        return new RouteTestFile(file, sandbox, samples, schemaFile).read();
    }

    private Contents read() {
        try {
            tree = YamlTree.read(file);
        } catch (YamlTree.MalformedException e) {
            fileProblems.add(at(e.line) + "malformed YAML: " + e.getMessage());
            return contents(List.of());
        } catch (IOException e) {
            fileProblems.add(file + ": cannot be read: " + e);
            return contents(List.of());
        }
        if (!tree.root.isObject()) {
            fileProblems.add(at(1) + "expected a mapping with 'cases:', got "
                    + (tree.root.isNull()
                            ? "an empty file"
                            : tree.root.getNodeType().toString().toLowerCase()));
            return contents(List.of());
        }
        checkSchema();
        if (sandbox.context().getRoute(route) == null) {
            fileProblems.add(at(1) + "unknown route '" + route + "': a test file is named after the route it tests;"
                    + " the loaded routes are " + routeIds());
            return contents(List.of());
        }
        List<RouteCase> cases = new ArrayList<>();
        JsonNode list = tree.root.path("cases");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String name = node.path("name").asText("case " + (i + 1));
            if (!caseProblems.containsKey(i) && !names.add(name)) {
                problem(i, "/cases/" + i + "/name", "a second case named '" + name + "'; names are unique in a file");
            }
            RouteCase built = caseProblems.containsKey(i) ? null : build(i, node);
            cases.add(
                    built != null
                            ? built
                            : RouteCase.broken(route, name, at(tree.line("/cases/" + i)), caseProblems.get(i)));
        }
        return contents(cases);
    }

    private Contents contents(List<RouteCase> cases) {
        return new Contents(route, file, cases, fileProblems);
    }

    // ---- the format: route-test.schema.json, with messages that say what to change

    private void checkSchema() {
        JsonNode schemaTree;
        JsonSchema schema;
        try {
            schemaTree = JSON.readTree(schemaFile.toFile());
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                    .getSchema(
                            schemaTree,
                            SchemaValidatorsConfig.builder()
                                    .pathType(PathType.JSON_POINTER)
                                    .formatAssertionsEnabled(true)
                                    .build());
        } catch (IOException e) {
            fileProblems.add(file + ": the format " + schemaFile + " cannot be read: " + e);
            return;
        }
        List<ValidationMessage> messages = schema.validate(tree.root).stream()
                .sorted(Comparator.comparing((ValidationMessage m) ->
                                tree.line(m.getInstanceLocation().toString()))
                        .thenComparing(ValidationMessage::getMessage))
                .toList();
        Set<String> oneOfFailed = new HashSet<>();
        for (ValidationMessage message : messages) {
            if ("oneOf".equals(message.getType())) {
                oneOfFailed.add(message.getInstanceLocation().toString());
            }
        }
        Set<String> said = new HashSet<>();
        for (ValidationMessage message : messages) {
            String pointer = message.getInstanceLocation().toString();
            String text;
            if (oneOfFailed.contains(pointer)) {
                // the branches' own complaints say less than this
                text = oneOfMessage(pointer);
            } else {
                text = switch (message.getType()) {
                    case "additionalProperties" -> {
                        pointer = pointer + "/" + message.getProperty();
                        Set<String> allowed = allowedKeys(schemaTree, message);
                        yield "unknown key '" + message.getProperty() + "'"
                                + closest(message.getProperty(), allowed)
                                        .map(key -> " (did you mean '" + key + "'?)")
                                        .orElse("")
                                + "; allowed here: " + String.join(", ", allowed);
                    }
                    case "pattern" -> patternMessage(pointer, message);
                    case "required" -> "'" + message.getProperty() + "' is required here";
                    default ->
                        message.getMessage()
                                .replaceFirst(
                                        "^"
                                                + java.util.regex.Pattern.quote(message.getInstanceLocation()
                                                        .toString())
                                                + ": ",
                                        "");
                };
            }
            if (said.add(pointer + text)) {
                problem(caseIndex(pointer), pointer, text);
            }
        }
    }

    private String oneOfMessage(String pointer) {
        if (pointer.matches("/cases/\\d+")) {
            return "give exactly one of 'sample', 'event' or 'fire' (patch, key and headers go with sample or event)";
        }
        if (pointer.endsWith("/expect")) {
            return "expect either 'deliveries' (with allowOthers if you like) or a 'deadLetter', not both";
        }
        if (pointer.endsWith("/jq")) {
            return "jq is a condition or a list of conditions (text)";
        }
        return "does not match the format (" + SCHEMA_FILE + ")";
    }

    private static String patternMessage(String pointer, ValidationMessage message) {
        if (pointer.endsWith("/jobId")) {
            return "can never match: BullMQ refuses ':' in a job id (the router escapes it in event ids as %3A)";
        }
        if (pointer.endsWith("/bullmq")) {
            return "can never match: BullMQ refuses ':' in a queue name";
        }
        if (pointer.endsWith("/sample")) {
            return "a sample is the name of a file in config/samples, without .json, e.g. message.sent";
        }
        return message.getMessage();
    }

    private static Set<String> allowedKeys(JsonNode schemaTree, ValidationMessage message) {
        String fragment = message.getSchemaLocation().getFragment().toString();
        String parent = fragment.substring(0, Math.max(0, fragment.lastIndexOf('/')));
        Set<String> keys = new TreeSet<>();
        schemaTree.at(parent).path("properties").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** The allowed key a typo most likely meant: at most two edits away. */
    private static Optional<String> closest(String typo, Set<String> allowed) {
        return allowed.stream()
                .filter(key -> distance(typo.toLowerCase(), key.toLowerCase()) <= 2)
                .min(Comparator.comparingInt(key -> distance(typo.toLowerCase(), key.toLowerCase())));
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }

    // ---- one case: its event, and expectations that can match

    private RouteCase build(int index, JsonNode node) {
        String pointer = "/cases/" + index;
        String name = node.path("name").asText();
        Optional<String> topic = sandbox.topicOf(route);
        Instant fire = null;
        byte[] event = null;
        if (node.has("fire")) {
            if (topic.isPresent()) {
                problem(
                        index,
                        pointer + "/fire",
                        "route " + route + " consumes " + topic.get()
                                + ": give the case a 'sample' or an 'event', not a firing instant");
                return null;
            }
            fire = Instant.parse(node.path("fire").asText());
        } else {
            if (topic.isEmpty()) {
                problem(
                        index,
                        pointer,
                        "route " + route + " does not consume chat events (a schedule?):"
                                + " give the case 'fire: <instant>' instead of an event");
                return null;
            }
            event = event(index, node);
            if (event == null) {
                return null;
            }
        }
        Expectation expectation = expectation(index, node.path("expect"), fire != null);
        if (expectation == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers")
                .fields()
                .forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        return new RouteCase(
                route,
                name,
                at(tree.line(pointer)),
                topic.orElse(null),
                event,
                node.path("key").asText(null),
                headers,
                fire,
                expectation,
                List.of());
    }

    /** The record value of a case: the sample or the inline event, with the patch applied. */
    private byte[] event(int index, JsonNode node) {
        String pointer = "/cases/" + index;
        JsonNode event;
        if (node.has("sample")) {
            Path sample = samples.resolve(node.path("sample").asText() + ".json");
            if (!Files.isRegularFile(sample)) {
                problem(
                        index,
                        pointer + "/sample",
                        "missing sample file " + sample + "; the samples are " + sampleNames());
                return null;
            }
            try {
                byte[] bytes = Files.readAllBytes(sample);
                if (!node.has("patch")) {
                    return new String(bytes, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
                }
                event = JSON.readTree(bytes);
            } catch (IOException e) {
                problem(index, pointer + "/sample", "sample file " + sample + " is not JSON: " + e.getMessage());
                return null;
            }
        } else {
            event = node.path("event");
            if (event.isTextual()) {
                if (node.has("patch")) {
                    problem(index, pointer + "/patch", "a patch applies to a JSON object, not to a text event");
                    return null;
                }
                return event.asText().getBytes(StandardCharsets.UTF_8);
            }
        }
        if (node.has("patch")) {
            if (!event.isObject()) {
                problem(index, pointer + "/patch", "a patch applies to a JSON object");
                return null;
            }
            event = mergePatch(event.deepCopy(), node.path("patch"));
        }
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 7396: objects merge key by key, null removes a key, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                JsonNode current = result.has(field.getKey()) ? result.get(field.getKey()) : JSON.nullNode();
                result.set(field.getKey(), mergePatch(current, field.getValue()));
            }
        }
        return result;
    }

    private Expectation expectation(int index, JsonNode expect, boolean schedule) {
        String pointer = "/cases/" + index + "/expect";
        if (expect.has("deadLetter")) {
            if (schedule) {
                problem(index, pointer + "/deadLetter", "can never match: a schedule's job is not dead-lettered");
                return null;
            }
            return new Expectation(List.of(), false, expect.get("deadLetter"), sandbox.context());
        }
        Set<Destination> known = sandbox.destinations(route);
        List<Expectation.Expected> deliveries = new ArrayList<>();
        boolean ok = true;
        JsonNode list = expect.path("deliveries");
        for (int d = 0; d < list.size(); d++) {
            JsonNode spec = list.get(d);
            String at = pointer + "/deliveries/" + d;
            Destination destination = spec.has("rabbitmq")
                    ? new Destination("rabbitmq", spec.path("rabbitmq").asText(), null)
                    : new Destination(
                            "bullmq",
                            spec.path("bullmq").asText(),
                            spec.path("name").asText(null));
            boolean reachable = known.stream()
                    .anyMatch(k -> k.kind().equals(destination.kind())
                            && k.queue().equals(destination.queue())
                            && (destination.jobName() == null
                                    || destination.jobName().equals(k.jobName())));
            if (!reachable) {
                String kind = destination.kind();
                boolean queueKnown = known.stream()
                        .anyMatch(k -> k.kind().equals(kind) && k.queue().equals(destination.queue()));
                problem(
                        index,
                        at + (queueKnown ? "/name" : "/" + kind),
                        "can never match: route " + route + " makes no " + destination
                                + (queueKnown ? "" : " (unknown queue '" + destination.queue() + "')")
                                + "; it can make "
                                + known.stream()
                                        .map(Destination::toString)
                                        .sorted()
                                        .toList());
                ok = false;
                continue;
            }
            List<Expectation.Condition> conditions = new ArrayList<>();
            JsonNode jq = spec.path("jq");
            List<JsonNode> texts = new ArrayList<>();
            if (jq.isTextual()) {
                texts.add(jq);
            } else {
                jq.forEach(texts::add);
            }
            for (int j = 0; j < texts.size(); j++) {
                String text = texts.get(j).asText();
                try {
                    Predicate predicate =
                            sandbox.context().resolveLanguage("jq").createPredicate(text);
                    predicate.init(sandbox.context());
                    conditions.add(new Expectation.Condition(text, predicate));
                } catch (RuntimeException e) {
                    problem(
                            index,
                            at + "/jq" + (jq.isArray() ? "/" + j : ""),
                            "jq condition '" + text + "' does not compile: " + RouteValidator.rootMessage(e));
                    ok = false;
                }
            }
            deliveries.add(new Expectation.Expected(destination, spec, conditions));
        }
        return ok
                ? new Expectation(deliveries, expect.path("allowOthers").asBoolean(false), null, sandbox.context())
                : null;
    }

    // ---- reporting

    private void problem(int caseIndex, String pointer, String text) {
        String line = at(tree.line(pointer)) + where(pointer) + text;
        if (caseIndex < 0) {
            fileProblems.add(line);
        } else {
            caseProblems.computeIfAbsent(caseIndex, i -> new ArrayList<>()).add(line);
        }
    }

    private static int caseIndex(String pointer) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("^/cases/(\\d+)").matcher(pointer);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** {@code /cases/2/expect/deliveries/0} as {@code cases[2].expect.deliveries[0]: }. */
    private static String where(String pointer) {
        if (pointer.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (part.matches("\\d+")) {
                out.append('[').append(part).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".")
                        .append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return out + ": ";
    }

    private String at(int line) {
        return file + ":" + line + ": ";
    }

    private String routeIds() {
        return sandbox.context().getRoutes().stream()
                .map(org.apache.camel.Route::getRouteId)
                .sorted()
                .collect(Collectors.joining(", "));
    }

    private String sampleNames() {
        try (var list = Files.list(samples)) {
            return list.map(p -> p.getFileName().toString().replaceFirst("\\.json$", ""))
                    .sorted()
                    .collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "(none: " + samples + " cannot be listed)";
        }
    }
}
