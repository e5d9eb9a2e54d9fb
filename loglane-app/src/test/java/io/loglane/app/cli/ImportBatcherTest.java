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
        new ImportBatcher(maxLine, new ImportBodies(batchBytes, 10_000), out::add).run(new ByteArrayInputStream(input) {
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
        // nothing blank or long: the batches are the input, cut at line ends, each as full as the next line allows
        assertThat(String.join("", first.stream().map(ImportBatcherTest::text).toList()))
                .isEqualTo(new String(input, StandardCharsets.ISO_8859_1));
        assertThat(first.stream().mapToLong(ImportBatch::lines).sum()).isEqualTo(3000);
        for (int i = 0; i + 1 < first.size(); i++) {
            int nextLine = text(first.get(i + 1)).indexOf('\n') + 1;
            assertThat(first.get(i).length() + nextLine).isGreaterThan(8192);
        }
        for (ImportBatch b : first) {
            // a batch's offset is where its first line starts in the input, and it ends with a whole line
            assertThat(text(b)).startsWith(new String(input, (int) b.startOffset(), 5, StandardCharsets.ISO_8859_1)).startsWith("line ").endsWith("\n");
        }
    }

    @Test
    void aLineLongerThanABodyIsSentOneBytePastTheMaximumAndTheRestSkipped() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes("a\n\n\r\n".getBytes(StandardCharsets.UTF_8));
        in.writeBytes("y".repeat(5000).getBytes(StandardCharsets.UTF_8)); // longer than a body: cut, its rest skipped over several reads
        in.writeBytes("\nbad \u00e9 ".getBytes(StandardCharsets.UTF_8));
        in.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        in.writeBytes("v".repeat(1500).getBytes(StandardCharsets.UTF_8)); // longer than the maximum, shorter than a body: sent whole, the server cuts it
        in.write('\n');
        in.writeBytes("z".repeat(3000).getBytes(StandardCharsets.UTF_8)); // longer than a body at the end of the input, no newline
        List<String> sent = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        byte[] input = in.toByteArray();
        ImportBatcher b = new ImportBatcher(1000, new ImportBodies(2010, 10_000), batch -> {
            assertThat(batch.length()).isLessThanOrEqualTo(2010);
            sent.add(text(batch));
            starts.add(batch.startOffset());
        });
        b.run(new ByteArrayInputStream(input));
        List<String> lines = new ArrayList<>();
        for (String body : sent) {
            lines.addAll(List.of(body.split("\n", -1)));
            lines.remove(lines.size() - 1); // after the body's last newline
        }
        // blank lines go as they are (the server skips them); the y line is one byte past the maximum
        assertThat(lines).containsExactly("a", "", "\r", "y".repeat(1001), "bad \u00c3\u00a9 \u00c3(", "v".repeat(1500), "z".repeat(1001));
        // a body ends at its last newline: a and the blank lines | the y head and the bad line | v | the z head
        assertThat(sent).hasSize(4);
        // each batch's offset is where its first line starts in the input
        String all = new String(input, StandardCharsets.ISO_8859_1);
        assertThat(starts).containsExactly(0L, (long) all.indexOf("y"), (long) all.indexOf("v"), (long) all.indexOf("z"));
        assertThat(b.blankNotSent()).isZero();
    }

    @Test
    void aBodyOfBlankLinesOnlyIsCountedNotSent() throws Exception {
        byte[] input = ("\n".repeat(30) + "\r\n".repeat(10) + "x".repeat(40) + "\n" + "\n".repeat(20)).getBytes(StandardCharsets.UTF_8);
        List<String> sent = new ArrayList<>();
        ImportBatcher b = new ImportBatcher(45, new ImportBodies(50, 10_000), batch -> sent.add(text(batch)));
        b.run(new ByteArrayInputStream(input));
        // bodies: 50 newlines/CRs (blank: not sent) | the rest of the CRLFs and the x line | 20 newlines (blank)
        assertThat(String.join("", sent)).contains("x".repeat(40) + "\n");
        assertThat(sent).allSatisfy(s -> assertThat(s.chars().anyMatch(c -> c != '\n' && c != '\r')).isTrue());
        long sentLines = sent.stream().mapToLong(s -> s.chars().filter(c -> c == '\n').count()).sum();
        assertThat(b.blankNotSent() + sentLines).isEqualTo(61);
        assertThat(b.blankNotSent()).isEqualTo(20 + 30 + 10 - (sentLines - 1));
    }

    @Test
    void bodiesAreReusedOnceGivenBackAndNeverOverwrittenBefore() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < 2000; i++) {
            in.writeBytes(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        ImportBodies bodies = new ImportBodies(256, 3);
        java.util.Set<byte[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        StringBuilder all = new StringBuilder();
        new ImportBatcher(100, bodies, batch -> {
            seen.add(batch.body());
            all.append(text(batch)); // read before it is given back, as the sender does
            bodies.give(batch.body());
        }).run(new ByteArrayInputStream(in.toByteArray()));
        assertThat(all.toString()).isEqualTo(in.toString(StandardCharsets.UTF_8));
        assertThat(seen).as("two arrays in turn: the one sent and the one filled next").hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void aBatchTooSmallForTheLongestLineIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImportBatcher(1000, new ImportBodies(1001, 2), batch -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
