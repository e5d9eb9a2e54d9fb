package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets in the first hour with the command line: help, every config error at once, a port in use, fresh data. */
class CliFirstHourTest {
    private static final String BUNDLED = TestNode.BUNDLED.toString();

    @Test
    void everySubcommandAnswersHelpWithItsUsage() {
        for (String cmd : new String[] {"up", "lanes", "sql", "check-config", "stream", "config-reference"}) {
            Cli.Run r = Cli.run(cmd, "--help");
            assertThat(r.exitCode()).as(cmd + ": " + r.err()).isZero();
            assertThat(r.out()).as(cmd).contains("Usage: loglane " + cmd);
        }
        assertThat(Cli.run("up", "--help").out()).contains("--http-port", "--forward-port", "--data", "--config");
    }

    @Test
    void upListsEveryConfigErrorNotOnlyTheFirst(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                server:
                  http_port: 99999
                archive:
                  flush_age: soon
                lanes:
                  access:
                    retention: {age: 3x}
                """);
        Cli.Run r = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--config", bad.toString(), "--data", dir.resolve("data").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":2: server.http_port: ", bad + ":4: archive.flush_age: ",
                bad + ":7: lanes.access.retention.age: ", "3 config error(s)");
        assertThat(Cli.run("check-config", "--no-defaults", BUNDLED, bad.toString()).err()).contains("3 error(s)");
    }

    @Test
    void theBundledFileIsLoadedOnceHoweverItIsSpelled() {
        Path absolute = TestNode.BUNDLED.toAbsolutePath();
        Cli.Run r = Cli.run("check-config", "--no-defaults", BUNDLED, absolute.toString(), BUNDLED);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo("ok: [" + BUNDLED + "]");
    }

    @Test
    void aPortInUseIsOneClearLineWithoutAStackTrace(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Run r = Cli.run("up", "--no-defaults", "--config", BUNDLED, "--data", dir.resolve("data").toString(),
                    "--http-port", String.valueOf(taken.getLocalPort()), "--forward-port", "0");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("loglane failed to start: ", String.valueOf(taken.getLocalPort()))
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void sqlRefusesFlushWithDataBecauseOnlyARunningServerCanFlush(@TempDir Path dir) {
        Cli.Run r = Cli.run("sql", "--flush", "--data", dir.toString(), "SELECT 1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--flush asks a running server", "--data");
    }

    @Test
    void sqlWithFlushSeesWhatWasJustAcknowledged(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, "")) { // the archive flushes only on request
            var r = t.post("/api/v1/ingest/first.activity", "{\"message\":\"a\"}\n{\"message\":\"b\"}\n", Map.of());
            assertThat(r.statusCode()).isEqualTo(202);
            String q = "SELECT count(*) AS n FROM activity";

            Cli.Run before = Cli.run("sql", "--server", t.url(), "--format", "csv", q);
            assertThat(before.out().lines().toList()).containsExactly("n", "0");
            assertThat(before.err()).contains("not yet in the archive", "\"activity\":2", "--flush");

            Cli.Run after = Cli.run("sql", "--server", t.url(), "--flush", "--format", "csv", q);
            assertThat(after.exitCode()).as(after.err()).isZero();
            assertThat(after.out().lines().toList()).containsExactly("n", "2");
            assertThat(after.err()).doesNotContain("not yet in the archive");
        }
    }
}
