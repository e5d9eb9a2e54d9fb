package io.loglane.inputs.forward;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static io.loglane.inputs.Await.await;
import static io.loglane.inputs.forward.Events.ev;
import static io.loglane.inputs.forward.FluentBitPeer.SALT;
import static io.loglane.inputs.forward.FluentBitPeer.ping;
import static io.loglane.inputs.forward.FluentBitPeer.readHelo;
import static io.loglane.inputs.forward.FluentBitPeer.readPong;
import static io.loglane.inputs.forward.ForwardDecoderTest.REC_A;
import static io.loglane.inputs.forward.ForwardDecoderTest.T;
import static io.loglane.inputs.forward.ForwardInputTest.good;
import static org.assertj.core.api.Assertions.assertThat;

/** The shared_key handshake of a real ForwardInput on 127.0.0.1, driven by Fluent Bit's PING bytes over raw sockets. */
class ForwardHandshakeTest {
    static final String KEY = "s3cret key";
    static final String SERVER = "loglane-test-host";

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingIngest ingest = new RecordingIngest();
    ForwardInput input;

    ForwardInput start(Map<String, String> users, Duration handshakeTimeout) throws Exception {
        ForwardSecurity security = ForwardSecurity.NONE.withSharedKey(KEY, SERVER, users).withHandshakeTimeout(handshakeTimeout);
        input = new ForwardInput(ForwardInputTest.CONFIG.withSecurity(security), ingest, registry, Clock.systemUTC());
        input.start();
        return input;
    }

    @AfterEach
    void stop() throws Exception {
        if (input != null) {
            input.close();
        }
    }

    double failures(String reason) {
        return registry.get(ForwardMetrics.HANDSHAKE_FAILURES).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter().count();
    }

