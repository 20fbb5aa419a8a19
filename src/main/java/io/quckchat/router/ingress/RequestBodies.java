package io.quckchat.router.ingress;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reading a JSON request body with a size limit, answered with the ingress's problem documents. */
public final class RequestBodies {

    private RequestBodies() {}

    /** The body, or null as soon as it proves longer than {@code limit}: never more than limit + 1 bytes are read. */
    public static byte[] readAtMost(InputStream in, long limit, long declared) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 256), limit));
        byte[] chunk = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(chunk, 0, (int) Math.min(chunk.length, limit + 1 - total))) > 0) {
            total += n;
            if (total > limit) {
                return null;
            }
            buffer.write(chunk, 0, n);
        }
        return buffer.toByteArray();
    }

    /** The body as JSON; a 400 {@code malformed-json} problem saying where it breaks, if it is not. */
    public static JsonNode parse(byte[] body, ObjectMapper json) throws ProblemException {
        if (body == null || body.length == 0) {
            throw new ProblemException(
                    new Problem(400, "malformed-json", "The body is empty", "body", "expected a JSON value"));
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ProblemException(
                        new Problem(400, "malformed-json", "The body is empty", "body", "expected a JSON value"));
            }
            return node;
        } catch (JacksonException e) {
            String where = e.getLocation() == null
                    ? "body"
                    : "body line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw new ProblemException(
                    new Problem(400, "malformed-json", "The body is not valid JSON", where, e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ProblemException(
                    new Problem(400, "malformed-json", "The body cannot be read", "body", e.getMessage()));
        }
    }
}
