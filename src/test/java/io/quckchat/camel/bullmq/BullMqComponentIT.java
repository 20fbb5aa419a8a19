package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The {@code bullmq} component in a Camel context, from the Java DSL and from YAML, on a real Redis. */
class BullMqComponentIT {

    private static final TestRedis REDIS = TestRedis.get();

    private final StringRedisTemplate redis = REDIS.redis();
    private String prefix;
    private CamelContext camel;
    private ProducerTemplate template;

    record Welcome(String to, String template) {}

    @BeforeEach
    void setUp() {
        prefix = TestRedis.randomPrefix();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("bullmq", new BullMqComponent(new BullMqClient(REDIS.factory(), prefix)));
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void tearDown() throws Exception {
        camel.close();
        REDIS.deleteAll(prefix);
    }

    private Map<Object, Object> hash(String queue, String id) {
        return redis.opsForHash().entries(prefix + ":" + queue + ":" + id);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            map.put((String) kv[i], kv[i + 1]);
        }
        return map;
    }

    @Test
    void aJavaDslRouteAddsTheBodyWithTheEndpointsOptionsAndReturnsTheId() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:welcome")
                        .to("bullmq:email?jobName=send-welcome&attempts=5&backoffType=fixed&backoffDelay=250"
                                + "&removeOnComplete=true&removeOnFail=100");
            }
        });
        camel.start();

        Exchange out =
                template.request("direct:welcome", e -> e.getMessage().setBody(map("to", "a@b.c", "userId", "u1")));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(BullMqConstants.JOB_ID)).isEqualTo("1");
        Map<Object, Object> job = hash("email", "1");
        assertThat(job.get("name")).isEqualTo("send-welcome");
        assertThat(job.get("data")).isEqualTo("{\"to\":\"a@b.c\",\"userId\":\"u1\"}");
        assertThat(job.get("opts"))
                .isEqualTo("{\"attempts\":5,\"backoff\":{\"type\":\"fixed\",\"delay\":250},"
                        + "\"removeOnComplete\":true,\"removeOnFail\":100}");
    }

    @Test
    void endpointDefaultsAreTheContractsDefaults() throws Exception {
        camel.start();
        template.sendBody("bullmq:email?jobName=x", "{}");
        assertThat(hash("email", "1").get("opts"))
                .isEqualTo(BullMqJobOptions.defaults().toJson());
    }

    @Test
    void aYamlRouteUsesTheComponentWithParameters() throws Exception {
        String yaml = """
                - route:
                    id: yaml-welcome
                    from:
                      uri: direct:yaml
                      steps:
                        - to:
                            uri: bullmq:email
                            parameters:
                              jobName: send-welcome
                              delay: 5000
                              backoffJitter: 0.5
                              removeOnComplete: "age:3600,count:10"
                              removeOnFail: "false"
                """;
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("welcome.camel.yaml", yaml));
        camel.start();

        String id = template.request("direct:yaml", e -> e.getMessage().setBody("{\"to\":\"y@b.c\"}"))
                .getMessage()
                .getHeader(BullMqConstants.JOB_ID, String.class);

        Map<Object, Object> job = hash("email", id);
        assertThat(job.get("name")).isEqualTo("send-welcome");
        assertThat(job.get("data")).isEqualTo("{\"to\":\"y@b.c\"}");
        assertThat(job.get("delay")).isEqualTo("5000");
        assertThat(job.get("opts"))
                .isEqualTo("{\"attempts\":3,\"backoff\":{\"type\":\"exponential\",\"delay\":1000,\"jitter\":0.5},"
                        + "\"delay\":5000,\"removeOnComplete\":{\"age\":3600,\"count\":10},\"removeOnFail\":false}");
        assertThat(redis.opsForZSet().size(prefix + ":email:delayed")).isEqualTo(1);
    }

    @Test
    void headersOverrideTheEndpointOptionsForOneMessage() throws Exception {
        camel.start();
        Map<String, Object> headers = map(
                BullMqConstants.QUEUE, "push",
                BullMqConstants.JOB_NAME, "incoming-call",
                BullMqConstants.JOB_ID, "evt-9.incoming-call",
                BullMqConstants.ATTEMPTS, "7",
                BullMqConstants.BACKOFF_DELAY, 300,
                BullMqConstants.BACKOFF_JITTER, "0.25",
                BullMqConstants.PRIORITY, 1,
                BullMqConstants.LIFO, true,
                BullMqConstants.REMOVE_ON_COMPLETE, "5",
                BullMqConstants.REMOVE_ON_FAIL, "default",
                BullMqConstants.TIMESTAMP, 1_700_000_000_000L);
        String id = template.requestBodyAndHeaders("bullmq:email?jobName=ignored", "{\"c\":1}", headers, String.class)
                        == null
                ? null
                : "evt-9.incoming-call";

        Map<Object, Object> job = hash("push", id);
        assertThat(job.get("name")).isEqualTo("incoming-call");
        assertThat(job.get("priority")).isEqualTo("1");
        assertThat(job.get("timestamp")).isEqualTo("1700000000000");
        assertThat(job.get("opts"))
                .isEqualTo("{\"attempts\":7,\"backoff\":{\"type\":\"exponential\",\"delay\":300,\"jitter\":0.25},"
                        + "\"priority\":1,\"lifo\":true,\"jobId\":\"evt-9.incoming-call\",\"removeOnComplete\":5,"
                        + "\"timestamp\":1700000000000}");
        assertThat(redis.opsForZSet().range(prefix + ":push:prioritized", 0, -1))
                .containsExactly(id);
        assertThat(redis.hasKey(prefix + ":email:id")).isFalse();

        // backoffType none drops the backoff; delay 0 and priority 0 mean none.
        template.sendBodyAndHeaders(
                "bullmq:email?jobName=n&delay=1000&priority=3",
                "{}",
                map(
                        BullMqConstants.BACKOFF_TYPE, "none",
                        BullMqConstants.DELAY, 0,
                        BullMqConstants.PRIORITY, "0"));
        assertThat(hash("email", "1"))
                .containsEntry(
                        "opts",
                        "{\"attempts\":3,\"removeOnComplete\":{\"age\":86400,\"count\":10000},"
                                + "\"removeOnFail\":{\"age\":604800}}")
                .containsEntry("delay", "0")
                .containsEntry("priority", "0");
    }

    @Test
    void theIdAnEarlierEndpointSetIsNotTakenAsACustomId() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:two").to("bullmq:a?jobName=x").to("bullmq:b?jobName=y");
            }
        });
        camel.start();

        Exchange auto = template.request("direct:two", e -> e.getMessage().setBody("{}"));
        assertThat(auto.getException()).isNull();
        assertThat(auto.getMessage().getHeader(BullMqConstants.JOB_ID)).isEqualTo("1");
        assertThat(redis.opsForList().range(prefix + ":a:wait", 0, -1)).containsExactly("1");
        assertThat(redis.opsForList().range(prefix + ":b:wait", 0, -1)).containsExactly("1");

        Exchange custom = template.request("direct:two", e -> {
            e.getMessage().setBody("{}");
            e.getMessage().setHeader(BullMqConstants.JOB_ID, "evt-1.x");
        });
        assertThat(custom.getException()).isNull();
        assertThat(redis.opsForList().range(prefix + ":b:wait", 0, -1)).containsExactly("evt-1.x", "1");
    }

    @Test
    void bodiesBecomeJsonData() throws Exception {
        camel.start();
        String uri = "bullmq:q?jobName=n";
        ObjectMapper mapper = new ObjectMapper();
        template.sendBody(uri, "{ \"kept\" : [1, 2] }");
        template.sendBody(uri, "plain text");
        template.sendBody(uri, "{\"bytes\":true}".getBytes(StandardCharsets.UTF_8));
        template.sendBody(uri, new Welcome("a@b.c", "welcome"));
        template.sendBody(uri, mapper.readTree("{\"node\":1}"));
        template.sendBody(uri, null);
        template.sendBody(uri, List.of(1, "two"));

        assertThat(List.of("1", "2", "3", "4", "5", "6", "7"))
                .extracting(id -> hash("q", id).get("data"))
                .containsExactly(
                        "{ \"kept\" : [1, 2] }",
                        "\"plain text\"",
                        "{\"bytes\":true}",
                        "{\"to\":\"a@b.c\",\"template\":\"welcome\"}",
                        "{\"node\":1}",
                        "{}",
                        "[1,\"two\"]");
    }

    @Test
    void refusedJobsFailTheExchangeWithBullMqException() throws Exception {
        camel.start();
        assertThatThrownBy(() -> template.sendBodyAndHeader("bullmq:q?jobName=n", "{}", BullMqConstants.JOB_ID, "42"))
                .isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(BullMqException.class)
                .hasStackTraceContaining("integers");
        assertThatThrownBy(() -> template.sendBody("bullmq:q", "{}"))
                .hasCauseInstanceOf(BullMqException.class)
                .hasStackTraceContaining("jobName");
        assertThatThrownBy(() -> template.sendBodyAndHeader("bullmq:q?jobName=n", "{}", BullMqConstants.PRIORITY, -1))
                .hasCauseInstanceOf(BullMqException.class);
        assertThat(REDIS.keys(prefix)).isEmpty();
    }

    @Test
    void invalidEndpointOptionsAreRejectedWhenTheRouteIsCreated() throws Exception {
        camel.start();
        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:bad").to("bullmq:q?jobName=n&priority=3000000");
                    }
                }))
                .isInstanceOf(FailedToCreateRouteException.class)
                .hasStackTraceContaining("Priority");
        assertThatThrownBy(() -> camel.getEndpoint("bullmq:q?jobNam=n"))
                .isInstanceOf(ResolveEndpointFailedException.class);
        assertThatThrownBy(() -> camel.getEndpoint("bullmq:q?removeOnFail=sometimes"))
                .hasStackTraceContaining("removeOnFail");
        assertThatThrownBy(() -> camel.getEndpoint("bullmq:a:b")).hasStackTraceContaining("queue name");
    }

    @Test
    void withoutABeanTheComponentIsFoundByItsSchemeAndUsesTheRegistrysRedis() throws Exception {
        try (CamelContext plain = new DefaultCamelContext()) {
            plain.getRegistry().bind("redis", RedisConnectionFactory.class, REDIS.factory());
            plain.start();
            String id = plain.createProducerTemplate()
                    .request(
                            "bullmq:q?jobName=n&prefix=" + prefix,
                            e -> e.getMessage().setBody("{}"))
                    .getMessage()
                    .getHeader(BullMqConstants.JOB_ID, String.class);
            assertThat(id).isEqualTo("1");
            assertThat(hash("q", "1")).containsEntry("name", "n");
            assertThat(plain.getComponent("bullmq")).isInstanceOf(BullMqComponent.class);
        }
    }
}
