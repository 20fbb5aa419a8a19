package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BullMqKeepJobsTest {

    @Test
    void parsesEveryDocumentedForm() {
        assertThat(BullMqKeepJobs.parse("true")).isEqualTo(BullMqKeepJobs.remove());
        assertThat(BullMqKeepJobs.parse(" FALSE ")).isEqualTo(BullMqKeepJobs.keepAll());
        assertThat(BullMqKeepJobs.parse("100")).isEqualTo(BullMqKeepJobs.count(100));
        assertThat(BullMqKeepJobs.parse("count:100")).isEqualTo(BullMqKeepJobs.count(100));
        assertThat(BullMqKeepJobs.parse("age:3600")).isEqualTo(BullMqKeepJobs.age(3600));
        assertThat(BullMqKeepJobs.parse("age:86400, count:10000")).isEqualTo(BullMqKeepJobs.age(86_400, 10_000L, null));
        assertThat(BullMqKeepJobs.parse("limit=5,age=60")).isEqualTo(BullMqKeepJobs.age(60, null, 5L));
        assertThat(BullMqKeepJobs.parse(null)).isNull();
        assertThat(BullMqKeepJobs.parse("")).isNull();
        assertThat(BullMqKeepJobs.parse("default")).isNull();
    }

    @Test
    void writesBullMqsJson() {
        assertThat(BullMqKeepJobs.remove().toJson()).isEqualTo("true");
        assertThat(BullMqKeepJobs.keepAll().toJson()).isEqualTo("false");
        assertThat(BullMqKeepJobs.count(0).toJson()).isEqualTo("0");
        assertThat(BullMqKeepJobs.age(10, 2L, 3L).toJson()).isEqualTo("{\"age\":10,\"count\":2,\"limit\":3}");
    }

    @Test
    void rejectsAnythingElse() {
        for (String bad : new String[] {"yes", "-1", "age", "age:x", "size:3", "limit:5", "age:1,,count:2"}) {
            assertThatThrownBy(() -> BullMqKeepJobs.parse(bad))
                    .as(bad)
                    .isInstanceOf(BullMqException.class)
                    .hasMessageContaining("removeOnComplete/removeOnFail");
        }
    }
}
