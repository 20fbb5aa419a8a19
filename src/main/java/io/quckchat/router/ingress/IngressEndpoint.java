package io.quckchat.router.ingress;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The HTTP ingress, {@code /api/v1} as {@code openapi/ingress.yaml} describes it, served by this one
 * servlet filter at the head of the router's filter chain: it answers every request under {@code
 * /api/v1} itself and passes none on, so the request does not also pay for the chain behind it
 * (Spring Security's filters with an observation around each, Spring MVC's handler lookup, an
 * asynchronous re-dispatch): that chain cost four times the ingress's own work per event
 * (docs/benchmark.md, "The ingress").
 *
 * <p>In order: a path Spring Security's firewall would reject (encoded dots or slashes, {@code ;},
 * {@code //}) goes on to the chain, which refuses it with 400 as on every other path; then {@link
 * IngressGate} (401, 415, 413); then the operation by path and method: an unknown path is 404 and
 * a known path with another method 405 with {@code Allow} (both as Spring Boot's error document,
 * like the router's other paths), {@code OPTIONS} says {@code Allow}; then {@link EventIngress}.
 */
final class IngressEndpoint implements Filter {

    static final String BASE = "/api/v1";
    private static final String EVENTS = BASE + "/events";

    /** The operations of openapi/ingress.yaml, by path. */
    enum Operation {
        POST_EVENT("POST"),
        POST_BATCH("POST"),
        OPENAPI_YAML("GET,HEAD"),
        OPENAPI_JSON("GET,HEAD"),
        NONE("");

        final String allow;

        Operation(String allow) {
            this.allow = allow;
        }

        static Operation of(String path) {
            if (path.startsWith(EVENTS + "/")) {
                return path.length() > EVENTS.length() + 1 && path.indexOf('/', EVENTS.length() + 1) < 0
                        ? POST_EVENT
                        : NONE;
            }
            return switch (path) {
                case EVENTS -> POST_BATCH;
                case BASE + "/openapi.yaml" -> OPENAPI_YAML;
                case BASE + "/openapi.json" -> OPENAPI_JSON;
                default -> NONE;
            };
        }

        boolean allows(String method) {
            return ("," + allow + ",").contains("," + method + ",");
        }
    }

    private final IngressGate gate;
    private final EventIngress ingress;
    private final StrictHttpFirewall firewall = new StrictHttpFirewall();
    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    IngressEndpoint(IngressGate gate, EventIngress ingress, MeterRegistry meters) {
        this.gate = gate;
        this.ingress = ingress;
        this.meters = meters;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!(path.startsWith(BASE) && (path.length() == BASE.length() || path.charAt(BASE.length()) == '/'))) {
            chain.doFilter(request, response);
            return;
        }
        try {
            firewall.getFirewalledRequest(request);
        } catch (RequestRejectedException e) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        Operation operation = Operation.of(path);
        String method = request.getMethod();
        IngressAnswer answer;
        try {
            IngressGate.Verdict verdict = gate.check(request);
            if (verdict.refusal() != null) {
                answer = verdict.refusal();
            } else if (operation == Operation.NONE || !operation.allows(method)) {
                // Spring Boot's error document, like the router's other paths
                IngressAnswer.securityHeaders(response);
                if (operation == Operation.NONE) {
                    response.sendError(404);
                } else if ("OPTIONS".equals(method)) {
                    response.setHeader("Allow", operation.allow + ",OPTIONS");
                } else {
                    response.setHeader("Allow", operation.allow);
                    response.sendError(405);
                }
                return;
            } else {
                answer = answer(operation, path, request, verdict.passed());
            }
        } catch (RuntimeException e) {
            answer = ingress.failed(method + " " + path, e);
        }
        answer.writeTo(response);
        timer(operation, answer.status()).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private IngressAnswer answer(
            Operation operation, String path, HttpServletRequest request, IngressGate.Passed passed) {
        return switch (operation) {
            case POST_EVENT ->
                ingress.single(
                        passed.caller(),
                        path.substring(EVENTS.length() + 1), // as sent: not URL-decoded
                        request.getHeader(EventIngress.IDEMPOTENCY_KEY),
                        request.getHeader(EventIngress.EVENT_KEY),
                        passed.body());
            case POST_BATCH ->
                ingress.batch(passed.caller(), request.getHeader(EventIngress.IDEMPOTENCY_KEY), passed.body());
            case OPENAPI_YAML -> ingress.openApi(false);
            case OPENAPI_JSON -> ingress.openApi(true);
            case NONE -> throw new IllegalStateException("no operation");
        };
    }

    /** {@code quckchat_ingress_requests_seconds} per operation and status. */
    private Timer timer(Operation operation, int status) {
        return timers.computeIfAbsent(
                operation.name() + status,
                k -> Timer.builder("quckchat.ingress.requests")
                        .description("Answered requests of the HTTP ingress, by operation and status")
                        .tag("operation", operation.name().toLowerCase(java.util.Locale.ROOT))
                        .tag("status", Integer.toString(status))
                        .register(meters));
    }
}
