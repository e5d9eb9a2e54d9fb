package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every byte the SQL engine spills stays under the data directory: the node's engine and a
 * {@code ./loglane sql --data} run each spill to {@code <data>/tmp/sql-<pid>-<random>}, removed when
 * they close; at start the node removes such directories of processes that are gone (a killed node
 * or CLI) and keeps those whose process lives.
 */
@Timeout(120)
class SpillDirectoriesTest {
    @TempDir Path dir;

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.pid();
    }

    private static List<Path> children(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    @Test
    void theNodeRemovesADeadProcesssSpillDirectoryKeepsALiveOnesAndSpillsInItsOwn() throws Exception {
        Path tmp = dir.resolve("data").resolve("tmp");
        Path dead = Files.createDirectories(tmp.resolve("sql-" + deadPid() + "-0123456789abcdef"));
        Files.write(dead.resolve("duckdb_temp_storage_DEFAULT-0.tmp"), new byte[4096]);
        Process cli = new ProcessBuilder("sleep", "60").start(); // stands for a `sql --data` still running
        try {
            Path live = Files.createDirectories(tmp.resolve("sql-" + cli.pid() + "-00000000000000ff"));
            Files.write(live.resolve("duckdb_temp_storage_DEFAULT-0.tmp"), new byte[4096]);
            Path nodes;
            try (TestNode t = TestNode.start(dir, "")) {
                assertThat(dead).as("its process is gone").doesNotExist();
                assertThat(live.resolve("duckdb_temp_storage_DEFAULT-0.tmp")).as("its process lives").exists();
                List<Path> own = children(tmp).stream().filter(p -> !p.equals(live)).toList();
                assertThat(own).hasSize(1);
                nodes = own.getFirst();
                assertThat(nodes.getFileName().toString()).startsWith("sql-" + ProcessHandle.current().pid() + "-");
                String answer = TestNode.json(t.post("/api/v1/sql", "{\"sql\": \"SELECT current_setting('temp_directory')\"}", java.util.Map.of()))
                        .get("rows").get(0).get(0).asText();
                assertThat(Path.of(answer)).isEqualTo(nodes.toAbsolutePath());
            }
            assertThat(nodes).as("removed when the node closes").doesNotExist();
            assertThat(children(tmp)).containsExactly(live);
        } finally {
            cli.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A separate process, as a user runs it: from the repository root, where the bundled configuration is. */
    @Test
    void sqlWithDataSpillsUnderThatDataDirectoryAndLeavesNothing() throws Exception {
        Path data = dir.resolve("data");
        Path out = dir.resolve("out.csv");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                io.loglane.app.cli.Main.class.getName(), "sql", "--data", data.toAbsolutePath().toString(), "--format", "csv",
                "SELECT current_setting('temp_directory') AS t")
                .directory(TestNode.BUNDLED.toAbsolutePath().getParent().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains(data.resolve("tmp").toAbsolutePath() + "/sql-" + p.pid() + "-");
        assertThat(data.resolve("tmp")).isEmptyDirectory();
    }
}
