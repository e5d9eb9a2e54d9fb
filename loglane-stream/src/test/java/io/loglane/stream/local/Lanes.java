package io.loglane.stream.local;

import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Test helpers that build lanes with small limits. */
final class Lanes {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Lanes() {}

    static LaneSpec spec(String name, Durability d, Retention r) {
        return new LaneSpec(name, List.of(), "none", r, RateLimit.UNLIMITED, d, List.of("archive"), new ConfigOrigin("test", 1));
    }

    static LaneSpec spec(String name, Durability d) {
        return spec(name, d, new Retention(Duration.ZERO, 0));
    }

    static StreamSettings settings(long segmentBytes, long maxLaneBytes) {
        return new StreamSettings(segmentBytes, maxLaneBytes, Duration.ofMinutes(10), 1000, Duration.ofMillis(2), 64 * 1024, Duration.ZERO);
    }

    static StreamSettings settings() {
        return settings(8 * 1024, 1L << 30);
    }

    static Clock fixed() {
        return Clock.fixed(T0, ZoneOffset.UTC);
    }

    static LaneLog open(Path dir, LaneSpec spec, StreamSettings settings, Clock clock) throws Exception {
        return open(dir, spec, settings, clock, new SimpleMeterRegistry());
    }

    static LaneLog open(Path dir, LaneSpec spec, StreamSettings settings, Clock clock, MeterRegistry registry) throws Exception {
        LaneLog log = new LaneLog(dir.resolve(spec.name()), spec, settings, registry, clock, Runnable::run);
        log.start();
        return log;
    }

    static LaneLog open(Path dir, Durability d) throws Exception {
        return open(dir, spec("access", d), settings(), fixed());
    }
}
