package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BullMqConfigurationTest {

    @Test
    void untouchedEndpointOptionsGiveTheContractsDefaults() {
        assertThat(new BullMqConfiguration().toJobOptions()).isEqualTo(BullMqJobOptions.defaults());
    }

    @Test
    void optionsMapToJobOptions() {
        BullMqConfiguration configuration = new BullMqConfiguration();
        configuration.setAttempts(1);
        configuration.setBackoffType("fixed");
        configuration.setBackoffDelay(200);
        configuration.setBackoffJitter(0.1);
        configuration.setDelay(50);
        configuration.setPriority(2);
        configuration.setLifo(true);
        configuration.setJobId("daily-usage.2026-11-28");
        configuration.setRemoveOnComplete("true");
        configuration.setRemoveOnFail("default");

        BullMqJobOptions options = configuration.toJobOptions();
        assertThat(options.toJson())
                .isEqualTo("{\"attempts\":1,\"backoff\":{\"type\":\"fixed\",\"delay\":200,\"jitter\":0.1},"
                        + "\"delay\":50,\"priority\":2,\"lifo\":true,\"jobId\":\"daily-usage.2026-11-28\","
                        + "\"removeOnComplete\":true}");

        BullMqConfiguration copy = configuration.copy();
        copy.setBackoffType("none");
        copy.setJobId("");
        assertThat(copy.toJobOptions().backoff()).isNull();
        assertThat(copy.toJobOptions().jobId()).isNull();
        assertThat(configuration.getBackoffType()).isEqualTo("fixed");
    }

    @Test
    void invalidOptionsAreRefused() {
        BullMqConfiguration configuration = new BullMqConfiguration();
        configuration.setBackoffType("linear");
        assertThatThrownBy(configuration::toJobOptions).isInstanceOf(BullMqException.class);
        BullMqConfiguration id = new BullMqConfiguration();
        id.setJobId("17");
        assertThatThrownBy(id::toJobOptions).isInstanceOf(BullMqException.class);
    }
}
