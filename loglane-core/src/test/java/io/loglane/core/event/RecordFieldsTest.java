package io.loglane.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class RecordFieldsTest {
    private final RecordFields fields = new RecordFields();

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** A record with nested values and non-string keys before the wanted fields, padded by {@code pad} leading bytes. */
    static byte[] record(int pad) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(7);
        p.packInt(42).packString("int key");
        p.packString("nested").packMapHeader(1).packString("log_type").packString("wrong");
        p.packString("arr").packArrayHeader(2).packInt(1).packString("x");
        p.packString("bin").packBinaryHeader(3).writePayload(new byte[] {1, 2, 3});
        p.packString("log_type").packString("access");
        p.packString("level").packInt(3);
        p.packString("log").packString("héllo wörld");
        byte[] body = p.toByteArray();
        byte[] out = new byte[pad + body.length + 5];
        System.arraycopy(body, 0, out, pad, body.length);
        return out;
    }

    @Test
    void findsTopLevelStringValuesInPlace() throws IOException {
        byte[] rec = record(0);
        int len = rec.length - 5;
        assertThat(fields.find(rec, 0, len, utf8("log_type"))).isTrue();
        assertThat(new String(rec, fields.valueOffset(), fields.valueLength(), StandardCharsets.UTF_8)).isEqualTo("access");
        assertThat(fields.getString(rec, 0, len, "log")).isEqualTo("héllo wörld");
    }

    @Test
    void worksAtAnOffsetInsideALargerArray() throws IOException {
        byte[] rec = record(17);
        int len = rec.length - 22;
        assertThat(fields.getString(rec, 17, len, "log_type")).isEqualTo("access");
        assertThat(fields.valueOffset()).isGreaterThan(17);
    }

    @Test
    void nonStringValuesNestedKeysAndMissingKeysAreAbsent() throws IOException {
        byte[] rec = record(0);
        int len = rec.length - 5;
        assertThat(fields.find(rec, 0, len, utf8("level"))).isFalse();
        assertThat(fields.valueOffset()).isEqualTo(-1);
        assertThat(fields.find(rec, 0, len, utf8("missing"))).isFalse();
        assertThat(fields.getString(rec, 0, len, "arr")).isNull();
    }

    @Test
    void scanFindsSeveralKeysInOnePass() throws IOException {
        byte[] rec = record(3);
        int len = rec.length - 8;
        byte[][] keys = {utf8("log"), utf8("message"), utf8("log_type"), utf8("level")};
        int[] offs = new int[4];
        int[] lens = new int[4];
        assertThat(fields.scan(rec, 3, len, keys, offs, lens)).isEqualTo(2);
        assertThat(new String(rec, offs[0], lens[0], StandardCharsets.UTF_8)).isEqualTo("héllo wörld");
        assertThat(offs[1]).isEqualTo(-1);
        assertThat(new String(rec, offs[2], lens[2], StandardCharsets.UTF_8)).isEqualTo("access");
        assertThat(offs[3]).isEqualTo(-1);
    }

    @Test
    void longValuesAndNonMinimalHeadersAreFound() throws IOException {
        String big = "x".repeat(5000);
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2);
        p.packString("message").packString(big);
        // str8 header for a 3-byte key (non-minimal: fixstr would do), as some peers send
        p.writePayload(new byte[] {(byte) 0xd9, 3, 'l', 'o', 'g'});
        p.writePayload(new byte[] {(byte) 0xda, 0, 2, 'o', 'k'}); // str16 for a 2-byte value
        byte[] rec = p.toByteArray();
        byte[][] keys = {utf8("log"), utf8("message")};
        int[] offs = new int[2];
        int[] lens = new int[2];
        assertThat(fields.scan(rec, 0, rec.length, keys, offs, lens)).isEqualTo(2);
        assertThat(new String(rec, offs[0], lens[0], StandardCharsets.UTF_8)).isEqualTo("ok");
        assertThat(lens[1]).isEqualTo(5000);
    }

    @Test
    void garbageAndNonMapsAreNotErrors() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packString("log");
        byte[] notMap = p.toByteArray();
        assertThat(fields.find(notMap, 0, notMap.length, utf8("log"))).isFalse();
        byte[] truncated = record(0);
        assertThat(fields.find(truncated, 0, 20, utf8("log"))).isFalse();
        byte[] garbage = {(byte) 0xc1, 1, 2, 3};
        assertThat(fields.find(garbage, 0, garbage.length, utf8("log"))).isFalse();
        assertThat(fields.find(garbage, 0, 0, utf8("log"))).isFalse();
        // still usable afterwards
        byte[] rec = record(0);
        assertThat(fields.getString(rec, 0, rec.length - 5, "log_type")).isEqualTo("access");
    }
}
