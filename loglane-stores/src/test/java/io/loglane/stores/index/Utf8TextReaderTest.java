package io.loglane.stores.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The message reader gives the analyzer exactly the characters of {@code new String(bytes, UTF_8)}, reused per document. */
class Utf8TextReaderTest {
    private final Utf8TextReader reader = new Utf8TextReader();

    private String readAll(byte[] b, int off, int len, int chunk) throws IOException {
        reader.reset(b, off, len);
        StringBuilder out = new StringBuilder();
        char[] buf = new char[chunk];
        for (int n; (n = reader.read(buf, 0, buf.length)) != -1; ) {
            assertThat(n).isPositive();
            out.append(buf, 0, n);
        }
        return out.toString();
    }

    @Test
    void readsWhatAStringDecodeGivesAsciiOrNotMalformedOrNotInAnyChunkSize() throws IOException {
        byte[][] samples = {
                "GET /api/v1/users 200".getBytes(StandardCharsets.UTF_8),
                "Größe ✓ 𝄞 done".getBytes(StandardCharsets.UTF_8),
                {'o', 'k', (byte) 0xC3, ' ', (byte) 0xFF, 'x'}, // a cut sequence and a byte UTF-8 never has
                {},
        };
        for (byte[] b : samples) {
            for (int chunk : new int[] {1, 3, 4096}) {
                assertThat(readAll(b, 0, b.length, chunk)).isEqualTo(new String(b, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void readsOnlyItsRangeAndStartsOverOnReset() throws IOException {
        byte[] b = "xx héllo xx".getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(b, 3, 6, 2)).isEqualTo("héllo");
        byte[] ascii = "[abc]".getBytes(StandardCharsets.US_ASCII);
        assertThat(readAll(ascii, 1, 3, 2)).isEqualTo("abc");
        assertThat(readAll(ascii, 1, 3, 2)).as("the same bytes again").isEqualTo("abc");
        assertThat(reader.read(new char[4], 0, 0)).isZero();
    }
}
