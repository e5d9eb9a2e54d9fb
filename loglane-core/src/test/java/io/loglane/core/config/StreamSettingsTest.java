package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamSettingsTest {
    private static StreamSettings withMaxAge(Duration maxAge) {
        return new StreamSettings(1 << 20, 1 << 30, Duration.ofHours(1), 1000, Duration.ofMillis(2), 1 << 20, maxAge);
    }

    private static Retention keep(Duration age) {
        return new Retention(age, 0);
    }

    @Test
    void theStreamKeepsTheShorterOfLaneRetentionAndMaxAgeButNeverLessThanTheDedupWindow() {
        StreamSettings week = withMaxAge(Duration.ofDays(7));
        assertThat(week.effectiveAge(keep(Duration.ofDays(365)))).isEqualTo(Duration.ofDays(7));
        assertThat(week.effectiveAge(keep(Duration.ofDays(2)))).isEqualTo(Duration.ofDays(2));
        assertThat(week.effectiveAge(keep(Duration.ZERO))).as("lane keeps forever: the stream cap still applies").isEqualTo(Duration.ofDays(7));
        assertThat(week.effectiveAge(keep(Duration.ofMinutes(5)))).as("dedup ids are rebuilt from the segments").isEqualTo(Duration.ofHours(1));
        StreamSettings uncapped = withMaxAge(Duration.ZERO);
        assertThat(uncapped.effectiveAge(keep(Duration.ofDays(30)))).isEqualTo(Duration.ofDays(30));
        assertThat(uncapped.effectiveAge(keep(Duration.ZERO))).as("both unbounded").isEqualTo(Duration.ZERO);
    }
}
