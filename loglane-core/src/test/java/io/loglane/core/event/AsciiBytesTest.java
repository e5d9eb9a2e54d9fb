package io.loglane.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AsciiBytesTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    /** The obvious byte loop the word-at-a-time search must agree with. */
    private static int naive(byte[] hay, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void findsFirstOccurrenceAtEveryAlignmentAndRespectsBounds() {
        byte[] needle = b("log_type");
        for (int pos = 0; pos < 40; pos++) {
            byte[] hay = b("x".repeat(pos) + "log_type" + "y".repeat(17) + "log_type");
            assertThat(AsciiBytes.indexOf(hay, 0, hay.length, needle)).isEqualTo(pos);
            assertThat(AsciiBytes.indexOf(hay, pos + 1, hay.length, needle)).isEqualTo(pos + 8 + 17);
            // the range ends one byte before the needle would: not found
            assertThat(AsciiBytes.indexOf(hay, 0, pos + 7, needle)).isEqualTo(-1);
        }
    }

    @Test
    void agreesWithAByteLoopOnRandomInputWithNearMisses() {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[][] needles = {b("log_type"), b("\"level\""), b("at "), b("x"), b("\u0000\u0001"), b("zz")};
        byte[] alphabet = b("log_type\"lev \u0000\u0001\u0080\u00ffz");
        for (int round = 0; round < 20_000; round++) {
            byte[] hay = new byte[rnd.nextInt(0, 70)];
            for (int i = 0; i < hay.length; i++) {
                hay[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            byte[] needle = needles[rnd.nextInt(needles.length)];
            int from = hay.length == 0 ? 0 : rnd.nextInt(hay.length);
            int to = from + rnd.nextInt(hay.length - from + 1);
            assertThat(AsciiBytes.indexOf(hay, from, to, needle)).as("round %d", round).isEqualTo(naive(hay, from, to, needle));
        }
    }

    @Test
    void anchorsOnARareByte() {
        assertThat(AsciiBytes.anchor(b("log_type"))).isEqualTo(3);
        assertThat(AsciiBytes.anchor(b("level"))).isEqualTo(4);
    }
}
