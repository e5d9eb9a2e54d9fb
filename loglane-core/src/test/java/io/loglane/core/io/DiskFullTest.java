package io.loglane.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullTest {
    @Test
    void theErrorOfAWriteToAFullDeviceIsRecognised() {
        Path full = Path.of("/dev/full"); // Linux: every write fails with ENOSPC
        assumeTrue(Files.isWritable(full), "/dev/full exists on Linux only");
        IOException e = catchThrowableOfType(IOException.class, () -> {
            try (FileChannel ch = FileChannel.open(full, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[4096]));
                ch.force(false);
            }
        });
        assertThat(e).isNotNull();
        assertThat(DiskFull.is(e)).as(e.toString()).isTrue();
        assertThat(DiskFull.is(new UncheckedIOException("append failed", e))).as("found as a cause").isTrue();
    }

    @Test
    void otherIoErrorsAreNotADiskFull(@TempDir Path dir) {
        IOException e = catchThrowableOfType(IOException.class, () -> Files.readAllBytes(dir.resolve("missing")));
        assertThat(e).isInstanceOf(NoSuchFileException.class);
        assertThat(DiskFull.is(e)).isFalse();
        assertThat(DiskFull.is(new IOException((String) null))).isFalse();
    }
}
