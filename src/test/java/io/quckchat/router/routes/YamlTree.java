package io.quckchat.router.routes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document as a JSON tree that remembers the line of every node, by JSON pointer ({@code
 * /cases/2/expect}), so that a problem found in the tree is reported at its line in the file.
 */
final class YamlTree {

    /** The file cannot be read as YAML; {@link #line} is where the parser gave up. */
    static final class MalformedException extends Exception {
        final int line;

        MalformedException(String message, int line) {
            super(message);
            this.line = line;
        }
    }

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlTree(JsonNode root, Map<String, Integer> lines) {
        this.root = root;
        this.lines = lines;
    }

    static YamlTree read(Path file) throws IOException, MalformedException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(Files.readAllBytes(file))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlTree(NODES.nullNode(), lines);
            }
            JsonNode root = node(parser, "", lines);
            if (parser.nextToken() != null) {
                throw new MalformedException("more than one YAML document", line(parser));
            }
            return new YamlTree(root, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            throw new MalformedException(e.getOriginalMessage().replaceAll("\\s+", " "), line);
        }
    }

    /** The line of the node at this JSON pointer, else of its closest parent that has one. */
    int line(String pointer) {
        String at = pointer;
        while (true) {
            Integer line = lines.get(at);
            if (line != null) {
                return line;
            }
            if (at.isEmpty()) {
                return 1;
            }
            at = at.substring(0, at.lastIndexOf('/'));
        }
    }

    private static JsonNode node(JsonParser parser, String pointer, Map<String, Integer> lines) throws IOException {
        lines.putIfAbsent(pointer, line(parser));
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                    lines.put(child, line(parser));
                    parser.nextToken();
                    object.set(name, node(parser, child, lines));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(parser, pointer + "/" + index++, lines));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDecimalValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseProblem("unexpected " + token, parser);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static final class JsonParseProblem extends JsonProcessingException {
        JsonParseProblem(String message, JsonParser parser) {
            super(message, parser.currentTokenLocation());
        }
    }
}
