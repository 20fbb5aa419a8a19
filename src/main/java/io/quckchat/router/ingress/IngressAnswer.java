package io.quckchat.router.ingress;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer of the ingress: a status, a content type, a body and its own few headers
 * (Retry-After, Idempotent-Replayed, WWW-Authenticate), and nothing else: no request header is
 * echoed. Written with the security headers every answer of the router carries.
 */
record IngressAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {

    /** What Spring Security's default header writers add to the router's other answers. */
    private static final Map<String, String> SECURITY_HEADERS = securityHeaders();

    static IngressAnswer json(int status, String body) {
        return new IngressAnswer(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static IngressAnswer of(Problem problem) {
        IngressAnswer answer = new IngressAnswer(
                problem.status(),
                Problem.MEDIA_TYPE,
                problem.toJson(EventIngress.JSON).toString().getBytes(StandardCharsets.UTF_8),
                Map.of());
        if (problem.retryAfter() > 0) {
            answer = answer.with(EventIngress.RETRY_AFTER, Integer.toString(problem.retryAfter()));
        }
        if (problem.status() == 413) {
            // Do not keep reading what the client still sends.
            answer = answer.with("Connection", "close");
        }
        return answer;
    }

    IngressAnswer with(String header, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(header, value);
        return new IngressAnswer(status, contentType, body, Map.copyOf(more));
    }

    void writeTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        securityHeaders(response);
        headers.forEach(response::setHeader);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The security headers alone, for an answer that Spring Boot's error page writes (404, 405). */
    static void securityHeaders(HttpServletResponse response) {
        SECURITY_HEADERS.forEach(response::setHeader);
    }

    private static Map<String, String> securityHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-XSS-Protection", "0");
        headers.put("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
        headers.put("Pragma", "no-cache");
        headers.put("Expires", "0");
        headers.put("X-Frame-Options", "DENY");
        return headers;
    }
}
