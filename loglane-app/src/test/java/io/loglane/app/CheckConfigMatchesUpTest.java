package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config} runs exactly the validation {@code up} runs: a file it accepts starts, and
 * what {@code up} would refuse it refuses, naming the file, line and key the user wrote.
 */
class CheckConfigMatchesUpTest {
    private static final String BUNDLED = TestNode.BUNDLED.toString();

    private static String forward(String key, String value) {
        return """
                inputs:
                  - type: forward
                    name: forward
                    port: 0
                    %s: %s
                """.formatted(key, value);
    }

    @Test
    void aForwardLimitThatCheckConfigAcceptsAlsoStartsTheNode(@TempDir Path dir) throws Exception {
        String overlay = forward("max_frame_bytes", "128MiB");
        Path file = Files.writeString(dir.resolve("big-frames.yaml"), overlay);
        Cli.Run check = Cli.run("check-config", "--no-defaults", BUNDLED, file.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        try (TestNode node = TestNode.start(dir, overlay)) {
            assertThat(node.node.forwardPort()).isPositive();
        }
    }

    @Test
    void whatUpWouldRefuseCheckConfigRefusesAtTheKeyTheUserWrote(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"max_frame_bytes", "2GiB"},
                {"max_frame_bytes", "100"},
                {"max_decompressed_bytes", "1MiB"},
                {"max_in_flight", "100000"},
                {"max_in_flight_bytes", "512"},
                {"worker_threads", "1000"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve(c[0] + ".yaml"), forward(c[0], c[1]));
            Cli.Run check = Cli.run("check-config", "--no-defaults", BUNDLED, file.toString());
            assertThat(check.exitCode()).as(c[0] + ": " + c[1] + "\n" + check.out()).isEqualTo(2);
            assertThat(check.err()).as(c[0]).contains(file + ":5: ").contains("." + c[0] + ": ").contains("1 error(s)");
            String error = check.err().lines().findFirst().orElseThrow();

            Cli.Run up = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--config", file.toString(),
                    "--data", dir.resolve("data").toString(), "--http-port", "0", "--forward-port", "0");
            assertThat(up.exitCode()).as(c[0] + ": " + up.err()).isEqualTo(2);
            assertThat(up.err()).as("up reports the same error").contains("config error: " + error);
            assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
        }
    }

    @Test
    void aStoreKeyErrorNamesFileLineAndKeyInCheckConfigAndUpAlike(@TempDir Path dir) throws Exception {
        // the archive's keys are declared by the archive store type, not by core: still file, line and key
        Path file = Files.writeString(dir.resolve("archive.yaml"), "archive:\n  flush_age: 30s\n  flush_rows: 0\n");
        String expected = file + ":3: archive.flush_rows: must be between 1 and " + Integer.MAX_VALUE + ", got 0";
        Cli.Run check = Cli.run("check-config", "--no-defaults", BUNDLED, file.toString());
        assertThat(check.exitCode()).as(check.err()).isEqualTo(2);
        assertThat(check.err().lines()).containsExactly(expected, "1 error(s)");

        Cli.Run up = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--config", file.toString(),
                "--data", dir.resolve("data").toString(), "--http-port", "0", "--forward-port", "0");
        assertThat(up.exitCode()).as(up.err()).isEqualTo(2);
        assertThat(up.err()).contains("config error: " + expected);
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
    }
}
