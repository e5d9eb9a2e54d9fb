package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** {@code lanes.<name>.compact} reaches each lane's archive sink: only lanes with {@code compact: true} are compacted. */
@org.junit.jupiter.api.Timeout(60)
class LaneCompactionWiringTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long TEN_O_CLOCK_NANOS = Instant.parse("2026-03-01T10:00:00Z").getEpochSecond() * 1_000_000_000L;

    @TempDir Path dir;

    @Test
    void onlyLanesWithCompactTrueAreCompacted() throws Exception {
        String yaml = """
                lanes:
                  default: {}
                  ledger:
                    compact: false
                archive:
                  dir: %s
                  compact_after: 1m
                  compact_min_files: 2
                """.formatted(dir.resolve("archive"));
        LoglaneConfig config = RegisteredTypes.LOADER.load(new ConfigSource("wiring.yaml", yaml));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        for (String lane : List.of("default", "ledger")) {
            try (ArchiveSink sink = new ArchiveStoreType(new io.loglane.stores.archive.LocalArchiveStorage(ArchiveStoreType.settings(config).dir()))
                    .sink(config.lane(lane), config, new SimpleMeterRegistry(), clock)) {
                sink.open(0);
                for (int i = 0; i < 3; i++) { // three files in hour 10, closed for an hour by the clock
                    sink.write(batch(i * 2L, 2));
                    sink.flush(true);
                }
                // The engine has committed all three: the periodic maintenance of this flush (the
                // sink's first) compacts whatever the lane allows.
                assertThat(sink.flush(false)).isEqualTo(6);
                // Maintenance runs on its own thread, and close() stops a pass that has not reached
                // a partition yet: compact now, after that pass, as the periodic one would.
                sink.compactNow();
            }
        }
        // A compaction's sources outlive it by a grace (FORMAT.md): what is read is the live files.
        assertThat(io.loglane.stores.archive.ArchiveLayout.liveFiles(
                new io.loglane.stores.archive.LocalArchiveStorage(dir.resolve("archive")), "default"))
                .containsExactly("lane=default/date=2026-03-01/hour=10/p0-00000000000000000000-00000000000000000005.parquet");
        assertThat(files("ledger")).containsExactly("p0-00000000000000000000-00000000000000000001.parquet",
                "p0-00000000000000000002-00000000000000000003.parquet", "p0-00000000000000000004-00000000000000000005.parquet");
    }

    private List<String> files(String lane) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("archive").resolve("lane=" + lane))) {
            return s.filter(p -> p.toString().endsWith(".parquet")).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static StoredBatch batch(long baseOffset, int n) throws IOException {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (int i = 0; i < n; i++) {
            try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
                p.packMapHeader(1).packString("log").packString("line-" + (baseOffset + i));
                byte[] rec = p.toByteArray();
                b.add(TEN_O_CLOCK_NANOS + (baseOffset + i) * 1_000_000_000L, rec, 0, rec.length);
            }
        }
        return new StoredBatch(baseOffset, "t", TEN_O_CLOCK_NANOS, b.build(), null, null);
    }
}
