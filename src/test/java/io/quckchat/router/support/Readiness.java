package io.quckchat.router.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;

/** A router's probes and health, as Kubernetes and an admin see them. */
public final class Readiness {

    private Readiness() {}

    /** The HTTP client of a router started in this JVM. */
    public static Http http(ConfigurableApplicationContext router) {
        return new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
    }

    /** The status code of a GET without credentials (the probes need none). */
    public static int status(Http http, String path) throws Exception {
        return http.get(path, null).statusCode();
    }

    public static void awaitReady(Http http, String what, Duration atMost) {
        await(what).atMost(atMost).until(() -> status(http, "/actuator/health/readiness") == 200);
    }

    /**
     * Starts a router with these settings and checks that a broker refuses it the way operators
     * must see it (the admin password is set for the health details): the router is up (liveness 200) and unready (readiness 503), and its health
     * (admin) has the broker DOWN with {@code "error":"<broker>: ..."} naming the reason, and no
     * secret.
     */
    public static void assertRefused(
            String broker, String what, String reason, String secret, Namespace ns, String... settings)
            throws Exception {
        String[] args = new String[settings.length + 1];
        args[0] = "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD;
        System.arraycopy(settings, 0, args, 1, settings.length);
        ConfigurableApplicationContext router = RouterApp.start(ns, args);
        try {
            Http http = http(router);
            await("unready with " + what)
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> status(http, "/actuator/health/readiness") == 503);
            assertThat(status(http, "/actuator/health/liveness")).isEqualTo(200);
            assertThat(http.get("/actuator/health", Http.admin()).body())
                    .as(what)
                    .contains("\"" + broker + "\":{\"status\":\"DOWN\"")
                    .contains("\"error\":\"" + broker + ": ")
                    .contains(reason)
                    .doesNotContain(secret);
        } finally {
            router.close();
        }
    }
}
