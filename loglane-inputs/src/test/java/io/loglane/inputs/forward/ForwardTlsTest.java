package io.loglane.inputs.forward;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.komamitsu.fluency.EventTime;
import org.komamitsu.fluency.Fluency;
import org.komamitsu.fluency.fluentd.FluencyBuilderForFluentd;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static io.loglane.inputs.Await.await;
import static io.loglane.inputs.forward.FluentBitPeer.SALT;
import static io.loglane.inputs.forward.FluentBitPeer.ping;
import static io.loglane.inputs.forward.FluentBitPeer.readHelo;
import static io.loglane.inputs.forward.FluentBitPeer.readPong;
import static io.loglane.inputs.forward.ForwardInputTest.good;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real ForwardInput with TLS from PEM files (a test CA made with BouncyCastle), driven by JDK TLS sockets and Fluency. */
class ForwardTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingIngest ingest = new RecordingIngest();
    ForwardInput input;

    @BeforeAll
    static void pki() throws Exception {
        pki = new TestPki(dir);
    }

    ForwardInput start(ForwardSecurity security) throws Exception {
        input = new ForwardInput(ForwardInputTest.CONFIG.withSecurity(security), ingest, registry, Clock.systemUTC());
        input.start();
        return input;
    }

    static ForwardSecurity tls(boolean clientCerts) {
        return ForwardSecurity.NONE.withTls(pki.server.certFile(), pki.server.keyFile(), clientCerts ? pki.ca.certFile() : null);
    }

    @AfterEach
    void stop() throws Exception {
        if (input != null) {
            input.close();
        }
    }

    double protocolErrors(String reason) {
        return registry.get(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter().count();
    }

    @Test
    void framesOverTlsAreAcked() throws Exception {
        start(tls(false));
        try (ForwardClient c = ForwardClient.tls(input.boundPort(), pki.clientContext(null))) {
            c.send(good("t1"));
            assertThat(c.readAck()).isEqualTo("t1");
        }
        assertThat(ingest.requests).hasSize(1);
    }

    @Test
    void theSharedKeyHandshakeRunsInsideTls() throws Exception {
        start(tls(false).withSharedKey("k", "loglane", Map.of()));
        try (ForwardClient c = ForwardClient.tls(input.boundPort(), pki.clientContext(null))) {
            FluentBitPeer.Helo helo = readHelo(c);
            c.send(ping(helo, "fb", SALT, "k", null, null));
            FluentBitPeer.Pong pong = readPong(c);
            assertThat(pong.ok()).isTrue();
            assertThat(pong.digest()).isEqualTo(FluentBitPeer.serverDigest(helo, SALT, "loglane", "k"));
            c.send(good("t2"));
            assertThat(c.readAck()).isEqualTo("t2");
        }
    }

    @Test
    void plainBytesToTheTlsPortAreACountedProtocolError() throws Exception {
        start(tls(false));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("plain"));
            assertThat(c.closedByServer()).isTrue();
        }
        await(() -> protocolErrors("not_tls") == 1, "the plain client counted");
        assertThat(ingest.requests).isEmpty();
        try (ForwardClient c = ForwardClient.tls(input.boundPort(), pki.clientContext(null))) {
            c.send(good("after"));
            assertThat(c.readAck()).as("the input serves on").isEqualTo("after");
        }
    }

    @Test
    void tlsToThePlainPortIsACountedProtocolError() throws Exception {
        start(ForwardSecurity.NONE);
        assertThatThrownBy(() -> ForwardClient.tls(input.boundPort(), pki.clientContext(null)).close())
                .isInstanceOf(IOException.class);
        await(() -> protocolErrors("tls_on_plain_port") == 1, "the TLS client counted");
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("plain"));
            assertThat(c.readAck()).as("the input serves on").isEqualTo("plain");
        }
    }

    @Test
    void tlsToAPlainPortWithSharedKeyIsTheSameProtocolError() throws Exception {
        start(ForwardSecurity.NONE.withSharedKey("k", "loglane", Map.of()));
        assertThatThrownBy(() -> ForwardClient.tls(input.boundPort(), pki.clientContext(null)).close())
                .isInstanceOf(IOException.class);
        await(() -> protocolErrors("tls_on_plain_port") == 1, "the TLS client counted");
    }

    @Test
    void withACaEveryClientMustPresentACertificateItSigned() throws Exception {
        start(tls(true));
        try (ForwardClient c = ForwardClient.tls(input.boundPort(), pki.clientContext(pki.client))) {
            c.send(good("signed"));
            assertThat(c.readAck()).isEqualTo("signed");
        }
        for (TestPki.Identity refused : new TestPki.Identity[] {null, pki.stranger}) {
            // TLS 1.3: the client may finish its side before the server refuses its certificate; the refusal then comes on first read
            try {
                ForwardClient c = ForwardClient.tls(input.boundPort(), pki.clientContext(refused));
                c.send(good("refused"));
                assertThat(c.closedByServer()).isTrue();
                c.close();
            } catch (SSLException | java.net.SocketException expected) {
                // refused during the handshake
            }
        }
        await(() -> protocolErrors("tls_handshake") == 2, "both refusals counted");
        assertThat(ingest.requests).hasSize(1);
    }

    @Test
    void aTlsClientThatNeverHandshakesIsClosedAfterTheHandshakeTimeout() throws Exception {
        start(tls(false).withHandshakeTimeout(Duration.ofMillis(300)));
        try (Socket raw = new Socket("127.0.0.1", input.boundPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a ClientHello begun, never ended
            assertThat(raw.getInputStream().read()).isEqualTo(-1);
        }
        await(() -> registry.get(ForwardMetrics.CONNECTIONS_CLOSED)
                .tags(MetricNames.INPUT, "fwd", MetricNames.REASON, "handshake_timeout").counter().count() == 1, "the close counted");
    }

    @Test
    void fluencyOverTlsDeliversAndGetsItsAcks() throws Exception {
        start(tls(false));
        FluencyBuilderForFluentd b = new FluencyBuilderForFluentd();
        b.setSslEnabled(true);
        b.setSslSocketFactory(pki.clientContext(null).getSocketFactory());
        b.setAckResponseMode(true);
        b.setReadTimeoutMilli(20_000);
        b.setFlushAttemptIntervalMillis(50);
        b.setSenderMaxRetryCount(3);
        try (Fluency fluency = b.build("127.0.0.1", input.boundPort())) {
            for (int i = 0; i < 100; i++) {
                fluency.emit("app.tls", EventTime.fromEpoch(1_700_000_000L + i, 0), Map.of("i", i, "msg", "over tls " + i));
            }
            fluency.flush();
            await(() -> ingest.requests.stream().mapToLong(r -> r.records().count()).sum() >= 100, "100 events over TLS");
        } // close waits for the acks of what it sent
        assertThat(ingest.requests.stream().mapToLong(r -> r.records().count()).sum()).isEqualTo(100);
        assertThat(ingest.requests.stream().map(r -> r.chunkId()).distinct().count())
                .as("no chunk resent: every ack came back over TLS").isEqualTo(ingest.requests.size());
        assertThat(ingest.requests.stream().map(r -> r.tag()).distinct()).containsExactly("app.tls");
    }

    @Test
    void theClientSeesTheConfiguredCertificate() throws Exception {
        start(tls(false));
        try (SSLSocket s = (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket("127.0.0.1", input.boundPort())) {
            s.startHandshake();
            assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(pki.server.cert());
        }
    }
}
