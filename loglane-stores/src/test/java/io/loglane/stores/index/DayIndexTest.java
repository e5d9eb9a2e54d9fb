package io.loglane.stores.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How big a day index's RAM buffer is: as configured, but never more than an eighth of the heap. */
class DayIndexTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theRamBufferIsTheConfiguredSizeCappedAtAnEighthOfTheHeap() {
        assertThat(DayIndex.ramBufferMB(128 * MIB, 512 * MIB)).as("the default heap: three full lanes use 3/8 of it").isEqualTo(64.0);
        assertThat(DayIndex.ramBufferMB(128 * MIB, 1024 * MIB)).isEqualTo(128.0);
        assertThat(DayIndex.ramBufferMB(16 * MIB, 512 * MIB)).isEqualTo(16.0);
        assertThat(DayIndex.ramBufferMB(256 * MIB, Long.MAX_VALUE)).as("an unbounded heap").isEqualTo(256.0);
    }
}
