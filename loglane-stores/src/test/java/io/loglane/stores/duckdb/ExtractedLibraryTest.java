package io.loglane.stores.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.stores.duckdb.ExtractedLibrary.Mapped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractedLibraryTest {
    private static final Path TMP = Path.of("/tmp/run 1");

    private static String line(long inode, String path) {
        return "7f1c2a000000-7f1c2a400000 r-xp 00000000 fd:01 " + inode + "                    " + path;
    }

    @Test
    void onlyLiveCopiesDirectlyInTheTemporaryDirectoryAreChosenEachOnce() {
        List<String> maps = List.of(
                line(11, "/tmp/run 1/libduckdb_java123.so"),
                line(11, "/tmp/run 1/libduckdb_java123.so"), // the library has several mappings
                line(12, "/tmp/run 1/libduckdb_java456.so (deleted)"),
                line(13, "/tmp/run 1/sub/libduckdb_java789.so"),
                line(14, "/tmp/libduckdb_java000.so"),
                line(15, "/tmp/run 1/libzstd-jni-1.5.so"),
                line(16, "/tmp/run 1/libduckdb_java111.so.bak"),
                "7f1c2a400000-7f1c2a600000 rw-p 00000000 00:00 0 ",
                "7ffd1000-7ffd2000 r--p 00000000 00:00 0                          [vvar]");
        assertThat(ExtractedLibrary.liveCopies(maps, TMP))
                .containsExactly(new Mapped(Path.of("/tmp/run 1/libduckdb_java123.so"), 11));
    }

    @Test
    void aFileIsUnlinkedOnlyWhileItStillHasTheMappedInode(@TempDir Path dir) throws Exception {
        Path ours = Files.writeString(dir.resolve("libduckdb_java1.so"), "x");
        Path replaced = Files.writeString(dir.resolve("libduckdb_java2.so"), "y");
        long oursIno = (Long) Files.getAttribute(ours, "unix:ino");
        long replacedIno = (Long) Files.getAttribute(replaced, "unix:ino");
        List<Path> removed = ExtractedLibrary.unlink(List.of(
                new Mapped(ours, oursIno),
                new Mapped(replaced, replacedIno + 1_000_000), // another file now has the name
                new Mapped(dir.resolve("libduckdb_java3.so"), 7))); // gone already
        assertThat(removed).containsExactly(ours);
        assertThat(ours).doesNotExist();
        assertThat(replaced).exists();
    }
}
