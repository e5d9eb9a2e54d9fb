package io.loglane.inputs.http;

import static io.loglane.inputs.http.JsonBodyDecoderTest.RECEIVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.inputs.http.JsonBodyDecoderTest.Ev;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TextBodyDecoder}: one record per line as the tail makes them ({@code log}, plus
 * {@code log_type} when given, plus {@code truncated}), CRLF and blank lines, cut and repaired
 * lines counted; and {@link BodyType}: which Content-Type is which body.
 */
class TextBodyDecoderTest {
    private static TextBodyDecoder.Decoded decode(byte[] body, int maxLine, String logType) {
        return TextBodyDecoder.decode(body, body.length, maxLine, logType, RECEIVED);
    }

    @Test
    void eachLineIsARecordStampedWithTheReceiveTime() throws Exception {
        TextBodyDecoder.Decoded d = decode("one\r\n\n\r\ntwo \"quoted\"\nlast".getBytes(StandardCharsets.UTF_8), 100, "access");
        assertThat(JsonBodyDecoderTest.events(d.block())).containsExactly(
                new Ev(RECEIVED, "{\"log_type\":\"access\",\"log\":\"one\"}"),
                new Ev(RECEIVED, "{\"log_type\":\"access\",\"log\":\"two \\\"quoted\\\"\"}"),
                new Ev(RECEIVED, "{\"log_type\":\"access\",\"log\":\"last\"}"));
        assertThat(d).extracting(TextBodyDecoder.Decoded::lines, TextBodyDecoder.Decoded::blank, TextBodyDecoder.Decoded::truncated)
                .containsExactly(5, 2, 0);
    }

    @Test
    void longLinesAreCutAndMarkedBadUtf8RepairedAndNulBytesKept() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("0123456789ab\n0123456789\r\nbad ".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {(byte) 0xC3, 0x28, '\n', 'n', 0, 'l', '\n'});
        b.writeBytes("x".repeat(50).getBytes(StandardCharsets.UTF_8)); // cut at the end, no newline
        TextBodyDecoder.Decoded d = decode(b.toByteArray(), 10, null);
        assertThat(JsonBodyDecoderTest.events(d.block())).containsExactly(
                new Ev(RECEIVED, "{\"log\":\"0123456789\",\"truncated\":true}"),
                new Ev(RECEIVED, "{\"log\":\"0123456789\",\"truncated\":true}"), // the \r counts towards the maximum
                new Ev(RECEIVED, "{\"log\":\"bad \uFFFD(\"}"),
                new Ev(RECEIVED, "{\"log\":\"n\\u0000l\"}"),
                new Ev(RECEIVED, "{\"log\":\"xxxxxxxxxx\",\"truncated\":true}"));
        assertThat(d).extracting(TextBodyDecoder.Decoded::truncated, TextBodyDecoder.Decoded::invalidUtf8, TextBodyDecoder.Decoded::binary)
                .containsExactly(3, 1, 1);
    }

    @Test
    void blankLinesOnlyMakeAnEmptyBlock() {
        TextBodyDecoder.Decoded d = decode("\n\r\n\n".getBytes(StandardCharsets.UTF_8), 100, null);
        assertThat(d.block().isEmpty()).isTrue();
        assertThat(d.blank()).isEqualTo(3);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "NONE | JSON", "application/x-ndjson | JSON", "Application/JSON; charset=UTF-8 | JSON", "application/x-www-form-urlencoded | JSON",
            "application/vnd.api+json | JSON", "text/plain | TEXT", "text/plain; charset=\"utf-8\" | TEXT", "TEXT/PLAIN;charset=us-ascii | TEXT",
            "text/plain; charset=iso-8859-1 | NONE", "application/octet-stream | NONE", "text/csv | NONE", "application/x-protobuf | NONE"})
    void bodyTypesByContentType(String contentType, String type) {
        assertThat(BodyType.of(contentType)).isEqualTo(type == null ? null : BodyType.valueOf(type));
    }
}
