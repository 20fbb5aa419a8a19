package io.quckchat.router.ingress;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

/** How the ingress answers a request: a status, a content type and a body, and nothing else. */
final class IngressAnswers {

    private IngressAnswers() {}

    /** The caller {@link IngressFilter} authenticated, or null. */
    static Caller caller(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage http) {
            HttpServletRequest request = http.getRequest();
            if (request != null && request.getAttribute(IngressFilter.CALLER) instanceof Caller caller) {
                return caller;
            }
        }
        return null;
    }

    static void respond(Exchange exchange, Problem problem) {
        respond(
                exchange,
                problem.status(),
                Problem.MEDIA_TYPE,
                problem.toJson(EventIngress.JSON).toString());
        if (problem.retryAfter() > 0) {
            exchange.getMessage().setHeader(EventIngress.RETRY_AFTER, problem.retryAfter());
        }
    }

    /** The answer, and nothing else: no request header may echo back (Authorization!). */
    static void respond(Exchange exchange, int status, String contentType, Object body) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }
}
