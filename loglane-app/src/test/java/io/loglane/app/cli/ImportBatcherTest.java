package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ImportBatcher}: every line in exactly one batch, batches cut the same way on every run
 * (the idempotency keys depend on it), under the byte limit even for lines that escape to six
 * times their size, with CRLF, blank, long and invalid UTF-8 lines handled as documented.
 */
class ImportBatcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<ImportBatch> batches(byte[] input, int maxLine, int batchBytes, String lane) throws Exception {
        List<ImportBatch> out = new ArrayList<>();
        // one byte per read at times: a reader that returns short reads must give the same batches
        new ImportBatcher(maxLine, batchBytes, lane, out::add).run(new ByteArrayInputStream(input) {
            private int calls;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, ++calls % 3 == 0 ? 1 : len);
            }
        });
        return out;
    }

    private static List<JsonNode> records(List<ImportBatch> batches) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (ImportBatch b : batches) {
            for (String line : new String(b.body(), 0, b.length(), StandardCharsets.UTF_8).split("\n")) {
                all.add(JSON.readTree(line));
            }
        }
        return all;
    }

    @Test
    void everyLineLandsInOneBatchAndRerunsCutTheSameBatches() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            in.writeBytes(("line " + i + " \u0001\"quoted\" " + "x".repeat(i % 50) + (i % 10 == 0 ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
        }
        byte[] input = in.toByteArray();
        List<ImportBatch> first = batches(input, 1024, 8192, "access");
        List<ImportBatch> second = batches(input, 1024, 8192, "access");
        assertThat(first).hasSizeGreaterThan(10);
        assertThat(first.stream().map(ImportBatch::startOffset).toList()).isEqualTo(second.stream().map(ImportBatch::startOffset).toList());
        assertThat(first).allSatisfy(b -> assertThat(b.length()).isLessThanOrEqualTo(8192));
        List<JsonNode> recs = records(first);
        assertThat(recs).hasSize(3000);
        for (int i = 0; i < 3000; i++) {
            assertThat(recs.get(i).get("log").asText()).isEqualTo("line " + i + " \u0001\"quoted\" " + "x".repeat(i % 50));
            assertThat(recs.get(i).get("log_type").asText()).isEqualTo("access");
        }
        // a batch's offset is where its first line starts in the input
        for (ImportBatch b : first) {
            assertThat(new String(input, (int) b.startOffset(), 5, StandardCharsets.UTF_8)).isEqualTo("line ");
        }
    }

    @Test
    void longBlankAndInvalidLinesAreCutSkippedAndRepaired() throws Exception {
        byte[] control = new byte[1000];
        java.util.Arrays.fill(control, (byte) 1); // escapes to six bytes each
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes("a\n\n".getBytes(StandardCharsets.UTF_8));
        in.writeBytes("y".repeat(5000).getBytes(StandardCharsets.UTF_8));
        in.writeBytes("\nbad \u00e9 ".getBytes(StandardCharsets.UTF_8));
        in.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        in.writeBytes(control);
        in.write('\n');
        in.writeBytes("z".repeat(3000).getBytes(StandardCharsets.UTF_8)); // cut at the end of the input, no newline
        List<String> sent = new ArrayList<>();
        ImportBatcher b = new ImportBatcher(1000, 8000, null, batch -> {
            assertThat(batch.length()).isLessThanOrEqualTo(8000);
            sent.add(new String(batch.body(), 0, batch.length(), StandardCharsets.UTF_8));
        });
        b.run(new ByteArrayInputStream(in.toByteArray()));
        List<JsonNode> recs = new ArrayList<>();
        for (String body : sent) {
            for (String line : body.split("\n")) {
                recs.add(JSON.readTree(line));
            }
        }
        assertThat(recs).extracting(r -> r.get("log").asText().length()).containsExactly(1, 1000, 8, 1000, 1000);
        assertThat(recs.get(1).get("truncated").asBoolean()).isTrue();
        assertThat(recs.get(2).get("log").asText()).isEqualTo("bad \u00e9 \uFFFD(");
        assertThat(recs.get(4).get("truncated").asBoolean()).isTrue();
        assertThat(b.counts()).isEqualTo(new ImportBatcher.Counts(6, 1, 2, 1));
    }
}
