package io.loglane.inputs.http;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodyDecoderTest {
    static final long RECEIVED = 1_800_000_000_123_000_000L;

    record Ev(long ts, String json) {}

    static List<Ev> decode(String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return events(JsonBodyDecoder.decode(b, b.length, RECEIVED));
    }

    static List<Ev> events(RecordBlock block) throws IOException {
        List<Ev> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            assertThat(c.metaLength()).isZero();
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                Value v = u.unpackValue();
                assertThat(v.isMapValue()).isTrue();
                assertThat(u.hasNext()).as("record is exactly one msgpack value").isFalse();
                out.add(new Ev(c.tsNanos(), v.toJson()));
            }
        }
        return out;
    }

    static JsonBodyException error(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try {
            JsonBodyDecoder.decode(b, b.length, RECEIVED);
        } catch (JsonBodyException e) {
            return e;
        }
        throw new AssertionError("no error for " + body);
    }

    @Test
    void ndjsonWithBlankLinesAndCrlf() throws Exception {
        assertThat(decode("{\"a\":1}\r\n\n   \n{\"b\":\"x\"}\n"))
                .containsExactly(new Ev(RECEIVED, "{\"a\":1}"), new Ev(RECEIVED, "{\"b\":\"x\"}"));
    }

    @Test
    void arrayOfObjects() throws Exception {
        assertThat(decode(" [ {\"a\":1}, {\"b\":2} ] \n"))
                .containsExactly(new Ev(RECEIVED, "{\"a\":1}"), new Ev(RECEIVED, "{\"b\":2}"));
    }

    @Test
    void nestedValuesAndTypesArePreserved() throws Exception {
        String json = "{\"s\":\"é\\n\",\"i\":-42,\"big\":18446744073709551615,\"huge\":123456789012345678901234567890,"
                + "\"f\":1.5,\"t\":true,\"n\":null,\"o\":{\"p\":{\"q\":[1,[2,{}],[]]}},\"e\":{}}";
        List<Ev> evs = decode(json);
        assertThat(evs).hasSize(1);
        assertThat(evs.get(0).json()).isEqualTo("{\"s\":\"é\\n\",\"i\":-42,\"big\":18446744073709551615,"
                + "\"huge\":\"123456789012345678901234567890\",\"f\":1.5,\"t\":true,\"n\":null,"
                + "\"o\":{\"p\":{\"q\":[1,[2,{}],[]]}},\"e\":{}}");
    }

    @Test
    void emptyBodyGivesAnEmptyBlock() throws Exception {
        assertThat(JsonBodyDecoder.decode(new byte[10], 0, RECEIVED).isEmpty()).isTrue();
        assertThat(decode(" \n\n")).isEmpty();
        assertThat(decode("[]")).isEmpty();
    }

    @Test
    void onlyTheGivenLengthIsRead() throws Exception {
        byte[] b = "{\"a\":1}\n{\"b\":2}".getBytes(StandardCharsets.UTF_8);
        assertThat(events(JsonBodyDecoder.decode(b, 8, RECEIVED))).containsExactly(new Ev(RECEIVED, "{\"a\":1}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"time\":\"2024-05-01T10:00:00.123456789Z\"}         | 1714557600123456789",
            "{\"timestamp\":\"2024-05-01T12:00:00+02:00\"}         | 1714557600000000000",
            "{\"ts\":\"2024-05-01 10:00:00.5\"}                    | 1714557600500000000",
            "{\"@timestamp\":\"2024-05-01T10:00:00\"}              | 1714557600000000000",
            "{\"time\":1714557600}                                 | 1714557600000000000",
            "{\"time\":1714557600.25}                              | 1714557600250000000",
            "{\"time\":1714557600123}                              | 1714557600123000000",
            "{\"time\":1714557600123456}                           | 1714557600123456000",
            "{\"time\":1714557600123456789}                        | 1714557600123456789",
            "{\"ts\":1,\"time\":1714557600}                        | 1714557600000000000",
            "{\"time\":1714557600,\"ts\":1}                        | 1714557600000000000",
            "{\"time\":null,\"ts\":1714557600}                     | 1714557600000000000",
            "{\"nested\":{\"time\":5},\"msg\":\"x\"}               | 1800000000123000000",
    })
    void eventTimeFromFieldsInEachFormat(String json, long expectedNanos) throws Exception {
        List<Ev> evs = decode(json.trim());
        assertThat(evs).hasSize(1);
        assertThat(evs.get(0).ts()).isEqualTo(expectedNanos);
    }

    @Test
    void errorsNameTheLine() {
        JsonBodyException e = error("{\"a\":1}\n\n[1]\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.element()).isZero();
        assertThat(e.getMessage()).isEqualTo("line 3: line is an array, not a JSON object");

        assertThat(error("{\"a\":1}\n\"text\"").line()).isEqualTo(2);
        assertThat(error("{\"a\":1}\n{\"b\":").line()).isEqualTo(2);
        assertThat(error("{\"a\":1}\n{\"b\" 2}").getMessage()).startsWith("line 2: malformed JSON");
        assertThat(error("{\"a\":1} {\"b\":2}").reason()).isEqualTo("more than one JSON object on the line");
        assertThat(error("{\"a\":1}\n{\"time\":\"yesterday\"}").getMessage())
                .isEqualTo("line 2: field 'time' is not a time: 'yesterday' (use ISO-8601 or epoch seconds/milliseconds/microseconds/nanoseconds)");
        assertThat(error("{\"ts\":-5}").reason()).contains("not a time");
        assertThat(error("{\"time\":true}").reason()).contains("boolean");
        assertThat(error("{\"time\":{\"s\":1}}").reason()).contains("object");
    }

    @Test
    void arrayErrorsNameLineAndElement() {
        JsonBodyException e = error("[\n{\"a\":1},\n{\"b\":2},\n42\n]");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.element()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo("line 4, element 3: element is a number, not a JSON object");
        assertThat(error("[{\"a\":1}] {\"b\":2}").reason()).contains("after the array");
        assertThat(error("[{\"a\":1},").reason()).startsWith("malformed JSON");
    }

    /** Fuzzing finding (JsonBodyDecoderFuzzTest): Jackson counts a lone '\r' as a line break; NDJSON lines end at '\n'. */
    @Test
    void linesEndAtNewlinesOnlyNotAtALoneCarriageReturn() {
        assertThat(error("\r\u00ea").line()).as("a body of one line").isEqualTo(1);
        assertThat(error("\r\u0000\u0000").line()).as("an error located by char offset").isEqualTo(1);
        assertThat(error("{\"a\":1}\r{\"b\":2}").reason()).isEqualTo("more than one JSON object on the line");
        assertThat(error("{\"a\":1}\r\n{\"b\":2}\r\n{\"c\"}").line()).as("CRLF lines count once each").isEqualTo(3);
        assertThat(error("{\"a\":1}\r\n\r\n[1]").line()).isEqualTo(3);
    }
}
