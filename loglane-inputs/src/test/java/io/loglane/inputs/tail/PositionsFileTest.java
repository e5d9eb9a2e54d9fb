package io.loglane.inputs.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The positions file: what is written is read back; damage, a stale temp file and older versions are handled as FORMAT.md says. */
class PositionsFileTest {
    @TempDir Path dir;

    private final List<TailPosition> sample = List.of(
            new TailPosition(new FileIdentity(2049, 131), new Fingerprint(256, 0xCAFEBABEL), 4096, 8192, false, "/var/log/app.log"),
            new TailPosition(new FileIdentity(2049, 7), new Fingerprint(12, 0x1L), 0, -1, true, "/var/log/odd name\nwith \\ newline.log"),
            // a copy re-sending its original's pending range (copytruncate): the range's chunk id names the original
            new TailPosition(new FileIdentity(2049, 9), new Fingerprint(256, 0xCAFEBABEL), 4096, 8192, false, "/var/log/app.log.1",
                    new FileIdentity(2049, 131)));

    private final List<TailPosition> released = List.of(
            new TailPosition(new FileIdentity(2049, 12), new Fingerprint(256, 0xBEEFL), 70_000, -1, false, "/var/log/app.log"),
            new TailPosition(new FileIdentity(2050, 3), new Fingerprint(40, 0x7L), 40, -1, true, "/var/log/b t r.log"));

    /** Generations truncated or replaced at their inode: a pending range is kept (a copy re-sends it). */
    private final List<TailPosition> lost = List.of(
            new TailPosition(new FileIdentity(2049, 131), new Fingerprint(256, 0xF00DL), 9000, 9100, false, "/var/log/app.log"));

    private final PositionsFile.Content content = new PositionsFile.Content(1_796_000_000_123L, sample, released, lost);

    @Test
    void whatIsWrittenIsReadBack() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("sub/t.positions"));
        assertThat(f.read()).isEqualTo(PositionsFile.Content.EMPTY);
        f.write(content);
        assertThat(f.read()).isEqualTo(content);
        assertThat(Files.readString(f.path())).startsWith("loglane-tail-positions 3\nscan 1796000000123\n");
    }

    @Test
    void aLeftoverTempFileIsIgnored() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        f.write(content);
        Files.writeString(dir.resolve("t.positions.tmp"), "loglane-tail-positions 1\n1 2 3"); // a write cut short
        assertThat(f.read()).isEqualTo(content);
    }

    @Test
    void aFlippedByteIsReportedAsCorruptWithTheFileName() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        f.write(content);
        byte[] b = Files.readAllBytes(f.path());
        b[30] ^= 0x04;
        Files.write(f.path(), b);
        assertThatThrownBy(f::read).isInstanceOf(IOException.class).hasMessageContaining("t.positions").hasMessageContaining("CRC");
    }

    @Test
    void anUnknownVersionIsRefused() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        f.write(PositionsFile.Content.EMPTY);
        String body = Files.readString(f.path()).replace("positions " + PositionsFile.VERSION, "positions 9");
        writeWithFooter(f.path(), body.substring(0, body.indexOf("crc32c ")));
        assertThatThrownBy(f::read).hasMessageContaining("unknown header");
    }

    @Test
    void aBadStateOrScanLineIsRefusedNamingTheLine() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        writeWithFooter(f.path(), "loglane-tail-positions 3\nscan 5\n2049 131 256 cafebabe 4096 -1 0 2049:131 x /var/log/app.log\n");
        assertThatThrownBy(f::read).hasMessageContaining("line 3").hasMessageContaining("state \"x\" is none of t, r, g");
        writeWithFooter(f.path(), "loglane-tail-positions 3\n2049 131 256 cafebabe 4096 -1 0 2049:131 t /var/log/app.log\n");
        assertThatThrownBy(f::read).hasMessageContaining("line 2 is not \"scan <millis>\"");
        writeWithFooter(f.path(), "loglane-tail-positions 3\nscan 5\n2049 131 256 cafebabe 4096 8192 0 2049:131 r /var/log/app.log\n");
        assertThatThrownBy(f::read).hasMessageContaining("line 3").hasMessageContaining("released file with a pending range");
    }

    @Test
    void aVersion1FileIsStillRead() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        writeWithFooter(f.path(), "loglane-tail-positions 1\n2049 131 256 cafebabe 4096 8192 0 /var/log/app.log\n");
        PositionsFile.Content read = f.read();
        assertThat(read.tailed()).containsExactly(sample.get(0));
        assertThat(read.tailed().get(0).pendingOf()).isEqualTo(new FileIdentity(2049, 131));
        assertThat(read.scanMillis()).as("no scan recorded").isEqualTo(-1);
        assertThat(read.released()).isEmpty();
        assertThat(read.lost()).isEmpty();
    }

    @Test
    void aVersion2FileAsTheWriterBeforeVersion3LeftItIsStillRead() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        Files.write(f.path(), version2(sample));
        PositionsFile.Content read = f.read();
        assertThat(read.tailed()).isEqualTo(sample);
        assertThat(read.scanMillis()).as("no scan recorded").isEqualTo(-1);
        assertThat(read.released()).isEmpty();
        f.write(read); // rewritten in the current version, nothing lost
        assertThat(f.read()).isEqualTo(read);
        assertThat(Files.readString(f.path())).startsWith("loglane-tail-positions 3\n");
    }

    /**
     * The bytes the version 2 writer (before the scan watermark) produced for {@code positions}:
     * its logic as it was, so that a file it left is read by this version.
     */
    static byte[] version2(List<TailPosition> positions) {
        StringBuilder sb = new StringBuilder();
        sb.append("loglane-tail-positions").append(' ').append(2).append('\n');
        for (TailPosition p : positions) {
            sb.append(p.id().dev()).append(' ').append(p.id().ino()).append(' ')
                    .append(p.fingerprint().length()).append(' ').append(Long.toHexString(p.fingerprint().hash())).append(' ')
                    .append(p.offset()).append(' ').append(p.pendingEnd()).append(' ').append(p.skipping() ? '1' : '0').append(' ')
                    .append(p.pendingOf()).append(' ').append(p.path().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] footer = ("crc32c " + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + footer.length];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(footer, 0, out, body.length, footer.length);
        return out;
    }

    private static void writeWithFooter(Path file, String body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, body + "crc32c " + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n");
    }
}
