package io.loglane.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * One plain TCP connection to a Forward input that sends raw bytes and reads {@code {"ack": id}}
 * replies, for tests that need exact frames or broken ones.
 *
 * <p>Thread-safety: one thread per connection.
 */
final class RawForwardConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final MessageUnpacker acks;

    RawForwardConnection(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** Connects from {@code localHost}, e.g. {@code 127.0.0.2} (any 127.x address is loopback), to appear as another peer. */
    RawForwardConnection(int port, String localHost) throws IOException {
        socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName(localHost), 0);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        acks = MessagePack.newDefaultUnpacker(in);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /**
     * Sends a frame the server may refuse before it has all of it (an oversized frame is refused
     * once {@code max_frame_bytes} arrived): true when the server closed or reset the connection
     * during the write, false when the whole frame was written.
     */
    boolean sendUnlessClosed(byte[] bytes) throws IOException {
        try {
            send(bytes);
            return false;
        } catch (SocketException e) {
            return true; // broken pipe or reset: the server has closed its end
        }
    }

    /** Half-closes the sending side: the server sees end of stream. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads the next {@code {"ack": id}} map and returns the id (waits at most the socket timeout). */
    String readAck() throws IOException {
        int n = acks.unpackMapHeader();
        String id = null;
        for (int i = 0; i < n; i++) {
            String k = acks.unpackString();
            String v = acks.unpackString();
            if (k.equals("ack")) {
                id = v;
            }
        }
        return id;
    }

    /**
     * True when the server closes the connection within {@code timeoutMillis} without sending
     * anything more; false when it keeps it open that long.
     */
    boolean closedByServerWithin(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
