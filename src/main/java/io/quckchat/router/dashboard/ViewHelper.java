package io.quckchat.router.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;

/**
 * Formatting for the console's templates ({@code ${view.json(job.data)}}): times, clipped texts and
 * readable JSON. Only formats; the template engine escapes what it returns.
 */
public final class ViewHelper {

    static final ViewHelper INSTANCE = new ViewHelper();

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Longest JSON the console indents; longer texts are shown as they are, clipped. */
    private static final int MAX_JSON = 200_000;

    private ViewHelper() {}

    /** An epoch-millisecond time as ISO-8601 (UTC); empty for null. */
    public String iso(Long epochMillis) {
        return epochMillis == null ? "" : Instant.ofEpochMilli(epochMillis).toString();
    }

    /** At most {@code max} characters, and how many more there were. */
    public String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max) + " … (" + (text.length() - max) + " more)";
    }

    /** JSON indented for reading; text that is not JSON as it is. Clipped at {@code max} characters. */
    public String json(String text, int max) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        if (text.length() <= MAX_JSON) {
            try {
                JsonNode tree = JSON.readTree(text);
                if (tree != null) {
                    return clip(JSON.writeValueAsString(tree), max);
                }
            } catch (JsonProcessingException notJson) {
                // shown as it is
            }
        }
        return clip(text, max);
    }
}
