package io.loglane.bench.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Builds the Forward frames the load generator sends and the JMH benchmarks decode: Forward,
 * PackedForward or CompressedPackedForward frames of {@code [EventTime, record]} (or, with
 * metadata, {@code [[EventTime, {}], record]}) entries of ~250-byte Docker records, as Fluent Bit
 * sends them. By default the records are nginx-style access lines ({@link #accessRecord}); other
 * generators, such as {@link #appRecord}, can be passed in. Frames are built once; each send
 * patches a fresh 24-character chunk id into a fixed slot so the generator's per-send cost is a
 * copy, not an encode.
 *
 * <p>Thread-safety: instances are immutable after construction.
 */
public final class FrameFactory {
    static final int CHUNK_LEN = 24;
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUS = {200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 500, 502, 503};
    private static final String[] PATHS = {"/", "/api/v1/users", "/api/v1/orders", "/static/app.js", "/login", "/healthz",
            "/api/v1/items/8812", "/images/logo.png", "/search?q=boots", "/checkout"};
    private static final String[] LOGGERS = {"c.e.shop.OrderService", "c.e.shop.PaymentClient", "o.h.engine.jdbc.spi.SqlExceptionHelper",
            "c.e.shop.InventoryCache", "o.s.web.servlet.DispatcherServlet"};
    private static final String[] FAILURES = {"payment failed for order %d: upstream timeout after %d ms (attempt 2 of 3)",
            "could not reserve stock for item %d: connection reset by peer, retrying in %d ms"};
    private static final String[] NOTES = {"request %d completed: cache refreshed, %d entries loaded from the primary database",
            "order %d accepted: %d ms spent in the payment provider, confirmation mail queued"};

    /** Sizes each record as NDJSON (thread-safe; one for every frame built). */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.format.DateTimeFormatter CURRENT_HOUR =
            java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH", java.util.Locale.ENGLISH);

    /** The Forward protocol mode of a frame. */
    public enum Mode {
        /** {@code [tag, [entry, ...], options]} */
        FORWARD,
        /** {@code [tag, bin(entries), options]} */
        PACKED_FORWARD,
        /** {@code [tag, bin(gzip(entries)), {compressed: "gzip", ...}]} */
        COMPRESSED_PACKED_FORWARD
    }

    /** One frame template. {@code chunkAt} is the offset of the chunk id's 24 bytes, or -1 without acks. */
    public record Frame(byte[] bytes, int chunkAt, int events, long ndjsonBytes) {}

    private FrameFactory() {}

    /** A PackedForward (or gzip CompressedPackedForward) frame of {@code [EventTime, record]} access-log entries. */
    static Frame build(String tag, int events, boolean compressed, boolean acks, long seed) throws IOException {
        return build(tag, events, compressed ? Mode.COMPRESSED_PACKED_FORWARD : Mode.PACKED_FORWARD, false, acks, seed,
                FrameFactory::accessRecord);
    }

    /**
     * Builds a frame of {@code events} entries whose records {@code records} draws from the seeded random source.
     *
     * @param metadata entries are {@code [[EventTime, {}], record]} (Fluent Bit 2.1+) instead of {@code [EventTime, record]}
     * @param acks     the options carry a {@code chunk} id (a placeholder at {@link Frame#chunkAt()})
     */
    public static Frame build(String tag, int events, Mode mode, boolean metadata, boolean acks, long seed,
                              Function<SplittableRandom, Map<String, String>> records) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        long ndjson = 0;
        long baseSec = System.currentTimeMillis() / 1000;
        for (int i = 0; i < events; i++) {
            long sec = baseSec - rnd.nextInt(5);
            int nanos = rnd.nextInt(1_000_000_000);
            Map<String, String> rec = records.apply(rnd);
            entries.packArrayHeader(2);
            if (metadata) {
                entries.packArrayHeader(2);
            }
            entries.packExtensionTypeHeader((byte) 0, 8);
            byte[] t = new byte[8];
            putInt(t, 0, (int) sec);
            putInt(t, 4, nanos);
            entries.writePayload(t);
            if (metadata) {
                entries.packMapHeader(0);
            }
            entries.packMapHeader(rec.size());
            for (Map.Entry<String, String> e : rec.entrySet()) {
                entries.packString(e.getKey());
                entries.packString(e.getValue());
            }
            Map<String, Object> asJson = new LinkedHashMap<>();
            asJson.put("time", sec + nanos / 1e9);
            asJson.putAll(rec);
            ndjson += JSON.writeValueAsBytes(asJson).length + 1;
        }
        byte[] payload = entries.toByteArray();
        boolean compressed = mode == Mode.COMPRESSED_PACKED_FORWARD;
        if (compressed) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(payload);
            }
            payload = bos.toByteArray();
        }
        MessageBufferPacker frame = MessagePack.newDefaultBufferPacker();
        frame.packArrayHeader(3);
        frame.packString(tag);
        if (mode == Mode.FORWARD) {
            frame.packArrayHeader(events);
        } else {
            frame.packBinaryHeader(payload.length);
        }
        frame.writePayload(payload);
        int opts = 1 + (compressed ? 1 : 0) + (acks ? 1 : 0);
        frame.packMapHeader(opts);
        frame.packString("size");
        frame.packInt(events);
        if (compressed) {
            frame.packString("compressed");
            frame.packString("gzip");
        }
        String placeholder = "#".repeat(CHUNK_LEN);
        if (acks) {
            frame.packString("chunk");
            frame.packString(placeholder);
        }
        byte[] bytes = frame.toByteArray();
        int chunkAt = acks ? lastIndexOf(bytes, placeholder.getBytes(StandardCharsets.US_ASCII)) : -1;
        return new Frame(bytes, chunkAt, events, ndjson);
    }

    /**
     * A Docker record of an nginx combined access line ({@code log}, {@code container_id}, {@code container_name}, {@code source}).
     * The line's time is in the current UTC hour (random minute and second), as live traffic's is: the
     * router takes it as the event time, so the archive writes the hour being written, as in production.
     */
    public static Map<String, String> accessRecord(SplittableRandom rnd) {
        String hour = CURRENT_HOUR.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
        String line = String.format("%d.%d.%d.%d - - [%s:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64) loadgen/%d\" %.3f",
                10, rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256), hour, rnd.nextInt(60), rnd.nextInt(60),
                METHODS[rnd.nextInt(METHODS.length)], PATHS[rnd.nextInt(PATHS.length)], STATUS[rnd.nextInt(STATUS.length)],
                rnd.nextInt(100_000), rnd.nextInt(10), rnd.nextInt(2000) / 1000.0);
        return docker(line, "/web-" + rnd.nextInt(4));
    }

    /**
     * A Docker record of a Spring Boot style application line at {@code level} (e.g. {@code ERROR},
     * {@code INFO}): {@code 2026-11-25T06:12:01.123Z ERROR 1 --- [nio-8080-exec-7] c.e.shop.OrderService : ...}.
     */
    public static Map<String, String> appRecord(SplittableRandom rnd, String level) {
        String[] messages = level.equals("ERROR") ? FAILURES : NOTES;
        String line = String.format("2026-11-25T06:%02d:%02d.%03dZ %5s 1 --- [nio-8080-exec-%d] %-40s : " + messages[rnd.nextInt(messages.length)],
                rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1000), level, rnd.nextInt(1, 200), LOGGERS[rnd.nextInt(LOGGERS.length)],
                rnd.nextInt(100_000), rnd.nextInt(10_000));
        return docker(line, "/shop-" + rnd.nextInt(4));
    }

    private static Map<String, String> docker(String line, String containerName) {
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put("log", line);
        rec.put("container_id", "4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b");
        rec.put("container_name", containerName);
        rec.put("source", "stdout");
        return rec;
    }

    private static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("placeholder not found");
    }
}
