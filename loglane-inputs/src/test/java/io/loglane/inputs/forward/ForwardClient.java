package io.loglane.inputs.forward;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * A raw Forward client for tests: writes bytes, reads {"ack": chunk} replies (and the handshake's
 * HELO and PONG) with a bounded wait; over plain TCP or over TLS ({@link #tls}).
 */
final class ForwardClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final MessageUnpacker unpacker;

    ForwardClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    private ForwardClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        unpacker = MessagePack.newDefaultUnpacker(in);
    }

    /** A TLS connection; the TLS handshake runs (and may fail) here. */
    static ForwardClient tls(int port, javax.net.ssl.SSLContext ctx) throws IOException {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new ForwardClient(s);
    }

    /** The next msgpack value the server sent. */
    Value readValue() throws IOException {
        return unpacker.unpackValue();
    }

    /** Bytes read from the server so far. */
    long bytesRead() { return unpacker.getTotalReadBytes(); }

    ForwardClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** The next ack's chunk id; asserts the reply is exactly a one-entry map with a str value. */
    String readAck() throws IOException {
        Value v = unpacker.unpackValue();
        Map<Value, Value> m = v.asMapValue().map();
        if (m.size() != 1) {
            throw new AssertionError("ack is not a one-entry map: " + v);
        }
        Value ack = m.entrySet().iterator().next().getValue();
        if (!ack.isStringValue() || !m.keySet().iterator().next().asStringValue().asString().equals("ack")) {
            throw new AssertionError("not an ack with a str value: " + v);
        }
        return ack.asStringValue().asString();
    }

    /** True if nothing arrives within {@code wait} (the connection stays open and silent). */
    boolean silentFor(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("unexpected byte from server");
            }
            return false; // closed
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** True once the server has closed the connection (read returns end of stream), within 10 s. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException { socket.close(); }
}
