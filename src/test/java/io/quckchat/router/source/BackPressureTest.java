package io.quckchat.router.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pause decision by count and by bytes, and the completion that ends it. */
class BackPressureTest {

    private static final long MB = 1024 * 1024;

    @Test
    void pausesAtTheCountAndResumesAtHalf() {
        BackPressure pressure = new BackPressure(100, 64 * MB);
        assertThat(pressure.update(99, MB)).isFalse();
        assertThat(pressure.update(100, MB)).isTrue();
        assertThat(pressure.update(51, MB)).isTrue();
        assertThat(pressure.update(50, MB)).isFalse();
    }

    @Test
    void pausesAtTheBytesLongBeforeTheCountAndResumesWhenBothAreAtHalf() {
        BackPressure pressure = new BackPressure(5000, 64 * MB);
        assertThat(pressure.update(60, 63 * MB)).isFalse();
        assertThat(pressure.update(64, 64 * MB)).as("64 events of 1 MB").isTrue();
        assertThat(pressure.update(40, 40 * MB)).as("bytes still above half").isTrue();
        assertThat(pressure.update(32, 32 * MB)).isFalse();
    }

    @Test
    void theCompletionThatBringsTheBytesToHalfResumes() {
        BackPressure pressure = new BackPressure(5000, 64 * MB);
        // 80 events of 1 MB: 48 of them must complete for 32 MB
        assertThat(pressure.update(80, 80 * MB)).isTrue();
        for (int i = 1; i < 48; i++) {
            assertThat(pressure.completed()).as("completion %d", i).isFalse();
        }
        assertThat(pressure.completed()).isTrue();
    }

    @Test
    void byCountTheCompletionsToHalfAreCountedAsBefore() {
        BackPressure pressure = new BackPressure(100, 64 * MB);
        assertThat(pressure.update(120, MB)).isTrue();
        for (int i = 1; i < 70; i++) {
            assertThat(pressure.completed()).isFalse();
        }
        assertThat(pressure.completed()).isTrue();
    }
}
