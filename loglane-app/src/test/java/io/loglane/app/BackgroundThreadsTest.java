package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.background_nice}: in a running node, the threads that deliver to the stores and
 * convert and refresh for them run at the configured nice value above the process's own, as the
 * kernel reports each thread's in {@code /proc/self/task/<tid>/stat}; the threads that take and
 * acknowledge events (HTTP, Forward) keep the process's own.
 */
@EnabledOnOs(OS.LINUX)
class BackgroundThreadsTest {
    @TempDir
    Path dir;

    /** A thread of this JVM as the kernel sees it: its name (15 characters at most) and nice value. */
    private record Task(String name, int nice) {}

    private static List<Task> tasks() throws IOException {
        List<Task> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : s.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.add(new Task(Files.readString(t.resolve("comm")).strip(), Integer.parseInt(f[16])));
                } catch (IOException e) {
                    // the thread ended while listed
                }
            }
        }
        return out;
    }

    private static int ownNice() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void deliveryAndStoreThreadsRunNicerThanIngest() throws Exception {
        int base = ownNice();
        try (TestNode node = TestNode.start(dir, "server:\n  background_nice: 6\n")) {
            assertThat(node.post("/api/v1/ingest/app.access", "{\"log\":\"GET / 200\",\"log_type\":\"access\"}\n",
                    Map.of("Content-Type", "application/x-ndjson")).statusCode()).isEqualTo(202);
            node.flush(); // the archive's conversion thread exists once a flush ran
            List<Task> all = tasks();
            List<Task> background = all.stream().filter(t -> t.name().startsWith("deliver-") || t.name().startsWith("archive-flush")
                    || t.name().startsWith("index-refresh")).toList();
            assertThat(background).extracting(Task::name)
                    .anyMatch(n -> n.startsWith("deliver-")).anyMatch(n -> n.startsWith("archive-flush")).anyMatch(n -> n.startsWith("index-refresh"));
            assertThat(background).allSatisfy(t -> assertThat(t.nice()).as(t.name()).isEqualTo(Math.min(19, base + 6)));
            List<Task> ingest = all.stream().filter(t -> t.name().startsWith("forward-") || t.name().startsWith("JettyServerThr")).toList();
            assertThat(ingest).isNotEmpty().allSatisfy(t -> assertThat(t.nice()).as(t.name()).isEqualTo(base));
        }
    }
}
