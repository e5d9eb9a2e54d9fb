package io.loglane.inputs.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): an HTTP ingest body ({@code POST /api/v1/ingest/{tag}}), NDJSON or
 * a JSON array. Property: a block of well-formed records or a {@link JsonBodyException} naming a
 * line within the body; nothing else (a 500, a hang). Regression inputs: bodies as sent.
 */
class JsonBodyDecoderFuzzTest {
    @FuzzTest
    void decodesAnyBody(byte[] body) {
        try {
            RecordBlock block = JsonBodyDecoder.decode(body, body.length, 1_700_000_000_000_000_000L);
            RecordCursor c = block.cursor();
            int n = 0;
            while (c.next()) {
                n++;
            }
            assertThat(n).as("records in the block").isEqualTo(block.count());
        } catch (JsonBodyException e) {
            long lines = 1 + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).chars().filter(ch -> ch == '\n').count();
            assertThat(e.line()).as(e.getMessage()).isBetween(1, (int) lines);
        }
    }
}
