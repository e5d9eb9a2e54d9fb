package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.tls.SelfSignedPem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.auth.tokens}, {@code server.tls} and the connection limits: values, and errors naming file, line and key. */
class HttpSecurityConfigTest {
    private static final ConfigLoader LOADER = TestCatalog.LOADER;
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String SHA2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    @TempDir Path dir;

    private static List<ConfigException> check(String server) {
        return LOADER.check(new ConfigSource("s.yaml", "server:\n" + server + "lanes:\n  default: {}\n"));
    }

    @Test
    void tokensAreReadWithScopesAndRateAndTheHashLowercased() throws Exception {
        LoglaneConfig c = LOADER.load(new ConfigSource("s.yaml", "server:\n  auth:\n    tokens:\n"
                + "      - {name: shipper, sha256: " + SHA.toUpperCase() + ", scopes: [ingest], rate: 50}\n"
                + "      - name: ops\n        sha256: " + SHA2 + "\n        scopes: [read, admin]\n"
                + "lanes:\n  default: {}\n"));
        HttpSecurity h = c.server().http();
        assertThat(h.authEnabled()).isTrue();
        assertThat(h.tokens()).containsExactly(new ApiTokenSpec("shipper", SHA, Set.of(ApiScope.INGEST), 50),
                new ApiTokenSpec("ops", SHA2, Set.of(ApiScope.READ, ApiScope.ADMIN), 0));
        assertThat(h.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(h.tls()).isNull();
    }

    @Test
    void noTokensMeansNoAuthentication() throws Exception {
        LoglaneConfig c = LOADER.load(new ConfigSource("s.yaml", "lanes:\n  default: {}\n"));
        assertThat(c.server().http().authEnabled()).isFalse();
    }

    @Test
    void eachBadTokenIsReportedAtItsLineAndKeyWithoutEchoingTheSecret() {
        String[][] cases = {
            {"      - {sha256: " + SHA + ", scopes: [read]}\n", "server.auth.tokens[0].name", "required"},
            {"      - {name: a, scopes: [read]}\n", "server.auth.tokens[0].sha256", "required"},
            {"      - {name: a, sha256: " + SHA + "}\n", "server.auth.tokens[0].scopes", "required"},
            {"      - {name: a, sha256: s3cret-token, scopes: [read]}\n", "server.auth.tokens[0].sha256", "not the token itself"},
            {"      - {name: a, sha256: " + SHA + ", scopes: [write]}\n", "server.auth.tokens[0].scopes[0]", "unknown scope \"write\" (known: ingest, read, admin)"},
            {"      - {name: a, sha256: " + SHA + ", scopes: []}\n", "server.auth.tokens[0].scopes", "at least one scope"},
            {"      - {name: a, sha256: " + SHA + ", scopes: [read], rate: -1}\n", "server.auth.tokens[0].rate", "must be a number ≥ 0"},
            {"      - {name: a, sha256: " + SHA + ", scopes: [read], token: x}\n", "server.auth.tokens[0].token", "unknown key"},
            {"      - {name: 'a b', sha256: " + SHA + ", scopes: [read]}\n", "server.auth.tokens[0].name", "bad token name"},
            {"      - {name: a, sha256: " + SHA + ", scopes: [read]}\n      - {name: a, sha256: " + SHA2 + ", scopes: [read]}\n",
                "server.auth.tokens[1].name", "already named \"a\""},
            {"      - {name: a, sha256: " + SHA + ", scopes: [read]}\n      - {name: b, sha256: " + SHA + ", scopes: [read]}\n",
                "server.auth.tokens[1].sha256", "the same hash"},
            {"      - just-a-string\n", "server.auth.tokens[0]", "a token is a mapping"},
        };
        for (String[] c : cases) {
            List<ConfigException> errors = check("  auth:\n    tokens:\n" + c[0]);
            assertThat(errors).as(c[0]).hasSize(1);
            ConfigException e = errors.getFirst();
            assertThat(e.file()).isEqualTo("s.yaml");
            assertThat(e.key()).as(c[0]).isEqualTo(c[1]);
            assertThat(e.line()).as(c[0]).isEqualTo(c[1].startsWith("server.auth.tokens[1]") ? 5 : 4);
            assertThat(e.getMessage()).as(c[0]).contains(c[2]).doesNotContain("s3cret-token");
        }
    }

    @Test
    void tlsNeedsBothReadableMatchingPemFilesAndSaysWhichIsWrong() throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir, "EC");
        LoglaneConfig ok = LOADER.load(new ConfigSource("s.yaml", "server:\n  tls:\n    cert: " + pem.cert() + "\n    key: " + pem.key()
                + "\nlanes:\n  default: {}\n"));
        assertThat(ok.server().http().tls()).isEqualTo(new TlsSettings(pem.cert(), pem.key()));

        List<ConfigException> onlyCert = check("  tls:\n    cert: " + pem.cert() + "\n");
        assertThat(onlyCert).extracting(e -> e.line() + " " + e.key()).containsExactly("3 server.tls.key");
        assertThat(onlyCert.getFirst().getMessage()).contains("required with server.tls.cert");

        List<ConfigException> missingKey = check("  tls:\n    cert: " + pem.cert() + "\n    key: " + dir.resolve("gone.pem") + "\n");
        assertThat(missingKey).extracting(e -> e.line() + " " + e.key()).containsExactly("4 server.tls.key");
        assertThat(missingKey.getFirst().getMessage()).contains("gone.pem: cannot read");

        List<ConfigException> swapped = check("  tls:\n    cert: " + pem.key() + "\n    key: " + pem.cert() + "\n");
        assertThat(swapped).extracting(e -> e.line() + " " + e.key()).containsExactly("3 server.tls.cert");
        assertThat(swapped.getFirst().getMessage()).contains("no -----BEGIN CERTIFICATE----- block");
    }

    @Test
    void connectionLimitsAreBounded() {
        List<ConfigException> errors = check("  http_max_header: 100\n  http_header_timeout: 0s\n");
        assertThat(errors).extracting(e -> e.line() + " " + e.key())
                .containsExactly("2 server.http_max_header", "3 server.http_header_timeout");
    }
}
