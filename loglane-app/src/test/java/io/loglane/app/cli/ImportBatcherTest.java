package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ImportBatcher}: every line in exactly one batch, byte for byte, batches cut the same way on
 * every run (the idempotency keys depend on it) and under the byte limit, with CRLF, blank, long and
 * invalid UTF-8 lines handled as documented.
 */
class ImportBatcherTest {
    private static List<ImportBatch> batches(byte[] input, int maxLine, int batchBytes) throws Exception {
        List<ImportBatch> out = new ArrayList<>();
        // one byte per read at times: a reader that returns short reads must give the same batches
        new ImportBatcher(maxLine, batchBytes, out::add).run(new ByteArrayInputStream(input) {
            private int calls;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, ++calls % 3 == 0 ? 1 : len);
            }
        });
        return out;
    }

    private static String text(ImportBatch b) {
        return new String(b.body(), 0, b.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyLineLandsInOneBatchAsItIsAndRerunsCutTheSameBatches() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            in.writeBytes(("line " + i + " \u0001\"quoted\" " + "x".repeat(i % 50) + (i % 10 == 0 ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
        }
        byte[] input = in.toByteArray();
        List<ImportBatch> first = batches(input, 1024, 8192);
        List<ImportBatch> second = batches(input, 1024, 8192);
        assertThat(first).hasSizeGreaterThan(10);
        assertThat(first.stream().map(ImportBatch::startOffset).toList()).isEqualTo(second.stream().map(ImportBatch::startOffset).toList());
        assertThat(first.stream().map(ImportBatcherTest::text).toList()).isEqualTo(second.stream().map(ImportBatcherTest::text).toList());
        assertThat(first).allSatisfy(b -> assertThat(b.length()).isLessThanOrEqualTo(8192));
        // nothing blank or long: the batches are the input, cut at line ends
        assertThat(String.join("", first.stream().map(ImportBatcherTest::text).toList()))
                .isEqualTo(new String(input, StandardCharsets.ISO_8859_1));
        assertThat(first.stream().mapToInt(ImportBatch::lines).sum()).isEqualTo(3000);
        for (ImportBatch b : first) {
            // a batch's offset is where its first line starts in the input, and it ends with a whole line
            assertThat(text(b)).startsWith(new String(input, (int) b.startOffset(), 5, StandardCharsets.ISO_8859_1)).startsWith("line ").endsWith("\n");
        }
    }

    @Test
    void longLinesAreSentOneBytePastTheMaximumAndBlankLinesNotAtAll() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes("a\n\n\r\n".getBytes(StandardCharsets.UTF_8));
        in.writeBytes("y".repeat(5000).getBytes(StandardCharsets.UTF_8)); // cut; its rest skipped over several blocks
        in.writeBytes("\nbad \u00e9 ".getBytes(StandardCharsets.UTF_8));
        in.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        in.writeBytes("w".repeat(1000).getBytes(StandardCharsets.UTF_8)); // exactly the maximum: whole
        in.write('\n');
        in.writeBytes("z".repeat(3000).getBytes(StandardCharsets.UTF_8)); // cut at the end of the input, no newline
        List<String> sent = new ArrayList<>();
        ImportBatcher b = new ImportBatcher(1000, 2010, batch -> {
            assertThat(batch.length()).isLessThanOrEqualTo(2010);
            sent.add(text(batch));
        });
        b.run(new ByteArrayInputStream(in.toByteArray()));
        List<String> lines = new ArrayList<>();
        for (String body : sent) {
            assertThat(body).endsWith("\n");
            lines.addAll(List.of(body.split("\n")));
        }
        assertThat(lines).containsExactly("a", "y".repeat(1001), "bad \u00c3\u00a9 \u00c3(", "w".repeat(1000), "z".repeat(1001));
        assertThat(sent).hasSize(2); // 2010 bytes hold "a", the cut y line and the bad line; then the w and z lines
        assertThat(b.counts()).isEqualTo(new ImportBatcher.Counts(7, 2, 2));
    }

    @Test
    void aBatchTooSmallForTheLongestLineIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImportBatcher(1000, 1001, batch -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
