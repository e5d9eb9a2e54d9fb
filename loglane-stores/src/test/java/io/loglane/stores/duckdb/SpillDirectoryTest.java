package io.loglane.stores.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spill directory is a fresh directory per database, named after its process, gone with
 * everything in it after close; the start-up clean-up removes those of processes that are gone and
 * never one whose process lives.
 */
@Timeout(60)
class SpillDirectoryTest {
    @TempDir Path root;

    /** A pid no process has: one of a child that has exited and been reaped. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return p.pid();
    }

    @Test
    void eachDatabaseGetsADirectoryOfItsOwnNamedAfterItsProcess() throws Exception {
        Path missing = root.resolve("data").resolve("tmp");
        try (SpillDirectory a = SpillDirectory.create(missing, "sql"); SpillDirectory b = SpillDirectory.create(missing, "sql")) {
            assertThat(a.path()).isDirectory().isAbsolute().hasParent(missing.toAbsolutePath());
            assertThat(a.path()).isNotEqualTo(b.path());
            assertThat(a.path().getFileName().toString()).matches("sql-" + ProcessHandle.current().pid() + "-[0-9a-f]{16}");
        }
        assertThat(missing).isEmptyDirectory();
    }

    @Test
    void closeDeletesTheDirectoryWithEverythingInIt() throws Exception {
        SpillDirectory s = SpillDirectory.create(root, "sql");
        Files.writeString(s.path().resolve("duckdb_temp_storage_DEFAULT-0.tmp"), "spilled");
        Files.createDirectories(s.path().resolve("nested").resolve("deeper"));
        Files.writeString(s.path().resolve("nested").resolve("deeper").resolve("f"), "x");
        s.close();
        assertThat(s.path()).doesNotExist();
        s.close(); // again: nothing to do
    }

    @Test
    void aPurposeThatIsNotLowercaseLettersIsRefused() {
        assertThatThrownBy(() -> SpillDirectory.create(root, "../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpillDirectory.create(root, "sql-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startUpRemovesTheDirectoriesOfDeadProcessesAndKeepsLiveOnes() throws Exception {
        Path dead = Files.createDirectories(root.resolve("sql-" + deadPid() + "-0123456789abcdef"));
        Files.writeString(dead.resolve("duckdb_temp_storage_S32K-0.tmp"), "left by a killed process");
        Files.createDirectories(dead.resolve("sub"));
        Path deadOther = Files.createDirectories(root.resolve("sql-" + deadPid() + "-fedcba9876543210"));
        Path live;
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            live = Files.createDirectories(root.resolve("sql-" + child.pid() + "-00000000000000ff"));
            Files.writeString(live.resolve("duckdb_temp_storage_S32K-0.tmp"), "in use");
            try (SpillDirectory mine = SpillDirectory.create(root, "sql")) {
                Path notOurs = Files.createDirectories(root.resolve("notes"));
                Path unlike = Files.createDirectories(root.resolve("sql-" + deadPid() + "-short"));
                Path file = Files.writeString(root.resolve("sql-" + deadPid() + "-0123456789abcdee"), "a file, not a directory");

                assertThat(SpillDirectory.removeOrphans(root)).containsExactlyInAnyOrder(dead, deadOther);

                assertThat(dead).doesNotExist();
                assertThat(deadOther).doesNotExist();
                assertThat(live.resolve("duckdb_temp_storage_S32K-0.tmp")).as("a live process's").exists();
                assertThat(mine.path()).as("this process's").isDirectory();
                assertThat(notOurs).exists();
                assertThat(unlike).exists();
                assertThat(file).exists();
            }
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(SpillDirectory.removeOrphans(root)).as("its process is gone now").containsExactly(live);
    }

    @Test
    void aMissingRootHasNothingToRemove() throws Exception {
        assertThat(SpillDirectory.removeOrphans(root.resolve("absent"))).isEmpty();
    }
}
