package io.loglane.inputs.forward;

import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.forward.ForwardProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The server side of the Forward protocol's {@code shared_key} handshake, as fluentd's
 * {@code in_forward} and Fluent Bit's {@code out_forward} speak it (wire rules in HANDSHAKE.md
 * beside this class):
 * <ol>
 *   <li>on connect (after the TLS handshake, when TLS is on) the server sends
 *       {@code ["HELO", {"nonce": bin(16 random bytes), "auth": bin(16 random bytes) (only when
 *       users are configured), "keepalive": true}]};</li>
 *   <li>the client sends {@code ["PING", hostname, salt, sha512_hex(salt + hostname + nonce +
 *       shared_key), username, sha512_hex(auth + username + password)]}; str elements are read
 *       as raw bytes (Fluent Bit's salt is a str that is not UTF-8);</li>
 *   <li>the server answers {@code ["PONG", true, "", self_hostname, sha512_hex(salt +
 *       self_hostname + nonce + shared_key)]} and removes itself from the pipeline, passing any
 *       bytes that followed the PING on to the frame decoder; or {@code ["PONG", false, reason,
 *       "", ""]} and closes the connection once the PONG is written.</li>
 * </ol>
 * Anything but a PING first (a data frame, garbage) is a connection-fatal protocol error
 * ({@code no_handshake}); a PING whose shape is wrong, whose digest does not match this
 * connection's nonce and key, whose user or password digest is wrong, or whose digest was
 * already seen ({@link PingReplayGuard}) is refused with a PONG, logged and counted under
 * {@code loglane.input.handshake.failures{input, reason}}. The nonce and auth salt come from one
 * {@link SecureRandom} per input. Digests are compared in constant time.
 *
 * <p>Thread-safety: confined to the channel's event loop; one instance per connection.
 */
final class ForwardHandshake extends ByteToMessageDecoder {
    /** A PING is about 400 bytes (two 128-char digests, a salt, two names); more is not a PING. */
    static final int MAX_PING_BYTES = 4096;

    /** Why a PING was refused: the metric label, and the reason sent in the PONG (fluentd's words). */
    enum Failure {
        BAD_PING("invalid ping message"),
        REPLAYED_PING("replayed ping"),
        SHARED_KEY_MISMATCH("shared_key mismatch"),
        UNKNOWN_USER("username/password mismatch"),
        PASSWORD_MISMATCH("username/password mismatch");

        final String pongReason;

        Failure(String pongReason) {
            // Fluent Bit's client copies the reason into a 32-byte buffer without a bound: keep it shorter
            assert pongReason.length() < 32 : pongReason;
            this.pongReason = pongReason;
        }

        String label() { return name().toLowerCase(Locale.ROOT); }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final String inputName;
    private final ForwardSecurity security;
    private final SecureRandom random;
    private final PingReplayGuard replays;
    private final ForwardMetrics metrics;
    private final RateLimitedLog log;
    private final boolean afterTls;
    private byte[] nonce;
    private byte[] authSalt;
    private boolean heloSent;
    private volatile boolean done;
    private boolean failed;

    /**
     * @param afterTls true when an SslHandler sits in front: the HELO waits for its handshake
     */
    ForwardHandshake(String inputName, ForwardSecurity security, SecureRandom random, PingReplayGuard replays,
                     ForwardMetrics metrics, RateLimitedLog log, boolean afterTls) {
        if (!security.handshake()) {
            throw new IllegalArgumentException("no shared_key configured");
        }
        this.inputName = inputName;
        this.security = security;
        this.random = random;
        this.replays = replays;
        this.metrics = metrics;
        this.log = log;
        this.afterTls = afterTls;
    }

    /** True once a PING was accepted (the handler has then left the pipeline). Any thread. */
    boolean done() { return done; }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!afterTls) {
            sendHelo(ctx);
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
            sendHelo(ctx);
        }
        super.userEventTriggered(ctx, evt);
    }

    private void sendHelo(ChannelHandlerContext ctx) {
        if (heloSent) {
            return;
        }
        heloSent = true;
        nonce = new byte[16];
        random.nextBytes(nonce);
        boolean users = !security.users().isEmpty();
        if (users) {
            authSalt = new byte[16];
            random.nextBytes(authSalt);
        }
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(2).packString("HELO").packMapHeader(users ? 3 : 2);
            p.packString("nonce").packBinaryHeader(nonce.length).writePayload(nonce);
            if (users) {
                p.packString("auth").packBinaryHeader(authSalt.length).writePayload(authSalt);
            }
            p.packString("keepalive").packBoolean(true);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(p.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory packer: cannot happen
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed || !in.isReadable()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (ForwardDecoder.tlsUndecided(in)) {
            return;
        }
        if (ForwardDecoder.looksLikeTls(in)) {
            fail(in);
            throw new ForwardProtocolException(Reason.TLS_ON_PLAIN_PORT, ForwardDecoder.TLS_ON_PLAIN_PORT_MESSAGE);
        }
        if (!heloSent) {
            fail(in); // cannot happen: bytes arrive only after the (TLS handshake and) HELO
            throw new ForwardProtocolException(Reason.NO_HANDSHAKE, "data before the HELO was sent");
        }
        int avail = Math.min(in.readableBytes(), MAX_PING_BYTES);
        byte[] bytes = new byte[avail];
        in.getBytes(in.readerIndex(), bytes);
        Ping ping;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            ping = readPing(u);
            if (ping != null) {
                in.skipBytes((int) u.getTotalReadBytes());
            }
        } catch (MessageInsufficientBufferException e) {
            if (in.readableBytes() >= MAX_PING_BYTES) {
                refuse(ctx, in, Failure.BAD_PING, "a PING larger than " + MAX_PING_BYTES + " bytes");
            }
            return;
        } catch (MessagePackException | IOException e) {
            fail(in);
            throw new ForwardProtocolException(Reason.NO_HANDSHAKE, "expected a PING, got bytes that are not msgpack: " + e.getMessage());
        }
        if (ping == null) {
            refuse(ctx, in, Failure.BAD_PING, "a PING of the wrong shape (expected [\"PING\", hostname, salt, digest, username, password digest])");
            return;
        }
        verify(ctx, in, ping);
    }

    /** The six elements of a PING, raw. */
    private record Ping(byte[] hostname, byte[] salt, byte[] digest, byte[] username, byte[] passwordDigest) {}

    /**
     * Reads the PING at the start of the buffered bytes: null when it is an array of six whose
     * first element is "PING" but whose other elements are not all str/bin.
     *
     * @throws ForwardProtocolException when the first value is not a PING at all (a data frame)
     * @throws MessageInsufficientBufferException when the PING is not all here yet
     */
    private Ping readPing(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        if (f.getValueType() != ValueType.ARRAY) {
            throw noHandshake("expected a PING, got a msgpack " + f.getValueType().name().toLowerCase(Locale.ROOT));
        }
        int n = u.unpackArrayHeader();
        if (n < 1 || u.getNextFormat().getValueType() != ValueType.STRING) {
            throw noHandshake("expected a PING, got an array of " + n + " that is not a Forward frame either");
        }
        byte[] first = raw(u);
        if (!"PING".equals(new String(first, StandardCharsets.UTF_8))) {
            throw noHandshake("a data frame (tag \"" + printable(first) + "\") before the handshake; this input has "
                    + "shared_key set: the client must send a PING first (configure its shared_key)");
        }
        if (n != 6) {
            for (int i = 1; i < n; i++) {
                u.skipValue(); // consume the whole PING so the refusal is about it alone
            }
            return null;
        }
        byte[][] parts = new byte[5][];
        boolean ok = true;
        for (int i = 0; i < 5; i++) {
            ValueType t = u.getNextFormat().getValueType();
            if (t == ValueType.STRING || t == ValueType.BINARY) {
                parts[i] = raw(u);
            } else {
                u.skipValue();
                ok = false;
            }
        }
        return ok ? new Ping(parts[0], parts[1], parts[2], parts[3], parts[4]) : null;
    }

    private ForwardProtocolException noHandshake(String why) {
        failed = true;
        return new ForwardProtocolException(Reason.NO_HANDSHAKE, why);
    }

    /** A str or bin value's bytes as sent: a str is not decoded, so a salt that is not UTF-8 survives. */
    private static byte[] raw(MessageUnpacker u) throws IOException {
        int len = u.getNextFormat().getValueType() == ValueType.BINARY ? u.unpackBinaryHeader() : u.unpackRawStringHeader();
        if (len > MAX_PING_BYTES) {
            // readPayload would allocate the announced length first; such a PING cannot fit in what is buffered
            throw new MessageInsufficientBufferException("value of " + len + " bytes");
        }
        return u.readPayload(len);
    }

    private void verify(ChannelHandlerContext ctx, ByteBuf in, Ping ping) {
        String host = printable(ping.hostname());
        if (replays.replayed(ping.digest())) {
            refuse(ctx, in, Failure.REPLAYED_PING, "PING from " + host + " carries a digest already received (a replayed PING)");
            return;
        }
        byte[] key = security.sharedKey().getBytes(StandardCharsets.UTF_8);
        if (!digestEquals(ping.digest(), sha512Hex(ping.salt(), ping.hostname(), nonce, key))) {
            refuse(ctx, in, Failure.SHARED_KEY_MISMATCH, "PING from " + host + ": shared_key digest does not match");
            return;
        }
        if (authSalt != null) {
            String user = new String(ping.username(), StandardCharsets.UTF_8);
            String password = security.users().get(user);
            if (password == null) {
                refuse(ctx, in, Failure.UNKNOWN_USER, "PING from " + host + ": unknown user \"" + printable(ping.username()) + "\"");
                return;
            }
            if (!digestEquals(ping.passwordDigest(), sha512Hex(authSalt, ping.username(), password.getBytes(StandardCharsets.UTF_8)))) {
                refuse(ctx, in, Failure.PASSWORD_MISMATCH, "PING from " + host + ": wrong password for user \"" + printable(ping.username()) + "\"");
                return;
            }
        }
        byte[] self = security.selfHostname().getBytes(StandardCharsets.UTF_8);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(pong(true, "", security.selfHostname(), sha512Hex(ping.salt(), self, nonce, key))));
        metrics.handshakeSucceeded();
        done = true;
        ctx.pipeline().remove(this); // what followed the PING goes on to the frame decoder
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, Failure failure, String why) {
        fail(in);
        metrics.handshakeFailed(failure.label());
        log.warn("handshake_" + failure.label(), "forward input '" + inputName + "': refusing connection from "
                + ctx.channel().remoteAddress() + ": " + why);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(pong(false, failure.pongReason, "", new byte[0])))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }

    /** {@code ["PONG", ok, reason, hostname, digest]}: exactly five elements, as Fluent Bit's client checks. */
    private static byte[] pong(boolean ok, String reason, String hostname, byte[] digestHex) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(5).packString("PONG").packBoolean(ok).packString(reason).packString(hostname)
                    .packRawStringHeader(digestHex.length).writePayload(digestHex);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lower-case hex of SHA-512 over the parts, as ASCII bytes. */
    static byte[] sha512Hex(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-512");
            for (byte[] p : parts) {
                d.update(p);
            }
            return HEX.formatHex(d.digest()).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-512", e);
        }
    }

    /** Constant-time comparison of the hex digest as sent (lower case, as fluentd and Fluent Bit send it). */
    private static boolean digestEquals(byte[] sent, byte[] expected) {
        return MessageDigest.isEqual(sent, expected);
    }

    /** A peer-sent name for logs: at most 64 characters, control characters and invalid UTF-8 replaced. */
    private static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 256), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
