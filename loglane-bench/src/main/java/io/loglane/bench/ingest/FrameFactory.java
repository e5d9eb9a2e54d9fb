package io.loglane.bench.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Builds the Forward frames the load generator sends: PackedForward or CompressedPackedForward
 * with {@code [EventTime, record]} entries of ~250-byte nginx-style Docker records, as Fluent Bit
 * sends them. Frames are built once; each send patches a fresh 24-character chunk id into a fixed
 * slot so the generator's per-send cost is a copy, not an encode.
 *
 * <p>Thread-safety: instances are immutable after construction.
 */
final class FrameFactory {
    static final int CHUNK_LEN = 24;
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUS = {200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 500, 502, 503};
    private static final String[] PATHS = {"/", "/api/v1/users", "/api/v1/orders", "/static/app.js", "/login", "/healthz",
            "/api/v1/items/8812", "/images/logo.png", "/search?q=boots", "/checkout"};

    /** One frame template. {@code chunkAt} is the offset of the chunk id's 24 bytes, or -1 without acks. */
    record Frame(byte[] bytes, int chunkAt, int events, long ndjsonBytes) {}

    private FrameFactory() {}

    static Frame build(String tag, int events, boolean compressed, boolean acks, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        ObjectMapper json = new ObjectMapper();
        long ndjson = 0;
        long baseSec = System.currentTimeMillis() / 1000;
        for (int i = 0; i < events; i++) {
            long sec = baseSec - rnd.nextInt(5);
            int nanos = rnd.nextInt(1_000_000_000);
            String line = String.format("%d.%d.%d.%d - - [25/Nov/2026:06:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64) loadgen/%d\" %.3f",
                    10, rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(60), rnd.nextInt(60),
                    METHODS[rnd.nextInt(METHODS.length)], PATHS[rnd.nextInt(PATHS.length)], STATUS[rnd.nextInt(STATUS.length)],
                    rnd.nextInt(100_000), rnd.nextInt(10), rnd.nextInt(2000) / 1000.0);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("log", line);
            rec.put("container_id", "4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b");
            rec.put("container_name", "/web-" + rnd.nextInt(4));
            rec.put("source", "stdout");
            entries.packArrayHeader(2);
            entries.packExtensionTypeHeader((byte) 0, 8);
            byte[] t = new byte[8];
            putInt(t, 0, (int) sec);
            putInt(t, 4, nanos);
            entries.writePayload(t);
            entries.packMapHeader(rec.size());
            for (Map.Entry<String, Object> e : rec.entrySet()) {
                entries.packString(e.getKey());
                entries.packString((String) e.getValue());
            }
            Map<String, Object> asJson = new LinkedHashMap<>();
            asJson.put("time", sec + nanos / 1e9);
            asJson.putAll(rec);
            ndjson += json.writeValueAsBytes(asJson).length + 1;
        }
        byte[] payload = entries.toByteArray();
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
        frame.packBinaryHeader(payload.length);
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
