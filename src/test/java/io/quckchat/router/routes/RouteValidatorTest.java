package io.quckchat.router.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteValidatorTest {

    private static final Path SETTINGS = Path.of("config/application.yml");

    @Test
    void theShippedRoutesAreValid() throws Exception {
        assertThat(RouteValidator.validate(Path.of("routes"), SETTINGS)).isEmpty();
    }

    @Test
    void everyKindOfMistakeIsReportedAgainstItsFile() throws Exception {
        List<String> problems = RouteValidator.validate(Path.of("src/test/resources/routes-broken"), SETTINGS);
        assertThat(problems)
                .anySatisfy(
                        p -> assertThat(p).contains("message-read.camel.yaml").contains("line 2"))
                .anySatisfy(
                        p -> assertThat(p).contains("user-online.camel.yaml").contains("nosuchoption"))
                .anySatisfy(
                        p -> assertThat(p).contains("user-online.camel.yaml").contains("names no routeConfigurationId"))
                .anySatisfy(
                        p -> assertThat(p).contains("user-online.camel.yaml").contains("use user-online"))
                .anySatisfy(
                        p -> assertThat(p).contains("user-updated.camel.yaml").contains("Illegal syntax"))
                .anySatisfy(p -> assertThat(p).contains("wrong-name.camel.yaml").contains("no-such-component"))
                .anySatisfy(p -> assertThat(p)
                        .contains("message-reaction.camel.yaml: fan-out route message-reaction sends to"
                                + " spring-rabbitmq:quckchat.events?routingKey=notifications itself"))
                .anySatisfy(p -> assertThat(p)
                        .contains("message-reaction.camel.yaml: fan-out route message-reaction sends to"
                                + " kafka:${header.target} itself"))
                .anySatisfy(p -> assertThat(p)
                        .contains("call-ended.camel.yaml")
                        .contains(
                                "deliveryAttempts of rabbitmq-sink://analytics?deliveryAttempts=0 must be at least 1"))
                .anySatisfy(p -> assertThat(p)
                        .contains("call-initiated.camel.yaml")
                        .contains("deliveryMaxBackoff of bullmq-sink://push")
                        .contains("(PT1S) is shorter than its deliveryInitialBackoff (PT5S)"))
                .anySatisfy(p ->
                        assertThat(p).contains("notification-send.camel.yaml").contains("soon"))
                .noneSatisfy(p -> assertThat(p).contains("sends to rabbitmq-sink"))
                .noneSatisfy(p -> assertThat(p).contains("sends to log"));
    }

    @Test
    void aFolderWithoutRoutesIsAnError() throws Exception {
        assertThat(RouteValidator.validate(Path.of("config/samples"), SETTINGS))
                .singleElement()
                .asString()
                .contains("no *.camel.yaml files");
    }
}
