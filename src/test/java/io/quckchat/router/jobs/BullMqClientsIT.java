package io.quckchat.router.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqComponent;
import io.quckchat.camel.bullmq.BullMqConstants;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.camel.bullmq.TestRedis;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.routes.SandboxSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The router's BullMQ beans on Spring Boot's Redis connection and the prefix of its settings
 * (config/application.yml's default is BullMQ's {@code bull}), with {@code bullmq:} resolving to them.
 */
class BullMqClientsIT {

    private static final TestRedis REDIS = TestRedis.get();
    private final String prefix = TestRedis.randomPrefix();

    @AfterEach
    void cleanUp() {
        REDIS.deleteAll(prefix);
    }

    @Test
    void theComponentUsesTheRoutersRedisAndPrefix() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        RedisAutoConfiguration.class, JacksonAutoConfiguration.class, CamelAutoConfiguration.class))
                .withUserConfiguration(JobsConfiguration.BullMqClients.class)
                .withBean(RouterProperties.class, () -> settings(Map.of("quckchat.bullmq.prefix", prefix)))
                .withPropertyValues("spring.data.redis.host=" + REDIS.host(), "spring.data.redis.port=" + REDIS.port())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(BullMqClient.class).prefix()).isEqualTo(prefix);
                    CamelContext camel = context.getBean(CamelContext.class);
                    assertThat(camel.getComponent("bullmq")).isSameAs(context.getBean(BullMqComponent.class));

                    String id = camel.createProducerTemplate()
                            .request(
                                    "bullmq:email?jobName=send-welcome",
                                    e -> e.getMessage().setBody(Map.of("to", "a@b.c")))
                            .getMessage()
                            .getHeader(BullMqConstants.JOB_ID, String.class);

                    BullMqQueues queues = context.getBean(BullMqQueues.class);
                    assertThat(queues.counts("email")).containsEntry(BullMqState.WAITING, 1L);
                    assertThat(queues.job("email", id).orElseThrow().name()).isEqualTo("send-welcome");
                });
    }

    @Test
    void thePrefixDefaultsToBull() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
                .withUserConfiguration(JobsConfiguration.BullMqClients.class)
                .withBean(RouterProperties.class, () -> settings(Map.of()))
                .run(context -> {
                    assertThat(context.getBean(BullMqClient.class).prefix()).isEqualTo("bull");
                    assertThat(context.getBean(BullMqQueues.class).prefix()).isEqualTo("bull");
                });
    }

    /** The router's settings of config/application.yml, with these over them. */
    private static RouterProperties settings(Map<String, Object> overrides) {
        try {
            ConfigurableEnvironment environment = SandboxSettings.load(Path.of("config", "application.yml"));
            environment.getPropertySources().addFirst(new MapPropertySource("test", overrides));
            return SandboxSettings.bind(environment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
