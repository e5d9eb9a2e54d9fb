package io.loglane.inputs.forward;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loglane.core.telemetry.RateLimitedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): the {@code shared_key} handshake followed by the frame decoder, as
 * the Forward input's pipeline has them. An input starting with {@code '!'} is
 * {@code "!" hostname NUL salt NUL data}: the target answers the HELO with Fluent Bit's PING for that
 * hostname and salt (the right digest), then sends {@code data}. Any other input is sent raw, whole
 * and byte by byte. Properties: only {@link ForwardProtocolException} or a refusing PONG; a right
 * PING is always accepted, whatever its hostname and salt bytes, and what follows it decodes exactly
 * as on a connection without a handshake ({@link ForwardDecoderFuzzTest#decode}); raw bytes get the
 * same verdict however they are cut.
 */
class ForwardHandshakeFuzzTest {
    static final String KEY = "fuzz key";
    static final ForwardSecurity SECURITY = ForwardSecurity.NONE.withSharedKey(KEY, "loglane-fuzz", Map.of());
    static final SecureRandom RANDOM = new SecureRandom();

    @FuzzTest
    void handshakeThenFrames(byte[] input) {
        if (input.length > 0 && input[0] == '!') {
            int a = indexOf(input, 1);
            int b = a < 0 ? -1 : indexOf(input, a + 1);
            if (b >= 0) {
                byte[] host = Arrays.copyOfRange(input, 1, a);
                byte[] salt = Arrays.copyOfRange(input, a + 1, b);
                byte[] data = Arrays.copyOfRange(input, b + 1, input.length);
                rightPing(host, salt, data);
                return;
            }
        }
        String whole = raw(input, false);
        assertThat(raw(input, true)).as("byte by byte").isEqualTo(whole);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    static EmbeddedChannel channel() {
        ForwardMetrics metrics = new ForwardMetrics(new SimpleMeterRegistry(), "fuzz", new InFlightBudget(1 << 20));
        RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(ForwardHandshakeFuzzTest.class), Clock.systemUTC(), Duration.ofHours(1));
        return new EmbeddedChannel(new ForwardHandshake("fuzz", SECURITY, RANDOM, new PingReplayGuard(16), metrics, log, false),
                new ForwardDecoder(2048, 8192));
    }

    /** The verdict on raw bytes: the protocol error, the PONG's ok flag, or nothing yet. */
    static String raw(byte[] input, boolean byteByByte) {
        EmbeddedChannel ch = channel();
        try {
            nonce(ch);
            if (byteByByte) {
                for (int i = 0; i < input.length && ch.isOpen(); i++) { // a refused PING closes: no more reads
                    ch.writeInbound(Unpooled.wrappedBuffer(input, i, 1));
                }
            } else {
                ch.writeInbound(Unpooled.wrappedBuffer(input));
            }
            ch.finish();
            List<Value> pong = reply(ch);
            return pong == null ? "none" : "pong " + pong.get(1) + " " + pong.get(2);
        } catch (ForwardProtocolException e) {
            return "error " + e.reason();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    static void rightPing(byte[] host, byte[] salt, byte[] data) {
        EmbeddedChannel ch = channel();
        List<String> frames = new ArrayList<>();
        ForwardProtocolException.Reason error = null;
        try {
            byte[] ping = FluentBitPeer.ping(new FluentBitPeer.Helo(nonce(ch), null, true, 0), host, salt, KEY, null, null);
            ch.writeInbound(Unpooled.wrappedBuffer(ping));
            List<Value> pong = reply(ch);
            assertThat(pong).as("a PONG").isNotNull();
            assertThat(pong.get(1).asBooleanValue().getBoolean()).as("the right digest is accepted: %s", pong).isTrue();
            ch.writeInbound(Unpooled.wrappedBuffer(data));
            ForwardDecoderFuzzTest.drain(ch, frames);
            ch.finish();
        } catch (ForwardProtocolException e) {
            error = e.reason();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ForwardDecoderFuzzTest.drain(ch, frames);
            ch.finishAndReleaseAll();
        }
        assertThat(new ForwardDecoderFuzzTest.Outcome(frames, error)).as("what follows the handshake decodes as without one")
                .isEqualTo(ForwardDecoderFuzzTest.decode(data, false, -1));
    }

    /** Reads the HELO the channel sent on connect; returns its nonce. */
    static byte[] nonce(EmbeddedChannel ch) {
        List<Value> helo = reply(ch);
        assertThat(helo).isNotNull();
        for (Map.Entry<Value, Value> e : helo.get(1).asMapValue().map().entrySet()) {
            if (e.getKey().asStringValue().asString().equals("nonce")) {
                return e.getValue().asRawValue().asByteArray();
            }
        }
        throw new AssertionError("no nonce in " + helo);
    }

    private static List<Value> reply(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        if (out == null) {
            return null;
        }
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        out.release();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b)) {
            return u.unpackValue().asArrayValue().list();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
