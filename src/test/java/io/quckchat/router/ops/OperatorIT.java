package io.quckchat.router.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What an operator uses besides metrics: Camel routes over JMX through Jolokia (read, suspend,
 * resume), Hawtio behind the admin credentials, and structured JSON logs whose lines about an
 * event carry its id, route and leg.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperatorIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void routesCanBeSuspendedAndResumedOverJolokiaAndLogsAreStructured(CapturedOutput output) throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(
                ns,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                "--logging.structured.format.console=ecs",
                "--logging.config=classpath:logback-structured-test.xml");
        Http http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        String mbean = "org.apache.camel:context=router-" + ns.id() + ",type=routes,name=\"user-online\"";
        try (RabbitMqProbe rabbit = new RabbitMqProbe(ns);
                KafkaProbe kafka = new KafkaProbe()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
            rabbit.listen("analytics");

            assertThat(http.get("/actuator/hawtio/", null).statusCode()).isEqualTo(401);
            assertThat(http.get("/actuator/hawtio/", Http.admin()).statusCode()).isEqualTo(200);
            assertThat(jolokia(
                                    http,
                                    "{\"type\":\"read\",\"mbean\":\"" + escape(mbean) + "\",\"attribute\":\"State\"}",
                                    null)
                            .path("status")
                            .asInt())
                    .as("Jolokia without credentials")
                    .isZero();
            assertThat(read(http, mbean, "State")).isEqualTo("Started");

            JsonNode suspended = exec(http, mbean, "suspend");
            assertThat(suspended.path("status").asInt())
                    .as(suspended.toString())
                    .isEqualTo(200);
            assertThat(read(http, mbean, "State")).isEqualTo("Suspended");
            String whileSuspended = "presence-" + UUID.randomUUID();
            kafka.send("user.online", "u-1", "{\"userId\":\"u-1\",\"online\":true}", whileSuspended);
            await("nothing consumed while suspended")
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !Deliveries.distinctIds(rabbit.messages("analytics"))
                            .contains(whileSuspended + ".analytics"));

            assertThat(exec(http, mbean, "resume").path("status").asInt()).isEqualTo(200);
            await("delivered after resume")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Deliveries.distinctIds(rabbit.messages("analytics"))
                            .contains(whileSuspended + ".analytics"));
            assertThat(read(http, mbean, "ExchangesCompleted")).isNotEqualTo("0");

            // A line about an event, as JSON with the event id, route and leg in it.
            String bad = "bad-" + UUID.randomUUID();
            kafka.send("user.online", "u-1", "{\"userId\":", bad);
            JsonNode line = await("a structured log line about " + bad)
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> output.getAll()
                                    .lines()
                                    .filter(l -> l.startsWith("{") && l.contains(bad) && l.contains("Rejecting"))
                                    .findFirst()
                                    .map(OperatorIT::parse)
                                    .orElse(null),
                            node -> node != null);
            assertThat(line.path("eventId").asText()).isEqualTo(bad);
            assertThat(line.path("route").asText()).isEqualTo("user-online");
            assertThat(line.path("topic").asText()).isEqualTo("user.online");
            assertThat(line.path("log").path("level").asText()).isEqualTo("WARN");
            JsonNode written = await("a structured line about the dead-letter leg")
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> output.getAll()
                                    .lines()
                                    .filter(l -> l.startsWith("{") && l.contains(bad) && l.contains("Dead-lettered"))
                                    .findFirst()
                                    .map(OperatorIT::parse)
                                    .orElse(null),
                            node -> node != null);
            assertThat(written.path("leg").asText()).isEqualTo("dead-letter:event");
        } finally {
            router.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    private static String read(Http http, String mbean, String attribute) throws Exception {
        JsonNode answer = jolokia(
                http,
                "{\"type\":\"read\",\"mbean\":\"" + escape(mbean) + "\",\"attribute\":\"" + attribute + "\"}",
                Http.admin());
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
        return answer.path("value").asText();
    }

    private static JsonNode exec(Http http, String mbean, String operation) throws Exception {
        return jolokia(
                http,
                "{\"type\":\"exec\",\"mbean\":\"" + escape(mbean) + "\",\"operation\":\"" + operation + "()\"}",
                Http.admin());
    }

    private static JsonNode jolokia(Http http, String request, String authorization) throws Exception {
        var response = http.post("/actuator/jolokia", "application/json", request, authorization);
        if (response.statusCode() != 200) {
            return JSON.createObjectNode().put("status", 0).put("http", response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static String escape(String mbean) {
        return mbean.replace("\"", "\\\"");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            return null;
        }
    }
}
