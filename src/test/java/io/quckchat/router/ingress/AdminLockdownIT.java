package io.quckchat.router.ingress;

import static io.quckchat.router.ingress.IngressClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.support.Http;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestReport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every admin surface refuses strangers — no credentials, wrong admin credentials, an ingress
 * token — while liveness and readiness stay open; with no ADMIN_PASSWORD (the default) the admin
 * surfaces refuse everyone, whatever they send.
 */
class AdminLockdownIT {

    /** Method and path of every admin surface, plus paths no one should reach. */
    static final List<String[]> ADMIN_PATHS = List.of(
            new String[] {"GET", "/admin/dead-letters"},
            new String[] {"GET", "/admin/dead-letters/message.sent/0/0"},
            new String[] {"POST", "/admin/dead-letters/redrive"},
            new String[] {"GET", "/admin/queues"},
            new String[] {"GET", "/admin/queues/api/queues"},
            new String[] {"GET", "/actuator"},
            new String[] {"GET", "/actuator/prometheus"},
            new String[] {"GET", "/actuator/metrics"},
            new String[] {"GET", "/actuator/metrics/jvm.memory.used"},
            new String[] {"GET", "/actuator/info"},
            new String[] {"GET", "/actuator/env"},
            new String[] {"GET", "/actuator/configprops"},
            new String[] {"GET", "/actuator/beans"},
            new String[] {"GET", "/actuator/loggers"},
            new String[] {"POST", "/actuator/loggers/io.quckchat"},
            new String[] {"GET", "/actuator/heapdump"},
            new String[] {"GET", "/actuator/threaddump"},
            new String[] {"GET", "/actuator/camelroutes"},
            new String[] {"POST", "/actuator/shutdown"},
            new String[] {"GET", "/actuator/hawtio"},
            new String[] {"GET", "/actuator/hawtio/jolokia"},
            new String[] {"GET", "/actuator/jolokia"},
            new String[] {"GET", "/actuator/jolokia/read/java.lang:type=Memory"},
            new String[] {"POST", "/actuator/jolokia"},
            new String[] {"GET", "/hawtio"},
            new String[] {"GET", "/jolokia"},
            new String[] {"GET", "/"},
            new String[] {"GET", "/error"});

    @Test
    void adminSurfacesRefuseStrangersAndProbesStayOpen() {
        ConfigurableApplicationContext router =
                RouterApp.start(Namespace.random(), withTokens("--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD));
        try {
            IngressClient http = new IngressClient(router);
            List<String> strangers = List.of(
                    "",
                    Http.basic("admin", "wrong-password-123"),
                    Http.basic("root", Http.ADMIN_PASSWORD),
                    Http.basic("admin", ""),
                    bearer(IngressIT.CHAT),
                    Http.basic("chat-service", IngressIT.CHAT),
                    "Bearer " + Http.ADMIN_PASSWORD);
            int refused = refuseAll(http, strangers);

            // The probes answer anyone.
            for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
                HttpResponse<String> response = http.request("GET", probe);
                assertThat(response.statusCode()).as(probe).isEqualTo(200);
                assertThat(response.body()).contains("UP");
            }
            // The admin credentials do open the admin surfaces: the refusals above are about who asked.
            assertThat(http.request("GET", "/admin/dead-letters", "Authorization", Http.admin())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(http.request("GET", "/actuator/prometheus", "Authorization", Http.admin())
                            .statusCode())
                    .isEqualTo(200);
            // And they open nothing on the ingress.
            assertThat(http.post(
                                    "/api/v1/events/user.online",
                                    "{\"userId\":\"u-1\",\"online\":true}",
                                    "Authorization",
                                    Http.admin(),
                                    "Content-Type",
                                    "application/json")
                            .statusCode())
                    .isEqualTo(401);
            TestReport.line(
                    "AdminLockdownIT: %d requests to %d admin paths with %d kinds of wrong or missing credentials: all refused",
                    refused, ADMIN_PATHS.size(), strangers.size());
        } finally {
            router.close();
        }
    }

    @Test
    void withoutAnAdminPasswordTheAdminSurfacesRefuseEveryone() {
        ConfigurableApplicationContext router = RouterApp.start(Namespace.random(), withTokens());
        try {
            IngressClient http = new IngressClient(router);
            refuseAll(
                    http,
                    List.of(
                            "",
                            Http.basic("admin", ""),
                            Http.basic("admin", "admin"),
                            Http.admin(),
                            bearer(IngressIT.CHAT)));
            assertThat(http.request("GET", "/actuator/health/readiness").statusCode())
                    .isEqualTo(200);
        } finally {
            router.close();
        }
    }

    private static int refuseAll(IngressClient http, List<String> credentials) {
        int count = 0;
        for (String[] surface : ADMIN_PATHS) {
            for (String authorization : credentials) {
                HttpResponse<String> response = authorization.isEmpty()
                        ? http.request(surface[0], surface[1])
                        : http.request(surface[0], surface[1], "Authorization", authorization);
                assertThat(response.statusCode())
                        .as(surface[0] + " " + surface[1] + " with '" + authorization + "': " + response.body())
                        .isIn(401, 403);
                assertThat(response.body()).doesNotContain(Http.ADMIN_PASSWORD).doesNotContain(IngressIT.CHAT);
                count++;
            }
        }
        return count;
    }

    private static String[] withTokens(String... more) {
        List<String> args = new ArrayList<>(List.of(IngressIT.tokens()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
