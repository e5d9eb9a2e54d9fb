package io.loglane.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Soak#growth()}: which sample series read as a leak, as busy peaks, or as flat. */
class SoakTest {

    @Test
    void aMemoryLaneFillingItsBufferIsNotALeakButHeapGrowingBesideItIs() {
        Soak filling = new Soak();
        Soak leaking = new Soak();
        for (int i = 0; i < 60; i++) {
            double buffer = Math.min(64, i * 2); // the ring fills to its 64 MiB and stays there
            filling.add(sample(i, 1, 30 + buffer, buffer, 400, 60, 200));
            leaking.add(sample(i, 1, 30 + buffer + i, buffer, 400, 60, 200)); // 1 MiB per sample besides the ring
        }
        assertThat(line(filling, "live heap less")).endsWith(": flat");
        assertThat(line(filling, "live heap (MiB)")).endsWith("(reported, not judged)");
        assertThat(line(leaking, "live heap less")).endsWith(": GROWS");
    }

    @Test
    void spikesThatGrowOverAFlatFloorArePeaksAndARisingFloorIsALeak() {
        Soak peaks = new Soak();
        Soak leak = new Soak();
        for (int i = 0; i < 60; i++) {
            boolean busy = i % 5 < 3; // three samples in five catch a compaction with its files open
            int spike = busy ? 60 + i * 2 : 60;
            peaks.add(sample(i, 1, 40, 0, 400, 60, spike));
            leak.add(sample(i, 1, 40, 0, 400, 60, 60 + i));
        }
        assertThat(line(peaks, "open fds")).contains("floor 60 → 60").endsWith(": peaks grow");
        assertThat(line(leak, "open fds")).endsWith(": GROWS");
        assertThat(line(peaks, "threads")).endsWith(": peaks grow");
    }

    @Test
    void samplesOfAProcessWarmingUpAreLeftOutAndUnknownValuesIgnored() {
        Soak soak = new Soak();
        for (int p = 1; p <= 3; p++) {
            long t0 = p * 1000L;
            soak.add(sample(t0, p, 40, 0, 400, 5, 200)); // start-up: anon memory still growing to its working size
            for (int i = 1; i <= 10; i++) {
                soak.add(sample(t0 + Soak.WARM_UP_SECONDS + i, p, i == 3 ? -1 : 40, 0, 400, 300, 200));
            }
        }
        assertThat(Soak.warm(soak.samples())).hasSize(30);
        assertThat(line(soak, "RssAnon")).contains("floor 300 → 300").endsWith(": flat");
        assertThat(line(soak, "live heap less")).endsWith(": flat");
        Soak few = new Soak();
        few.add(sample(100, 1, 40, 0, 400, 300, 200));
        assertThat(few.growth()).containsExactly("too few samples (0) to judge growth");
    }

    private static Soak.Sample sample(long t, long pid, double heap, double memory, double rss, double anon, int fds) {
        return new Soak.Sample(t, pid, heap, memory, 256, rss, anon, rss - anon, fds, fds + 160);
    }

    private static String line(Soak soak, String prefix) {
        List<String> lines = soak.growth();
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " not in " + lines));
    }
}
