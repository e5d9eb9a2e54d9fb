package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.app.api.ApiTokens;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a node with API tokens: {@code token hash} and {@code token new} give what
 * {@code server.auth.tokens} takes; commands send {@code --token} as a Bearer header, and a missing
 * or wrong one fails with the server's 401 and a hint.
 */
@Timeout(120)
class CliTokenTest {
    private static final String TOKEN = "cli-test-token-7";
    @TempDir static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  auth:\n    tokens:\n      - {name: cli, sha256: %s, scopes: [read, admin]}\n"
                .formatted(ApiTokens.hashHex(TOKEN)));
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void tokenHashPrintsTheSha256OfStandardInputsFirstLine() {
        Cli.Run r = Cli.runWithInput("test\n", "token", "hash");
        assertThat(r.exitCode()).isZero();
        // sha256("test"), as `printf test | sha256sum` prints it
        assertThat(r.out().strip()).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(Cli.runWithInput("", "token", "hash").exitCode()).isEqualTo(2);
    }

    @Test
    void tokenNewPrintsATokenAndItsHash() {
        Cli.Run r = Cli.run("token", "new");
        assertThat(r.exitCode()).isZero();
        String[] lines = r.out().strip().split("\n");
        String token = lines[0].substring("token:  ".length());
        assertThat(token).hasSize(64);
        assertThat(lines[1]).isEqualTo("sha256: " + ApiTokens.hashHex(token));
        assertThat(Cli.run("token", "new").out()).isNotEqualTo(r.out());
    }

    @Test
    void commandsSendTheTokenAndA401SaysHowToGiveOne() {
        Cli.Run ok = Cli.run("lanes", "--server", t.url(), "--token", TOKEN);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("default");
        Cli.Run sql = Cli.run("sql", "--server", t.url(), "--token", TOKEN, "--flush", "SELECT 41 + 1 AS x");
        assertThat(sql.exitCode()).as(sql.err()).isZero();
        assertThat(sql.out()).contains("42");

        Cli.Run none = Cli.run("lanes", "--server", t.url());
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.err()).contains("HTTP 401").contains("--token or $LOGLANE_TOKEN");
        Cli.Run wrong = Cli.run("search", "--server", t.url(), "--lane", "app", "--token", "nope", "x");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("HTTP 401").contains("unknown token").doesNotContain(TOKEN);
    }
}
