package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/** The hand-written reads agree with msgpack-core's writer on every format. */
class MsgpackReaderTest {

    interface Write {
        void to(MessagePacker p) throws Exception;
    }

    private static byte[] packed(Write w) throws Exception {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            w.to(p);
            return p.toByteArray();
        }
    }

    /** The value in {@code b} loaded, after checking that skip lands on its end. */
    private static Scalar load(byte[] b) {
        assertThat(MsgpackReader.skip(b, 0)).isEqualTo(b.length);
        Scalar s = new Scalar();
        MsgpackReader.load(b, 0, b.length, s);
        return s;
    }

    @Test
    void integersOfEveryWidthLoadAsTheirValue() throws Exception {
        long[] values = {0, 127, 128, 255, 256, 65535, 65536, 4294967295L, 4294967296L, Long.MAX_VALUE,
                -1, -32, -33, -128, -129, -32768, -32769, Integer.MIN_VALUE, Long.MIN_VALUE};
        for (long v : values) {
            Scalar s = load(packed(p -> p.packLong(v)));
            assertThat(s.kind).as("%d", v).isEqualTo(Scalar.Kind.LONG);
            assertThat(s.longValue).isEqualTo(v);
        }
        Scalar big = load(packed(p -> p.packBigInteger(new BigInteger("18446744073709551615"))));
        assertThat(big.kind).isEqualTo(Scalar.Kind.DOUBLE);
        assertThat(big.doubleValue).isEqualTo(1.8446744073709552E19);
    }

    @Test
    void floatsNullsAndBooleansLoad() throws Exception {
        assertThat(load(packed(p -> p.packFloat(1.5f))).doubleValue).isEqualTo(1.5);
        assertThat(load(packed(p -> p.packDouble(-2.25))).doubleValue).isEqualTo(-2.25);
        assertThat(load(packed(MessagePacker::packNil)).kind).isEqualTo(Scalar.Kind.NULL);
        assertThat(load(packed(p -> p.packBoolean(true))).booleanValue).isTrue();
        assertThat(load(packed(p -> p.packBoolean(false))).booleanValue).isFalse();
    }

    @Test
    void stringsOfEveryHeaderSizeAreFoundInPlace() throws Exception {
        for (int len : new int[] {0, 31, 32, 255, 256, 65535, 65536}) {
            String text = "x".repeat(len);
            byte[] b = packed(p -> p.packString(text));
            Scalar s = load(b);
            assertThat(s.kind).isEqualTo(Scalar.Kind.STRING);
            assertThat(s.length).as("length %d", len).isEqualTo(len);
            assertThat(s.offset + s.length).isEqualTo(b.length);
        }
    }

    @Test
    void containersBinaryAndExtensionsAreSkippedWhole() throws Exception {
        byte[] nested = packed(p -> {
            p.packArrayHeader(20);
            for (int i = 0; i < 20; i++) {
                p.packMapHeader(17);
                for (int k = 0; k < 17; k++) {
                    p.packString("k" + k);
                    p.packArrayHeader(1).packBinaryHeader(3).writePayload(new byte[3]);
                }
            }
        });
        assertThat(load(nested).kind).isEqualTo(Scalar.Kind.CONTAINER);
        assertThat(MsgpackReader.size(nested, 0)).isEqualTo(20);
        for (int len : new int[] {1, 2, 4, 8, 16, 3, 300, 70000}) {
            byte[] ext = packed(p -> p.packExtensionTypeHeader((byte) 1, len).writePayload(new byte[len]));
            assertThat(load(ext).kind).as("ext %d", len).isEqualTo(Scalar.Kind.OTHER);
        }
        byte[] bin = packed(p -> p.packBinaryHeader(70000).writePayload(new byte[70000]));
        assertThat(load(bin).kind).isEqualTo(Scalar.Kind.OTHER);
    }
}
