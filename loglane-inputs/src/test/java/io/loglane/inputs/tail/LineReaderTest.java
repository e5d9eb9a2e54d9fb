package io.loglane.inputs.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splitting blocks into lines: block edges, cut lines, partial last lines, and re-reading a range. */
class LineReaderTest {
    @TempDir Path dir;

    private record Line(String text, boolean truncated) {}

    private static final class Collect implements LineReader.LineSink {
        final List<Line> lines = new ArrayList<>();

        @Override
        public void line(byte[] buf, int off, int len, boolean truncated) {
            lines.add(new Line(new String(buf, off, len, StandardCharsets.UTF_8), truncated));
        }
    }

    private FileChannel file(String content) throws Exception {
        Path p = dir.resolve("f" + System.nanoTime());
        Files.writeString(p, content);
        return FileChannel.open(p);
    }

    /** Reads the whole file block by block as the tail does; returns the lines and the final position. */
    private static List<Line> readAll(LineReader r, FileChannel ch, boolean flush, long[] end) throws Exception {
        Collect c = new Collect();
        long pos = 0;
        boolean skipping = false;
        while (true) {
            LineReader.Read read = r.read(ch, pos, Long.MAX_VALUE, skipping, flush, c);
            if (read.end() == pos) {
                break;
            }
            pos = read.end();
            skipping = read.skipping();
        }
        end[0] = pos;
        return c.lines;
    }

    @Test
    void linesSpanningBlockEdgesComeOutWhole() throws Exception {
        StringBuilder sb = new StringBuilder();
        List<Line> want = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String l = "line-" + i + "-" + "x".repeat(i % 37) + "\r";
            sb.append(l).append('\n');
            want.add(new Line(l, false));
        }
        long[] end = new long[1];
        assertThat(readAll(new LineReader(64, 50), file(sb.toString()), false, end)).isEqualTo(want);
        assertThat(end[0]).isEqualTo(sb.length());
    }

    @Test
    void aLineLongerThanTheMaximumIsCutAndItsRestSkippedAcrossBlocks() throws Exception {
        String content = "a\n" + "y".repeat(1000) + "\nb\n";
        long[] end = new long[1];
        assertThat(readAll(new LineReader(16, 10), file(content), false, end))
                .containsExactly(new Line("a", false), new Line("y".repeat(10), true), new Line("b", false));
        assertThat(end[0]).isEqualTo(content.length());
    }

    @Test
    void aLineOfExactlyTheMaximumIsNotMarkedTruncated() throws Exception {
        long[] end = new long[1];
        assertThat(readAll(new LineReader(16, 10), file("0123456789\n"), false, end)).containsExactly(new Line("0123456789", false));
    }

    @Test
    void aPartialLastLineWaitsUnlessFlushed() throws Exception {
        FileChannel ch = file("one\ntw");
        long[] end = new long[1];
        assertThat(readAll(new LineReader(4096, 100), ch, false, end)).containsExactly(new Line("one", false));
        assertThat(end[0]).isEqualTo(4);
        assertThat(readAll(new LineReader(4096, 100), ch, true, end)).containsExactly(new Line("one", false), new Line("tw", false));
        assertThat(end[0]).isEqualTo(6);
    }

    @Test
    void reReadingTheRangeOfABatchYieldsTheSameLines() throws Exception {
        String content = "first\n" + "z".repeat(40) + "\nthird\npartial";
        FileChannel ch = file(content);
        LineReader r = new LineReader(32, 20);
        long pos = 0;
        boolean skipping = false;
        for (int i = 0; i < 6; i++) {
            Collect original = new Collect();
            LineReader.Read read = r.read(ch, pos, Long.MAX_VALUE, skipping, true, original);
            if (read.end() == pos) {
                break;
            }
            Collect again = new Collect();
            LineReader.Read reread = r.read(ch, pos, read.end(), skipping, true, again);
            assertThat(again.lines).as("range %d-%d", pos, read.end()).isEqualTo(original.lines);
            assertThat(reread).isEqualTo(new LineReader.Read(read.end(), read.skipping(), read.lines(), reread.full(), reread.read()));
            pos = read.end();
            skipping = read.skipping();
        }
        assertThat(pos).isEqualTo(content.length());
    }

    @Test
    void theNewlineSearchFindsTheFirstNewlineAtEveryPositionAndAlignment() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                // bytes near '\n' (0x09, 0x0B), high bytes and zeros: what a carry or borrow could confuse
                int pick = random.nextInt(8);
                b[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x0B : pick == 2 ? 0x09 : pick == 3 ? 0 : pick == 4 ? 0x8A : random.nextInt(256));
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            int want = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    want = i;
                    break;
                }
            }
            assertThat(LineSplitter.indexOf(b, from, to)).as("round %d", round).isEqualTo(want);
        }
    }
}
