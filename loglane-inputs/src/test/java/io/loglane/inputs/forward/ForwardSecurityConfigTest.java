package io.loglane.inputs.forward;

import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.loglane.inputs.forward.ForwardConfigTest.LOADER;
import static org.assertj.core.api.Assertions.assertThat;

/** shared_key, self_hostname, users and tls of a forward input, read by the real loader: errors name file, line and key. */
class ForwardSecurityConfigTest {
    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void pki() throws Exception {
        pki = new TestPki(dir);
    }

    static String yaml(String inputKeys) {
        return "inputs:\n  - type: forward\n    port: 0\n" + inputKeys.indent(4) + "lanes:\n  default: {}\n";
    }

    static List<String> problems(String inputKeys) {
        return LOADER.check(new ConfigSource("sec.yaml", yaml(inputKeys))).stream().map(ConfigException::getMessage).toList();
    }

    @Test
    void everySecurityKeyIsRead() throws Exception {
        String keys = """
                shared_key: "s3cret"
                self_hostname: logs.example.com
                handshake_timeout: 3s
                users:
                  - {username: fluent, password: pa55}
                  - username: other
                    password: "x y"
                tls:
                  cert: %s
                  key: %s
                  ca: %s
                """.formatted(pki.server.certFile(), pki.server.keyFile(), pki.ca.certFile());
        ForwardSecurity s = ForwardConfig.from(LOADER.load(new ConfigSource("sec.yaml", yaml(keys))).inputs().get(0)).security();
        assertThat(s.sharedKey()).isEqualTo("s3cret");
        assertThat(s.selfHostname()).isEqualTo("logs.example.com");
        assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.users()).isEqualTo(Map.of("fluent", "pa55", "other", "x y"));
        assertThat(s.tls()).isEqualTo(new ForwardTls.Files(pki.server.certFile(), pki.server.keyFile(), pki.ca.certFile()));
        assertThat(s.toString()).as("no secret in logs").doesNotContain("s3cret").doesNotContain("pa55");
    }

    @Test
    void anInputBuiltFromTheLoadedConfigServesTlsAndTheHandshake() throws Exception {
        String keys = """
                bind: 127.0.0.1
                shared_key: "s3cret"
                self_hostname: logs.example.com
                users: [{username: fluent, password: pa55}]
                tls: {cert: %s, key: %s}
                """.formatted(pki.server.certFile(), pki.server.keyFile());
        RecordingIngest ingest = new RecordingIngest();
        var spec = LOADER.load(new ConfigSource("sec.yaml", yaml(keys))).inputs().get(0);
        var input = new ForwardInputType().build(spec, new io.loglane.core.lifecycle.InputContext(ingest,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.time.Clock.systemUTC()));
        input.start();
        try (ForwardClient c = ForwardClient.tls(input.boundPort(), pki.clientContext(null))) {
            FluentBitPeer.Helo helo = FluentBitPeer.readHelo(c);
            c.send(FluentBitPeer.ping(helo, "fb", FluentBitPeer.SALT, "s3cret", "fluent", "pa55"));
            assertThat(FluentBitPeer.readPong(c)).isEqualTo(new FluentBitPeer.Pong(true, "", "logs.example.com",
                    FluentBitPeer.serverDigest(helo, FluentBitPeer.SALT, "logs.example.com", "s3cret")));
            c.send(ForwardInputTest.good("cfg"));
            assertThat(c.readAck()).isEqualTo("cfg");
        } finally {
            input.close();
        }
        assertThat(ingest.requests).hasSize(1);
    }

    @Test
    void withoutTheKeysThereIsNoHandshakeAndNoTls() throws Exception {
        ForwardSecurity s = ForwardConfig.from(LOADER.load(new ConfigSource("sec.yaml", yaml(""))).inputs().get(0)).security();
        assertThat(s.handshake()).isFalse();
        assertThat(s.tls()).isNull();
        assertThat(s.users()).isEmpty();
        ForwardSecurity keyed = ForwardConfig.from(LOADER.load(new ConfigSource("sec.yaml", yaml("shared_key: k"))).inputs().get(0)).security();
        assertThat(keyed.selfHostname()).as("defaults to this host's name").isNotBlank();
    }

    @Test
    void usersAndSelfHostnameNeedASharedKeyAsInFluentd() {
        assertThat(problems("users: [{username: a, password: b}]"))
                .containsExactly("sec.yaml:4: inputs.forward.users: needs shared_key: users are checked in the shared_key handshake (as in fluentd's <security>)");
        assertThat(problems("self_hostname: me"))
                .containsExactly("sec.yaml:4: inputs.forward.self_hostname: needs shared_key: the name is only sent in the handshake's PONG");
    }

    @Test
    void aBadUserIsReportedAtItsOwnLineAndKey() {
        String users = "shared_key: k\nusers:\n  - {username: a, password: b}\n  - {username: c}\n";
        assertThat(problems(users)).containsExactly("sec.yaml:7: inputs[0].users[1].password: required");
        assertThat(problems("shared_key: k\nusers:\n  - {username: a, password: b}\n  - {username: a, password: c}\n"))
                .containsExactly("sec.yaml:7: inputs[0].users[1].username: user \"a\" is listed twice");
        assertThat(problems("shared_key: k\nusers:\n  - {username: a, pasword: b}\n"))
                .containsExactly("sec.yaml:6: inputs[0].users[0].pasword: unknown key (a user has username and password)");
        assertThat(problems("shared_key: k\nusers: fluent\n")).containsExactly("sec.yaml:5: inputs[0].users: expected a list of {username, password}");
        assertThat(problems("tls: {cert: a, kee: b}")).singleElement().asString().startsWith("sec.yaml:4: inputs[0].tls.kee: unknown key");
    }

    @Test
    void tlsFilesAreCheckedWithTheKeyAtFault() throws Exception {
        Path missing = dir.resolve("nope.crt");
        assertThat(problems("tls:\n  cert: " + missing + "\n  key: " + pki.server.keyFile()))
                .containsExactly("sec.yaml:5: inputs.forward.tls.cert: file not found: " + missing);
        assertThat(problems("tls:\n  cert: " + pki.server.certFile()))
                .containsExactly("sec.yaml:5: inputs.forward.tls.cert: needs tls.key (the certificate's private key)");
        assertThat(problems("tls:\n  key: " + pki.server.keyFile())).singleElement().asString().contains("inputs.forward.tls.key: needs tls.cert");
        assertThat(problems("tls:\n  ca: " + pki.ca.certFile())).singleElement().asString().contains("inputs.forward.tls.ca: needs tls.cert and tls.key");

        assertThat(problems("tls:\n  cert: " + pki.server.keyFile() + "\n  key: " + pki.server.keyFile()))
                .singleElement().asString().startsWith("sec.yaml:5: inputs.forward.tls.cert: ").contains("-----BEGIN CERTIFICATE-----");
        assertThat(problems("tls:\n  cert: " + pki.server.certFile() + "\n  key: " + pki.client.keyFile()))
                .containsExactly("sec.yaml:6: inputs.forward.tls.key: " + pki.client.keyFile()
                        + ": the private key does not belong to the first certificate of " + pki.server.certFile());
        Path pkcs1 = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        assertThat(problems("tls:\n  cert: " + pki.server.certFile() + "\n  key: " + pkcs1))
                .singleElement().asString().startsWith("sec.yaml:6: inputs.forward.tls.key: ")
                .contains("RSA PRIVATE KEY").contains("openssl pkcs8 -topk8 -nocrypt");
        Path notCa = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        assertThat(problems("tls:\n  cert: " + pki.server.certFile() + "\n  key: " + pki.server.keyFile() + "\n  ca: " + notCa))
                .singleElement().asString().startsWith("sec.yaml:7: inputs.forward.tls.ca: ");
    }
}
