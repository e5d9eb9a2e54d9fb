package io.loglane.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void capDoublesPerFailureUpToTheMaximumAndResetsOnSuccess() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new SplittableRandom(1));
        long[] caps = new long[6];
        for (int i = 0; i < caps.length; i++) {
            caps[i] = b.currentCap().toMillis();
            Duration d = b.nextDelay();
            assertThat(d.toMillis()).isBetween(0L, caps[i]);
        }
        assertThat(caps).containsExactly(100, 200, 400, 800, 1000, 1000);
        b.reset();
        assertThat(b.currentCap()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.failures()).isZero();
    }

    @Test
    void delaysAreJitteredNotLockStep() {
        Backoff b = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(1000), new SplittableRandom(7));
        long first = b.nextDelay().toMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = b.nextDelay().toMillis() != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void rejectsNonsenseBounds() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
