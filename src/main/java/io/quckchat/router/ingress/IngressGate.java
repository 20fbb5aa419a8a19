package io.quckchat.router.ingress;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * What every request to {@code /api/v1} passes before the ingress looks at it, in this order:
 *
 * <ol>
 *   <li><b>401</b> without a bearer token (unless anonymous access is configured) or with an
 *       unknown one, with a {@code WWW-Authenticate} challenge; the token is never logged.
 *   <li><b>415</b> for a POST whose Content-Type is not the document's {@code application/json}
 *       (UTF-8).
 *   <li><b>413</b> for a body over {@code max-body-size}: a larger Content-Length is refused
 *       without reading, and a body without one is read only up to the limit, then refused.
 * </ol>
 */
final class IngressGate {

    static final String REALM = "Bearer realm=\"quckchat-ingress\"";

    /** A request that passed: its caller and its body (empty unless a POST). */
    record Passed(Caller caller, byte[] body) {}

    /** Either passed, or refused with this answer. */
    record Verdict(Passed passed, IngressAnswer refusal) {}

    private static final byte[] NO_BODY = new byte[0];

    private final Callers callers;
    private final IngressContract contract;
    private final long maxBody;

    IngressGate(Callers callers, IngressContract contract, long maxBody) {
        this.callers = callers;
        this.contract = contract;
        this.maxBody = maxBody;
    }

    Verdict check(HttpServletRequest request) throws IOException {
        Caller caller;
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            caller = callers.anonymous().orElse(null);
            if (caller == null) {
                return refuse(Problem.unauthorized("no bearer token: send 'Authorization: Bearer <token>'"), REALM);
            }
        } else if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(
                    Problem.unauthorized("the Authorization header is not a bearer token"),
                    REALM + ", error=\"invalid_request\"");
        } else {
            caller = callers.byToken(authorization.substring(7).trim()).orElse(null);
            if (caller == null) {
                return refuse(
                        Problem.unauthorized("the bearer token is not a known ingress token"),
                        REALM + ", error=\"invalid_token\"");
            }
        }
        if (!"POST".equals(request.getMethod())) {
            return new Verdict(new Passed(caller, NO_BODY), null);
        }
        if (!contract.acceptsMediaType(request.getContentType())) {
            return refuse(Problem.unsupportedMediaType(request.getContentType()), null);
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            return refuse(Problem.tooLarge(maxBody, "Content-Length is " + declared + " bytes"), null);
        }
        byte[] body = RequestBodies.readAtMost(request.getInputStream(), maxBody, declared);
        if (body == null) {
            return refuse(Problem.tooLarge(maxBody, "the body is longer than the limit"), null);
        }
        return new Verdict(new Passed(caller, body), null);
    }

    private static Verdict refuse(Problem problem, String challenge) {
        IngressAnswer answer = IngressAnswer.of(problem);
        return new Verdict(null, challenge == null ? answer : answer.with("WWW-Authenticate", challenge));
    }
}
