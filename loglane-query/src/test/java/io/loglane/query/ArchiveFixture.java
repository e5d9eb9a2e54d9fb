package io.loglane.query;

import io.loglane.stores.archive.ArchiveSettings;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.parse.RecordParser;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Writes real archive files through {@link ArchiveSink}, the way delivery does. */
final class ArchiveFixture {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

    private ArchiveFixture() {}

    /** Writes {@code n} records with the given fields (plus {@code log}) to a lane at offsets from {@code base}. */
    static void write(Path dir, String lane, RecordParser parser, long base, int n, Map<String, Object> fields) throws Exception {
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 1L << 30, Duration.ofMinutes(1), Duration.ofMinutes(10), 2, Duration.ofSeconds(30));
        try (ArchiveSink sink = new ArchiveSink(lane, parser, settings, null, false, new SimpleMeterRegistry(), Clock.systemUTC())) {
            sink.open(base);
            sink.write(batch(lane, base, n, fields));
            sink.flush(true);
        }
    }

    /** A stored batch of {@code n} records of a lane at offsets from {@code base}, one second apart from {@link #T0}. */
    static StoredBatch batch(String lane, long base, int n, Map<String, Object> fields) throws IOException {
        RecordBlockBuilder b = new RecordBlockBuilder();
        long t0 = T0.getEpochSecond() * 1_000_000_000L + T0.getNano();
        for (int i = 0; i < n; i++) {
            byte[] rec = pack(lane + "-" + (base + i), fields);
            b.add(t0 + i * 1_000_000_000L, rec, 0, rec.length);
        }
        return new StoredBatch(base, "tag." + lane, t0, b.build(), null, null);
    }

    private static byte[] pack(String log, Map<String, Object> fields) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1 + fields.size());
            p.packString("log").packString(log);
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                p.packString(e.getKey());
                switch (e.getValue()) {
                    case Long l -> p.packLong(l);
                    case Integer i -> p.packInt(i);
                    default -> p.packString(e.getValue().toString());
                }
            }
            return p.toByteArray();
        }
    }

    /** A record {@code {"log": line, k: v, …}} as a collector would ship it; values are strings, longs or null. */
    static byte[] record(String line, Object... fields) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1 + fields.length / 2);
            p.packString("log").packString(line);
            for (int i = 0; i < fields.length; i += 2) {
                p.packString((String) fields[i]);
                switch (fields[i + 1]) {
                    case null -> p.packNil();
                    case Long l -> p.packLong(l);
                    default -> p.packString(fields[i + 1].toString());
                }
            }
            return p.toByteArray();
        }
    }

    /** Writes {@code recs} at event times {@code tsNanos} (one each) to a lane's archive through {@link ArchiveSink}, offsets from 0. */
    static void write(Path dir, String lane, RecordParser parser, long[] tsNanos, java.util.List<byte[]> recs) throws Exception {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (int i = 0; i < recs.size(); i++) {
            b.add(tsNanos[i], recs.get(i), 0, recs.get(i).length);
        }
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 1L << 30, Duration.ofMinutes(1), Duration.ofMinutes(10), 2, Duration.ofSeconds(30));
        try (ArchiveSink sink = new ArchiveSink(lane, parser, settings, null, false, new SimpleMeterRegistry(), Clock.systemUTC())) {
            sink.open(0);
            sink.write(new StoredBatch(0, "tag", tsNanos.length == 0 ? 0 : tsNanos[0], b.build(), null, null));
            sink.flush(true);
        }
    }
}
