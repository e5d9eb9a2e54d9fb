package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlainAsciiTest {
    /** The byte loop the word-at-a-time check must agree with. */
    private static boolean naive(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    @Test
    void agreesWithAByteLoopAtEveryPositionAndForEveryByteValue() {
        for (int v = 0; v < 256; v++) {
            for (int pos = 0; pos < 20; pos++) {
                byte[] b = "abcdefghijklmnopqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                b[pos] = (byte) v;
                for (int off = 0; off < 3; off++) {
                    int len = b.length - off - 1;
                    assertThat(PlainAscii.isPlain(b, off, len)).as("byte %d at %d, off %d", v, pos, off).isEqualTo(naive(b, off, len));
                }
            }
        }
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 50_000; round++) {
            byte[] b = new byte[rnd.nextInt(0, 40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (rnd.nextInt(10) == 0 ? rnd.nextInt(256) : rnd.nextInt(0x20, 0x7f));
            }
            int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
            int len = rnd.nextInt(b.length - off + 1);
            assertThat(PlainAscii.isPlain(b, off, len)).isEqualTo(naive(b, off, len));
        }
    }

    @Test
    void isAsciiIsFalseExactlyWhenSomeByteIsAtOrAbove0x80() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int round = 0; round < 50_000; round++) {
            byte[] b = new byte[rnd.nextInt(0, 40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (rnd.nextInt(30) == 0 ? rnd.nextInt(0x80, 0x100) : rnd.nextInt(0, 0x80));
            }
            int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
            int len = rnd.nextInt(b.length - off + 1);
            boolean ascii = true;
            for (int i = off; i < off + len; i++) {
                ascii &= b[i] >= 0;
            }
            assertThat(PlainAscii.isAscii(b, off, len)).as("round %d", round).isEqualTo(ascii);
        }
    }
}
