package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config} and {@code up} stop on a config error with exit code 2 and a message naming
 * file, line and key; the files are layered over the bundled defaults as {@code ./loglane} does.
 */
class ConfigErrorExitTest {
    private static final String BUNDLED = TestNode.BUNDLED.toString();

    @Test
    void checkConfigReportsABadLaneNameWithFileLineAndKeyAndExits2(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("lanes.yaml"), """
                # a lane the archive and the SQL views could not take
                lanes:
                  web-logs:
                    durability: disk
                """);
        Cli.Run r = Cli.run("check-config", "--no-defaults", BUNDLED, bad.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":3: lanes.web-logs: bad lane name \"web-logs\" (a lower-case letter", "1 error(s)");
    }

    @Test
    void checkConfigListsEveryErrorEachWithFileLineAndKey(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("many.yaml"), """
                server:
                  http_port: 99999
                lanes:
                  access:
                    retention: {age: 3x}
                """);
        Cli.Run r = Cli.run("check-config", "--no-defaults", BUNDLED, bad.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":2: server.http_port: ", bad + ":5: lanes.access.retention.age: ", "2 error(s)");
    }

    @Test
    void checkConfigOfAValidFileExits0(@TempDir Path dir) throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "lanes:\n  web_logs:\n    durability: disk\n");
        Cli.Run r = Cli.run("check-config", "--no-defaults", BUNDLED, ok.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("ok: ");
    }

    @Test
    void upStopsOnAConfigErrorWithExitCode2NamingFileLineAndKeyBeforeStartingAnything(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("up.yaml"), """
                archive:
                  flush_age: soon
                """);
        Path data = dir.resolve("data");
        Cli.Run r = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--config", bad.toString(), "--data", data.toString(),
                "--http-port", "0", "--forward-port", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("config error: " + bad + ":2: archive.flush_age: ");
        assertThat(data).as("nothing was started").doesNotExist();
    }

    @Test
    void upStopsOnAnUnreadableConfigFileWithExitCode2(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        Cli.Run r = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--config", missing.toString(), "--data",
                dir.resolve("data").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("config error: " + missing + ":1: (file): cannot read");
    }

    @Test
    void aBadCommandLineValueIsAConfigErrorNamingTheFlag(@TempDir Path dir) {
        Path data = dir.resolve("data");
        Cli.Run r = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--data", data.toString(),
                "--http-port", "99999", "--forward-port", "0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("config error: (command line): --http-port: must be between 0 and 65535, got 99999");
        assertThat(data).as("nothing was started").doesNotExist();

        Cli.Run clash = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--data", data.toString(),
                "--http-port", "18123", "--forward-port", "18123");
        assertThat(clash.exitCode()).as(clash.err()).isEqualTo(2);
        assertThat(clash.err()).contains("config error: (command line): --forward-port: port 18123 on 127.0.0.1 is already used by server.http_port");
    }
}
