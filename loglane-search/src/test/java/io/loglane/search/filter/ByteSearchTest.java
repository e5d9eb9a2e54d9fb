package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The word-at-a-time search finds exactly what a plain byte-by-byte search finds. */
class ByteSearchTest {

    private static int naive(byte[] b, int off, int len, byte[] needle) {
        outer:
        for (int i = off; i <= off + len - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void agreesWithANaiveSearchOnRandomTextRangesAndNeedles() {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n = 0; n < 50_000; n++) {
            // a small alphabet (with bytes >= 0x80) so needles occur, at every alignment
            byte[] hay = new byte[rnd.nextInt(0, 70)];
            for (int i = 0; i < hay.length; i++) {
                hay[i] = (byte) (rnd.nextBoolean() ? 'a' + rnd.nextInt(3) : 0x80 + rnd.nextInt(2));
            }
            int off = hay.length == 0 ? 0 : rnd.nextInt(hay.length);
            int len = rnd.nextInt(hay.length - off + 1);
            byte[] needle = new byte[rnd.nextInt(0, 5)];
            for (int i = 0; i < needle.length; i++) {
                needle[i] = (byte) (rnd.nextBoolean() ? 'a' + rnd.nextInt(3) : 0x80 + rnd.nextInt(2));
            }
            int expected = needle.length == 0 ? off : naive(hay, off, len, needle);
            assertThat(ByteSearch.indexOf(hay, off, len, needle))
                    .as("seed %d case %d", seed, n).isEqualTo(expected);
        }
    }

    @Test
    void aMatchPastTheRangeIsNotFound() {
        byte[] b = "xxxxxxxxxxERROR".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ByteSearch.indexOf(b, 0, 12, "ERROR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(ByteSearch.indexOf(b, 0, 15, "ERROR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo(10);
        assertThat(ByteSearch.indexOf(b, 11, 4, "RROR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo(11);
    }
}
