package io.loglane.inputs.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The positions file: what is written is read back; damage and a stale temp file are handled as FORMAT.md says. */
class PositionsFileTest {
    @TempDir Path dir;

    private final List<TailPosition> sample = List.of(
            new TailPosition(new FileIdentity(2049, 131), new Fingerprint(256, 0xCAFEBABEL), 4096, 8192, false, "/var/log/app.log"),
            new TailPosition(new FileIdentity(2049, 7), new Fingerprint(12, 0x1L), 0, -1, true, "/var/log/odd name\nwith \\ newline.log"),
            // a copy re-sending its original's pending range (copytruncate): the range's chunk id names the original
            new TailPosition(new FileIdentity(2049, 9), new Fingerprint(256, 0xCAFEBABEL), 4096, 8192, false, "/var/log/app.log.1",
                    new FileIdentity(2049, 131)));

    @Test
    void whatIsWrittenIsReadBack() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("sub/t.positions"));
        assertThat(f.read()).isEmpty();
        f.write(sample);
        assertThat(f.read()).isEqualTo(sample);
    }

    @Test
    void aLeftoverTempFileIsIgnored() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        f.write(sample);
        Files.writeString(dir.resolve("t.positions.tmp"), "loglane-tail-positions 1\n1 2 3"); // a write cut short
        assertThat(f.read()).isEqualTo(sample);
    }

    @Test
    void aFlippedByteIsReportedAsCorruptWithTheFileName() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        f.write(sample);
        byte[] b = Files.readAllBytes(f.path());
        b[30] ^= 0x04;
        Files.write(f.path(), b);
        assertThatThrownBy(f::read).isInstanceOf(IOException.class).hasMessageContaining("t.positions").hasMessageContaining("CRC");
    }

    @Test
    void anUnknownVersionIsRefused() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        f.write(List.of());
        String text = Files.readString(f.path()).replace("positions " + PositionsFile.VERSION, "positions 9");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        String body = text.substring(0, text.indexOf("crc32c "));
        crc.update(body.getBytes());
        Files.writeString(f.path(), body + "crc32c " + java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + "\n");
        assertThatThrownBy(f::read).hasMessageContaining("unknown header");
    }

    @Test
    void aVersion1FileIsStillRead() throws IOException {
        PositionsFile f = new PositionsFile(dir.resolve("t.positions"));
        String body = "loglane-tail-positions 1\n2049 131 256 cafebabe 4096 8192 0 /var/log/app.log\n";
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes());
        Files.writeString(f.path(), body + "crc32c " + java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + "\n");
        assertThat(f.read()).containsExactly(sample.get(0));
        assertThat(f.read().get(0).pendingOf()).isEqualTo(new FileIdentity(2049, 131));
    }
}
