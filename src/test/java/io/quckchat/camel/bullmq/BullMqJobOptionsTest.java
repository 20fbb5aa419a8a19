package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BullMqJobOptionsTest {

    @Test
    void noOptionsStoreOnlyAttemptsZeroAsNodeDoes() {
        assertThat(BullMqJobOptions.none().toJson()).isEqualTo("{\"attempts\":0}");
    }

    @Test
    void defaultsAreTheContracts() {
        BullMqJobOptions defaults = BullMqJobOptions.defaults();
        assertThat(defaults.attempts()).isEqualTo(3);
        assertThat(defaults.backoff()).isEqualTo(BullMqBackoff.exponential(1000));
        assertThat(defaults.removeOnComplete()).isEqualTo(BullMqKeepJobs.age(86_400, 10_000L, null));
        assertThat(defaults.removeOnFail()).isEqualTo(BullMqKeepJobs.age(604_800));
        assertThat(defaults.toJson())
                .isEqualTo("{\"attempts\":3,\"backoff\":{\"type\":\"exponential\",\"delay\":1000},"
                        + "\"removeOnComplete\":{\"age\":86400,\"count\":10000},\"removeOnFail\":{\"age\":604800}}");
    }

    @Test
    void everyOptionIsWrittenUnderBullMqsName() {
        BullMqJobOptions all = BullMqJobOptions.builder()
                .attempts(4)
                .backoff(BullMqBackoff.fixed(500).withJitter(0.5))
                .delay(1500L)
                .priority(7)
                .lifo(true)
                .jobId("evt \"1\".push\n")
                .removeOnComplete(BullMqKeepJobs.count(100))
                .removeOnFail(BullMqKeepJobs.age(60, null, 5L))
                .timestamp(1_700_000_000_000L)
                .build();
        assertThat(all.toJson())
                .isEqualTo("{\"attempts\":4,\"backoff\":{\"type\":\"fixed\",\"delay\":500,\"jitter\":0.5},"
                        + "\"delay\":1500,\"priority\":7,\"lifo\":true,\"jobId\":\"evt \\\"1\\\".push\\n\","
                        + "\"removeOnComplete\":100,\"removeOnFail\":{\"age\":60,\"limit\":5},"
                        + "\"timestamp\":1700000000000}");
        assertThat(Json.isValid(all.toJson())).isTrue();
        assertThat(all.toBuilder().build()).isEqualTo(all);
        assertThat(all.toBuilder().lifo(false).build().toJson()).doesNotContain("lifo");
    }

    @Test
    void rejectsWhatBullMqRejects() {
        assertThatThrownBy(() -> BullMqJobOptions.builder()
                        .priority(BullMqJobOptions.MAX_PRIORITY + 1)
                        .build())
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("2097151");
        assertThat(BullMqJobOptions.builder()
                        .priority(BullMqJobOptions.MAX_PRIORITY)
                        .build()
                        .priority())
                .isEqualTo(2_097_151);
        assertThatThrownBy(() -> BullMqJobOptions.builder().priority(-1).build())
                .isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> BullMqJobOptions.builder().attempts(-1).build())
                .isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> BullMqJobOptions.builder().delay(-5L).build()).isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> BullMqJobOptions.builder().timestamp(0L).build())
                .isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> BullMqBackoff.fixed(100).withJitter(1.5))
                .isInstanceOf(BullMqException.class)
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> BullMqBackoff.fixed(-1)).isInstanceOf(BullMqException.class);
        assertThatThrownBy(() -> BullMqBackoff.Type.of("linear")).isInstanceOf(BullMqException.class);
    }

    @Test
    void customIdsFollowBullMqsRules() {
        for (String ok : new String[] {"order-42", "evt-1.send-welcome", "0a", "1e3", "12.5", "id with space"}) {
            assertThat(BullMqJobOptions.builder().jobId(ok).build().jobId()).isEqualTo(ok);
        }
        for (String bad : new String[] {"", "0", "7", "-3", "00012", "a:b", "0:1700000000", "x:y:z"}) {
            assertThatThrownBy(() -> BullMqJobOptions.validateJobId(bad))
                    .as(bad)
                    .isInstanceOf(BullMqException.class);
        }
    }
}
