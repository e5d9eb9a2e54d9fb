package io.loglane.inputs.forward;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Hand-built Forward frames for tests: a thin fluent wrapper over msgpack-core's packer that can
 * also force the non-minimal headers real peers send (raw bytes).
 */
final class Frames {
    private final MessageBufferPacker p = MessagePack.newDefaultBufferPacker();

    static Frames frame() { return new Frames(); }

    Frames array(int n) { return io(() -> p.packArrayHeader(n)); }

    Frames map(int n) { return io(() -> p.packMapHeader(n)); }

    /** 32-bit array header (0xdd), whatever the size. */
    Frames array32(int n) { return raw(0xdd, n >>> 24, n >>> 16, n >>> 8, n); }

    /** 32-bit map header (0xdf), whatever the size. */
    Frames map32(int n) { return raw(0xdf, n >>> 24, n >>> 16, n >>> 8, n); }

    Frames str(String s) { return io(() -> p.packString(s)); }

    Frames integer(long v) { return io(() -> p.packLong(v)); }

    /** uint32 (0xce) seconds, as Fluent Bit's time_as_integer writes them. */
    Frames uint32(long v) { return raw(0xce, (int) (v >>> 24), (int) (v >>> 16), (int) (v >>> 8), (int) v); }

    /** uint64 (0xcf), a non-minimal integer header. */
    Frames uint64(long v) {
        raw(0xcf);
        for (int i = 7; i >= 0; i--) {
            raw((int) (v >>> (8 * i)));
        }
        return this;
    }

    Frames dbl(double v) { return io(() -> p.packDouble(v)); }

    Frames nil() { return io(p::packNil); }

    Frames bool(boolean b) { return io(() -> p.packBoolean(b)); }

    /** EventTime as fixext 8 (what msgpack-core writes for an 8-byte ext). */
    Frames eventTime(long sec, long nanos) {
        return io(() -> {
            p.packExtensionTypeHeader((byte) 0, 8);
            p.addPayload(timePayload(sec, nanos));
        });
    }

    /** EventTime as ext 8 with an explicit length byte of 8 (0xc7 08 00). */
    Frames eventTimeExt8(long sec, long nanos) {
        raw(0xc7, 8, 0);
        return io(() -> p.writePayload(timePayload(sec, nanos)));
    }

    Frames bin(byte[] b) {
        return io(() -> {
            p.packBinaryHeader(b.length);
            p.writePayload(b);
        });
    }

    /** Raw str header then the bytes, as Fluency sends its PackedForward body. */
    Frames strBytes(byte[] b) {
        return io(() -> {
            p.packRawStringHeader(b.length);
            p.writePayload(b);
        });
    }

    Frames bytes(byte[] b) { return io(() -> p.writePayload(b)); }

    Frames raw(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return bytes(b);
    }

    /** A record {"msg": msg, "n": n}. */
    Frames record(String msg, long n) { return map(2).str("msg").str(msg).str("n").integer(n); }

    byte[] build() {
        return io(p::flush).p.toByteArray();
    }

    static byte[] timePayload(long sec, long nanos) {
        return ByteBuffer.allocate(8).putInt((int) sec).putInt((int) nanos).array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private interface IoAction {
        void run() throws IOException;
    }

    private Frames io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
