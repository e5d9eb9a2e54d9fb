package io.loglane.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Hand-built Forward protocol frames (the shapes of FORWARD-PEERS.md), packed with msgpack-core so
 * tests can send exactly the bytes a given peer sends, or deliberately broken ones.
 *
 * <p>Thread-safety: stateless.
 */
final class ForwardFrames {
    private ForwardFrames() {}

    /** An EventTime ext (type 0, fixext 8): seconds and nanoseconds, both big-endian uint32. */
    static void eventTime(MessagePacker p, long seconds, int nanos) throws IOException {
        p.packExtensionTypeHeader((byte) 0, 8);
        p.writePayload(new byte[] {(byte) (seconds >>> 24), (byte) (seconds >>> 16), (byte) (seconds >>> 8), (byte) seconds,
                (byte) (nanos >>> 24), (byte) (nanos >>> 16), (byte) (nanos >>> 8), (byte) nanos});
    }

    /** A flat map of string keys to string or long values. */
    static void map(MessagePacker p, Map<String, ?> m) throws IOException {
        p.packMapHeader(m.size());
        for (Map.Entry<String, ?> e : m.entrySet()) {
            p.packString(e.getKey());
            switch (e.getValue()) {
                case String s -> p.packString(s);
                case Long l -> p.packLong(l);
                case Integer i -> p.packInt(i);
                default -> throw new IllegalArgumentException("unsupported value " + e.getValue());
            }
        }
    }

    /** One {@code [[time, metadata], record]} entry (Fluent Bit 2.1+ with metadata). */
    static void entryWithMetadata(MessagePacker p, long seconds, int nanos, Map<String, ?> meta, Map<String, ?> record)
            throws IOException {
        p.packArrayHeader(2);
        p.packArrayHeader(2);
        eventTime(p, seconds, nanos);
        map(p, meta);
        map(p, record);
    }

    /** One {@code [time, record]} entry. */
    static void entry(MessagePacker p, long seconds, int nanos, Map<String, ?> record) throws IOException {
        p.packArrayHeader(2);
        eventTime(p, seconds, nanos);
        map(p, record);
    }

    /** {@code [tag, bin(entries), options]}: PackedForward, or CompressedPackedForward when {@code gzip}. */
    static byte[] packedForward(String tag, byte[] entries, boolean gzip, Map<String, ?> options) throws IOException {
        byte[] body = gzip ? gzip(entries) : entries;
        MessageBufferPacker f = MessagePack.newDefaultBufferPacker();
        f.packArrayHeader(3);
        f.packString(tag);
        f.packBinaryHeader(body.length);
        f.writePayload(body);
        map(f, options);
        return f.toByteArray();
    }

    /** {@code [tag, time, record, options]}: Message mode with one event. */
    static byte[] message(String tag, long seconds, Map<String, ?> record, Map<String, ?> options) throws IOException {
        MessageBufferPacker f = MessagePack.newDefaultBufferPacker();
        f.packArrayHeader(4);
        f.packString(tag);
        f.packLong(seconds);
        map(f, record);
        map(f, options);
        return f.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
