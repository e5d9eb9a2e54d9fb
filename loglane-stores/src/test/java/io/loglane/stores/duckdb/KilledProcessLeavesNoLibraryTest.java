package io.loglane.stores.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM opens DuckDB in a temporary directory of its own and is killed with SIGKILL. */
class KilledProcessLeavesNoLibraryTest {
    @Test
    void aKilledProcessLeavesNoExtractedLibraryInItsTemporaryDirectory(@TempDir Path tmp) throws Exception {
        assumeThat(Files.isReadable(Path.of("/proc/self/maps"))).as("Linux /proc").isTrue();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), DuckDbChild.class.getName())
                .redirectErrorStream(true).start();
        try {
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(child));
            assertThat(ready.get(60, TimeUnit.SECONDS)).isEqualTo(DuckDbChild.READY);
            String maps = Files.readString(Path.of("/proc", Long.toString(child.pid()), "maps"), StandardCharsets.ISO_8859_1);
            assertThat(maps).as("the child loaded the copy it extracted into our directory")
                    .contains(tmp.toRealPath() + "/" + ExtractedLibrary.PREFIX);
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no deleteOnExit
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        } finally {
            child.destroyForcibly();
        }
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(ExtractedLibrary.PREFIX)).toList();
            assertThat(names).isEmpty();
        }
    }

    /** The child's first line that is its ready signal; its output up to then on failure. */
    private static String readyLine(Process child) {
        StringBuilder seen = new StringBuilder();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals(DuckDbChild.READY)) {
                    return line;
                }
                seen.append(line).append('\n');
            }
        } catch (java.io.IOException e) {
            seen.append(e);
        }
        return "child ended before it was ready:\n" + seen;
    }
}
