package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The gate of {@code /api/v1/**}, in the ingress security filter chain, before any Camel code
 * sees the request:
 *
 * <ol>
 *   <li><b>401</b> without a bearer token (unless anonymous access is configured) or with an
 *       unknown one; the token is never logged.
 *   <li><b>415</b> for a POST whose Content-Type is not the document's {@code application/json}
 *       (UTF-8): Camel would otherwise parse a form or multipart body before the route runs.
 *   <li><b>413</b> for a body over {@code max-body-size}: a larger Content-Length is refused
 *       without reading, and a body without one is read only up to the limit, then refused.
 *   <li>Hands Camel a request without {@code Camel*} headers and without query parameters (the
 *       API has none, and Camel would turn them into message headers), whose body is the bytes
 *       read here.
 * </ol>
 *
 * The caller travels to the route as a request attribute ({@link #CALLER}).
 */
class IngressFilter extends OncePerRequestFilter {

    static final String CALLER = Caller.class.getName();
    static final String REALM = "Bearer realm=\"quckchat-ingress\"";

    private final Callers callers;
    private final IngressContract contract;
    private final long maxBody;
    private final ObjectMapper json;

    IngressFilter(Callers callers, IngressContract contract, long maxBody, ObjectMapper json) {
        this.callers = callers;
        this.contract = contract;
        this.maxBody = maxBody;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller;
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            caller = callers.anonymous().orElse(null);
            if (caller == null) {
                refuse(
                        response,
                        Problem.unauthorized("no bearer token: send 'Authorization: Bearer <token>'"),
                        REALM,
                        json);
                return;
            }
        } else if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            refuse(
                    response,
                    Problem.unauthorized("the Authorization header is not a bearer token"),
                    REALM + ", error=\"invalid_request\"",
                    json);
            return;
        } else {
            caller = callers.byToken(authorization.substring(7).trim()).orElse(null);
            if (caller == null) {
                refuse(
                        response,
                        Problem.unauthorized("the bearer token is not a known ingress token"),
                        REALM + ", error=\"invalid_token\"",
                        json);
                return;
            }
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                caller.name(), null, List.of(new SimpleGrantedAuthority("ROLE_INGRESS"))));
        SecurityContextHolder.setContext(context);
        request.setAttribute(CALLER, caller);

        if ("POST".equals(request.getMethod()) && !contract.acceptsMediaType(request.getContentType())) {
            refuse(response, Problem.unsupportedMediaType(request.getContentType()), null, json);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            refuse(response, Problem.tooLarge(maxBody, "Content-Length is " + declared + " bytes"), null, json);
            return;
        }
        byte[] body = RequestBodies.readAtMost(request.getInputStream(), maxBody, declared);
        if (body == null) {
            refuse(response, Problem.tooLarge(maxBody, "the body is longer than the limit"), null, json);
            return;
        }
        chain.doFilter(new Checked(request, body), response);
    }

    static void refuse(HttpServletResponse response, Problem problem, String challenge, ObjectMapper json)
            throws IOException {
        if (challenge != null) {
            response.setHeader("WWW-Authenticate", challenge);
        }
        problem.writeTo(response, json);
    }

    /** The request Camel sees: the bytes read, no Camel* headers, no query parameters. */
    static final class Checked extends HttpServletRequestWrapper {

        private final byte[] body;

        Checked(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        private static boolean hidden(String name) {
            return name != null && name.toLowerCase(Locale.ROOT).startsWith("camel");
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name))
                    .toList());
        }

        @Override
        public String getQueryString() {
            return null;
        }

        @Override
        public String getParameter(String name) {
            return null;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return Map.of();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public String[] getParameterValues(String name) {
            return null;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = StandardCharsets.UTF_8;
            try {
                if (getCharacterEncoding() != null) {
                    charset = Charset.forName(getCharacterEncoding());
                }
            } catch (IllegalArgumentException e) {
                // an unknown charset is refused later (415); read as UTF-8 meanwhile
            }
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }
    }
}