    double protocolErrors(String reason) {
        return registry.get(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter().count();
    }

    double closedBy(String reason) {
        return registry.get(ForwardMetrics.CONNECTIONS_CLOSED).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter().count();
    }

    @Test
    void theRightKeyGetsAVerifiablePongAndThenDataIsAcked() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo helo = readHelo(c);
            assertThat(helo.auth()).as("no users: no auth salt, so the client sends no password").isNull();
            assertThat(helo.keepalive()).isTrue();
            assertThat(helo.nonce()).hasSize(16);
            c.send(ping(helo, "fluent-bit-1", SALT, KEY, null, null));
            FluentBitPeer.Pong pong = readPong(c);
            assertThat(pong.ok()).isTrue();
            assertThat(pong.reason()).isEmpty();
            assertThat(pong.hostname()).isEqualTo(SERVER);
            assertThat(pong.digest()).as("what the client recomputes from its salt, our hostname, the nonce and the key")
                    .isEqualTo(FluentBitPeer.serverDigest(helo, SALT, SERVER, KEY));
            c.send(good("c1"));
            assertThat(c.readAck()).isEqualTo("c1");
        }
        assertThat(Events.of(ingest.requests.get(0).records())).containsExactly(ev(T, 7, REC_A));
        assertThat(registry.get(ForwardMetrics.HANDSHAKES).counter().count()).isEqualTo(1);
    }

    @Test
    void aFrameInTheSameWriteAsThePingIsTakenAfterIt() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo helo = readHelo(c);
            byte[] ping = ping(helo, "fb", SALT, KEY, null, null);
            byte[] frame = good("c2");
            byte[] both = new byte[ping.length + frame.length];
            System.arraycopy(ping, 0, both, 0, ping.length);
            System.arraycopy(frame, 0, both, ping.length, frame.length);
            c.send(both);
            assertThat(readPong(c).ok()).isTrue();
            assertThat(c.readAck()).isEqualTo("c2");
        }
    }

    @Test
    void aPingSentInPiecesIsWaitedFor() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo helo = readHelo(c);
            byte[] ping = ping(helo, "fb", SALT, KEY, null, null);
            for (int i = 0; i < ping.length; i += 50) {
                c.send(java.util.Arrays.copyOfRange(ping, i, Math.min(ping.length, i + 50)));
                Thread.sleep(5);
            }
            assertThat(readPong(c).ok()).isTrue();
        }
    }

    @Test
    void aWrongKeyIsRefusedWithTheReasonInThePongCountedAndClosed() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo helo = readHelo(c);
            c.send(ping(helo, "fb", SALT, "wrong key", null, null));
            FluentBitPeer.Pong pong = readPong(c);
            assertThat(pong).isEqualTo(new FluentBitPeer.Pong(false, "shared_key mismatch", "", ""));
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(failures("shared_key_mismatch")).isEqualTo(1);
        assertThat(registry.get(ForwardMetrics.HANDSHAKES).counter().count()).isZero();
        assertThat(ingest.requests).isEmpty();
    }

    @Test
    void usersNeedTheRightPasswordAndAKnownName() throws Exception {
        start(Map.of("fluent", "pa55", "other", "x"), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo helo = readHelo(c);
            assertThat(helo.auth()).as("users configured: the HELO carries the auth salt").hasSize(16);
            c.send(ping(helo, "fb", SALT, KEY, "fluent", "pa55"));
            assertThat(readPong(c).ok()).isTrue();
            c.send(good("u1"));
            assertThat(c.readAck()).isEqualTo("u1");
        }
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(ping(readHelo(c), "fb", SALT, KEY, "fluent", "wrong"));
            assertThat(readPong(c)).isEqualTo(new FluentBitPeer.Pong(false, "username/password mismatch", "", ""));
            assertThat(c.closedByServer()).isTrue();
        }
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(ping(readHelo(c), "fb", SALT, KEY, "nobody", "pa55"));
            assertThat(readPong(c).reason()).as("the peer is not told whether the name exists").isEqualTo("username/password mismatch");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(failures("password_mismatch")).isEqualTo(1);
        assertThat(failures("unknown_user")).isEqualTo(1);
        assertThat(ingest.requests).hasSize(1);
    }

    @Test
    void aPingReplayedOnAnotherConnectionIsRefused() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        byte[] recorded;
        FluentBitPeer.Helo first;
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            first = readHelo(c);
            recorded = ping(first, "fb", SALT, KEY, null, null);
            c.send(recorded);
            assertThat(readPong(c).ok()).isTrue();
        }
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo second = readHelo(c);
            c.send(recorded);
            assertThat(readPong(c)).isEqualTo(new FluentBitPeer.Pong(false, "replayed ping", "", ""));
            assertThat(c.closedByServer()).isTrue();
            assertThat(second.nonce()).as("every connection gets a fresh nonce").isNotEqualTo(first.nonce());
        }
        assertThat(failures("replayed_ping")).isEqualTo(1);
    }

    @Test
    void aPingForAnotherConnectionsNonceFailsTheDigestEvenIfNeverSeenBefore() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient first = new ForwardClient(input.boundPort());
             ForwardClient second = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo h1 = readHelo(first);
            FluentBitPeer.Helo h2 = readHelo(second);
            assertThat(h1.nonce()).isNotEqualTo(h2.nonce());
            second.send(ping(h1, "fb", SALT, KEY, null, null)); // computed for the first connection's nonce
            assertThat(readPong(second).reason()).isEqualTo("shared_key mismatch");
        }
        assertThat(failures("shared_key_mismatch")).isEqualTo(1);
    }

    @Test
    void aSecondPingAfterTheHandshakeIsAProtocolError() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            FluentBitPeer.Helo helo = readHelo(c);
            c.send(ping(helo, "fb", SALT, KEY, null, null));
            assertThat(readPong(c).ok()).isTrue();
            c.send(ping(helo, "fb", "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), KEY, null, null));
            assertThat(c.closedByServer()).isTrue();
        }
        await(() -> protocolErrors("unexpected_ping") == 1, "the second PING counted");
    }

    @Test
    void aDataFrameBeforeThePingIsAProtocolErrorAndNothingIsTaken() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            readHelo(c);
            c.send(good("sneaky"));
            assertThat(c.closedByServer()).as("no PONG, no ack: closed").isTrue();
        }
        await(() -> protocolErrors("no_handshake") == 1, "the frame counted");
        assertThat(ingest.requests).isEmpty();
    }

    @Test
    void aPingOfTheWrongShapeGetsARefusingPong() throws Exception {
        start(Map.of(), Duration.ofSeconds(10));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            readHelo(c);
            c.send(Frames.frame().array(4).str("PING").str("fb").bin(SALT).str("digest").build());
            assertThat(readPong(c)).isEqualTo(new FluentBitPeer.Pong(false, "invalid ping message", "", ""));
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(failures("bad_ping")).isEqualTo(1);
    }

    @Test
    void aClientThatNeverSendsAPingIsClosedAfterTheHandshakeTimeout() throws Exception {
        start(Map.of(), Duration.ofMillis(300));
        try (ForwardClient silent = new ForwardClient(input.boundPort());
             ForwardClient slow = new ForwardClient(input.boundPort())) {
            readHelo(silent);
            FluentBitPeer.Helo helo = readHelo(slow);
            slow.send(java.util.Arrays.copyOf(ping(helo, "fb", SALT, KEY, null, null), 20)); // slowloris: a PING begun, never ended
            assertThat(silent.closedByServer()).isTrue();
            assertThat(slow.closedByServer()).isTrue();
        }
        await(() -> closedBy("handshake_timeout") == 2, "both closes counted");
        assertThat(ingest.requests).isEmpty();
    }

    @Test
    void withoutSharedKeyAPingIsAProtocolErrorNotAHandshake() throws Exception {
        input = new ForwardInput(ForwardInputTest.CONFIG, ingest, registry, Clock.systemUTC());
        input.start();
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(ping(new FluentBitPeer.Helo(new byte[16], null, true, 0), "fb", SALT, KEY, null, null));
            assertThat(c.closedByServer()).isTrue();
        }
        await(() -> protocolErrors("unexpected_ping") == 1, "the PING counted");
    }

    /** Fuzzing finding (ForwardDecoderFuzzTest, the same check here): a ClientHello cut after its first byte was "no handshake". */
    @Test
    void aClientHelloIsRecognizedHoweverItIsCut() {
        byte[] hello = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01};
        assertThat(ForwardHandshakeFuzzTest.raw(hello, false)).isEqualTo("error TLS_ON_PLAIN_PORT");
        assertThat(ForwardHandshakeFuzzTest.raw(hello, true)).as("byte by byte").isEqualTo("error TLS_ON_PLAIN_PORT");
    }
}
