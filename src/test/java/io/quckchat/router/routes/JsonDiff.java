package io.quckchat.router.routes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The differences between an expected and an actual JSON value, one line per difference with its
 * path ({@code opts.priority expected 10, got 9}). Numbers compare by value (10 = 10.0).
 */
final class JsonDiff {

    private JsonDiff() {}

    /** Every difference: a key or item missing, one that is not expected, a value that differs. */
    static List<String> exact(String path, JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        diff(path, expected, actual, false, out);
        return out;
    }

    /** As {@link #exact}, but objects may have keys the expected one does not name. */
    static List<String> subset(String path, JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        diff(path, expected, actual, true, out);
        return out;
    }

    private static void diff(String path, JsonNode expected, JsonNode actual, boolean subset, List<String> out) {
        if (actual == null || actual.isMissingNode()) {
            out.add(path + " expected " + show(expected) + ", missing");
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                diff(child(path, field.getKey()), field.getValue(), actual.get(field.getKey()), subset, out);
            }
            if (!subset) {
                for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!expected.has(name)) {
                        out.add(child(path, name) + " not expected, got " + show(actual.get(name)));
                    }
                }
            }
            return;
        }
        if (expected.isArray() && actual.isArray()) {
            int common = Math.min(expected.size(), actual.size());
            for (int i = 0; i < common; i++) {
                diff(path + "[" + i + "]", expected.get(i), actual.get(i), subset, out);
            }
            if (expected.size() != actual.size()) {
                out.add(path + " expected " + expected.size() + " item(s), got " + actual.size() + ": " + show(actual));
            }
            return;
        }
        if (!same(expected, actual)) {
            out.add(path + " expected " + show(expected) + ", got " + show(actual));
        }
    }

    static boolean same(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private static String child(String path, String name) {
        String key = name.matches("[A-Za-z_$][A-Za-z0-9_$-]*") ? name : "['" + name + "']";
        if (path.isEmpty()) {
            return key;
        }
        return key.startsWith("[") ? path + key : path + "." + key;
    }

    /** A value as compact JSON, shortened past 120 characters. */
    static String show(JsonNode node) {
        String text = node == null || node.isMissingNode() ? "nothing" : node.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
