package io.loglane.core.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): the timestamp readers. {@code format NUL text} reads {@code text}
 * with {@code time_format: format} (an input without NUL: with the default rules). Properties: a
 * format is accepted or refused with an IllegalArgumentException; a time is nanoseconds since the
 * epoch or -1, never an exception; the byte path agrees with the text path; and the common log
 * format reader with its remembered day ({@link CommonLogTimes}) agrees with the plain one.
 */
class TimestampsFuzzTest {
    @FuzzTest
    void readsAnyTime(byte[] input) {
        int nul = -1;
        for (int i = 0; i < input.length && nul < 0; i++) {
            nul = input[i] == 0 ? i : -1;
        }
        TimeFormat format;
        try {
            format = TimeFormat.of(nul < 0 ? null : new String(input, 0, nul, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("bad time_format");
            return;
        }
        int off = nul + 1;
        int len = input.length - off;
        long fromBytes = format.parse(input, off, len);
        assertThat(fromBytes).isGreaterThanOrEqualTo(-1);
        String text = new String(input, off, len, StandardCharsets.UTF_8);
        if (nul < 0 && new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text)
                && java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), 0, len, input, off, input.length)) {
            assertThat(fromBytes).as("bytes and text of %s", text).isEqualTo(format.parse(text));
        }
        // every 26-byte window in turn, through one reader: its remembered day must never leak into the next
        CommonLogTimes remembered = new CommonLogTimes();
        for (int s = off; s + EventTimeParser.CLF_LENGTH <= input.length; s++) {
            int e = s + EventTimeParser.CLF_LENGTH;
            assertThat(remembered.parse(input, s, e)).as("the remembered day agrees at %d", s)
                    .isEqualTo(EventTimeParser.fromCommonLogTime(input, s, e));
        }
        assertThat(EventTimeParser.fromString(text)).isGreaterThanOrEqualTo(-1);
    }
}
