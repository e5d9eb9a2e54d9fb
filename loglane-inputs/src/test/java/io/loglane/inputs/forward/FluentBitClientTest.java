package io.loglane.inputs.forward;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.loglane.inputs.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fluent Bit's own {@code out_forward} (Shared_Key, Username/Password, tls, Require_ack_response)
 * against a real ForwardInput. Needs a Fluent Bit binary, which the build does not make: set
 * {@code LOGLANE_FLUENT_BIT} to one built with {@code shared/peers/build-fluent-bit.sh}; without
 * it every test here is skipped and says why. Run by hand:
 * {@code LOGLANE_FLUENT_BIT=/path/fluent-bit ./mvnw -o -q -pl loglane-inputs -am test -Dtest=FluentBitClientTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FluentBitClientTest {
    static final String KEY = "fb shared key";

    @TempDir
    Path dir;
    Path binary;
    TestPki pki;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingIngest ingest = new RecordingIngest();
    ForwardInput input;
    Process fluentBit;

    @BeforeEach
    void findFluentBit() throws Exception {
        String env = System.getenv("LOGLANE_FLUENT_BIT");
        assumeTrue(env != null && Files.isExecutable(Path.of(env)),
                "skipped: no Fluent Bit binary (set LOGLANE_FLUENT_BIT to one built with shared/peers/build-fluent-bit.sh)");
        binary = Path.of(env);
        pki = new TestPki(dir);
        ForwardSecurity security = ForwardSecurity.NONE.withSharedKey(KEY, "loglane-test", Map.of("fluent", "pa55"))
                .withTls(pki.server.certFile(), pki.server.keyFile(), null);
        input = new ForwardInput(ForwardInputTest.CONFIG.withSecurity(security), ingest, registry, Clock.systemUTC());
        input.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (fluentBit != null) {
            fluentBit.destroy();
            if (!fluentBit.waitFor(10, TimeUnit.SECONDS)) {
                fluentBit.destroyForcibly();
            }
        }
        if (input != null) {
            input.close();
        }
    }

    /** Runs Fluent Bit: 20 dummy records to this input over TLS with the given key and password. */
    void runFluentBit(String sharedKey, String password) throws Exception {
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, """
                [SERVICE]
                    Flush        1
                    Grace        1
                    Log_Level    info
                [INPUT]
                    Name         dummy
                    Tag          app.fluentbit
                    Dummy        {"log": "from fluent bit"}
                    Rate         20
                    Samples      20
                [OUTPUT]
                    Name                 forward
                    Match                *
                    Host                 127.0.0.1
                    Port                 %d
                    Shared_Key           %s
                    Self_Hostname        fluent-bit-test
                    Username             fluent
                    Password             %s
                    Require_ack_response true
                    tls                  on
                    tls.verify           on
                    tls.ca_file          %s
                """.formatted(input.boundPort(), sharedKey, password, pki.ca.certFile()));
        fluentBit = new ProcessBuilder(binary.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("fluent-bit.log").toFile()).start();
    }

    double handshakeFailures(String reason) {
        return registry.get(ForwardMetrics.HANDSHAKE_FAILURES).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter().count();
    }

    @Test
    void fluentBitWithTheKeyAndPasswordDeliversOverTls() throws Exception {
        runFluentBit(KEY, "pa55");
        await(() -> ingest.events().size() >= 20, "Fluent Bit's 20 records");
        assertThat(registry.get(ForwardMetrics.HANDSHAKES).counter().count()).isPositive();
        assertThat(ingest.requests).allSatisfy(r -> assertThat(r.tag()).isEqualTo("app.fluentbit"));
    }

    @Test
    void fluentBitWithAWrongKeyIsRefusedAndCounted() throws Exception {
        runFluentBit("not the key", "pa55");
        await(() -> handshakeFailures("shared_key_mismatch") >= 1, "the refusal counted");
        assertThat(ingest.requests).isEmpty();
    }
}
