package io.loglane.inputs.forward;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client half of the shared_key handshake, byte for byte as Fluent Bit's {@code out_forward}
 * writes it (shared/FORWARD-PEERS.md): it reads the HELO, builds the PING with msgpack's own
 * str headers (fixstr "PING", the 16-byte salt as a str that is not UTF-8, the 128-char digest as
 * str 8, empty username and password digest when the HELO has no auth), and reads the PONG,
 * checking it has exactly five elements as the client does.
 */
final class FluentBitPeer {
    /** A salt that is not valid UTF-8, as Fluent Bit's random salt usually is. */
    static final byte[] SALT = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, (byte) 0xa0, (byte) 0xa1, (byte) 0xe2, 0x28,
            (byte) 0xa1, (byte) 0xf0, (byte) 0x90, 0x28, (byte) 0xbc, 0x00, 0x7f, (byte) 0x80};

    record Helo(byte[] nonce, byte[] auth, boolean keepalive, long bytes) {}

    record Pong(boolean ok, String reason, String hostname, String digest) {}

    private FluentBitPeer() {}

    /** Reads the HELO and checks its shape: ["HELO", {nonce, (auth), keepalive}], at most 1023 bytes. */
    static Helo readHelo(ForwardClient c) throws IOException {
        long before = c.bytesRead();
        Value v = c.readValue();
        long bytes = c.bytesRead() - before;
        assertThat(bytes).as("Fluent Bit reads the HELO into 1023 bytes").isLessThanOrEqualTo(1023);
        List<Value> a = v.asArrayValue().list();
        assertThat(a).hasSize(2);
        assertThat(a.get(0).asStringValue().asString()).isEqualTo("HELO");
        Map<Value, Value> opts = a.get(1).asMapValue().map();
        byte[] nonce = null;
        byte[] auth = null;
        boolean keepalive = false;
        for (Map.Entry<Value, Value> e : opts.entrySet()) {
            switch (e.getKey().asStringValue().asString()) {
                case "nonce" -> nonce = e.getValue().asRawValue().asByteArray();
                case "auth" -> auth = e.getValue().asRawValue().asByteArray();
                case "keepalive" -> keepalive = e.getValue().asBooleanValue().getBoolean();
                default -> throw new AssertionError("unexpected HELO option " + e.getKey());
            }
        }
        assertThat(nonce).as("nonce").isNotNull();
        assertThat(nonce.length).isBetween(16, 1024);
        return new Helo(nonce, auth, keepalive, bytes);
    }

    /** The PING Fluent Bit sends for this HELO; {@code user}/{@code password} are used only when the HELO has auth. */
    static byte[] ping(Helo helo, String hostname, byte[] salt, String sharedKey, String user, String password) throws IOException {
        return ping(helo, hostname.getBytes(StandardCharsets.UTF_8), salt, sharedKey, user, password);
    }

    /** The same with the hostname as raw bytes (Fluent Bit sends them as they are, UTF-8 or not). */
    static byte[] ping(Helo helo, byte[] host, byte[] salt, String sharedKey, String user, String password) throws IOException {
        byte[] digest = sha512Hex(salt, host, helo.nonce(), sharedKey.getBytes(StandardCharsets.UTF_8));
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(6);
            str(p, "PING".getBytes(StandardCharsets.US_ASCII));
            str(p, host);
            str(p, salt);
            str(p, digest);
            if (helo.auth() != null) {
                byte[] u = user.getBytes(StandardCharsets.UTF_8);
                str(p, u);
                str(p, sha512Hex(helo.auth(), u, password.getBytes(StandardCharsets.UTF_8)));
            } else {
                str(p, new byte[0]);
                str(p, new byte[0]);
            }
            return p.toByteArray();
        }
    }

    private static void str(MessageBufferPacker p, byte[] b) throws IOException {
        p.packRawStringHeader(b.length).writePayload(b);
    }

    /** Reads the PONG: exactly ["PONG", bool, reason, hostname, digest]. */
    static Pong readPong(ForwardClient c) throws IOException {
        List<Value> a = c.readValue().asArrayValue().list();
        assertThat(a).as("Fluent Bit's client expects exactly five elements").hasSize(5);
        assertThat(a.get(0).asStringValue().asString()).isEqualTo("PONG");
        return new Pong(a.get(1).asBooleanValue().getBoolean(), a.get(2).asStringValue().asString(),
                a.get(3).asStringValue().asString(), a.get(4).asStringValue().asString());
    }

    /** The digest a client expects in a good PONG: sha512_hex(salt + server hostname + nonce + shared_key). */
    static String serverDigest(Helo helo, byte[] salt, String serverHostname, String sharedKey) {
        return new String(sha512Hex(salt, serverHostname.getBytes(StandardCharsets.UTF_8), helo.nonce(),
                sharedKey.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
    }

    static byte[] sha512Hex(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-512");
            for (byte[] p : parts) {
                d.update(p);
            }
            return HexFormat.of().formatHex(d.digest()).getBytes(StandardCharsets.US_ASCII);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
