package io.loglane.bench.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * A Forward client that behaves like Fluent Bit with {@code require_ack_response}: PackedForward
 * chunks with a {@code chunk} id; a chunk counts as delivered only when its ack arrives; after a
 * lost connection every unacknowledged chunk is resent with the <em>same</em> id. Each record has
 * a unique {@code seq} so tests can check exactly-once.
 *
 * <p>Thread-safety: one thread per client.
 */
public final class AckingForwardClient {
    private final String name;
    private final String tag;
    private final int eventsPerChunk;
    private final Deque<Map.Entry<String, byte[]>> unacked = new ArrayDeque<>();
    // volatile: the fault harness reads them from another thread at a kill (pendingEvents)
    private volatile long nextSeq;
    private volatile long ackedEvents;
    private int chunkNo;

    public AckingForwardClient(String name, String tag, int eventsPerChunk) {
        this.name = name;
        this.tag = tag;
        this.eventsPerChunk = eventsPerChunk;
    }

    public long ackedEvents() { return ackedEvents; }

    /** Events ever created (acked or still pending). */
    public long createdEvents() { return nextSeq; }

    public boolean hasUnacked() { return !unacked.isEmpty(); }

    /** Events created and not yet acknowledged (sent or about to be); readable from any thread, a moment's snapshot. */
    public long pendingEvents() { return nextSeq - ackedEvents; }

    /**
     * Connects, resends every unacked chunk, then sends new chunks until {@code untilNanos},
     * one at a time, waiting for each ack. Returns normally at the deadline; throws when the
     * connection breaks (the server was killed), keeping unacked chunks for the next session.
     */
    public void session(int port, long untilNanos, boolean newChunks) throws IOException {
        session(port, untilNanos, newChunks ? 0 : -1, Integer.MAX_VALUE);
    }

    /**
     * As {@link #session(int, long, boolean)} with new chunks, but sends at least {@code minNewChunks}
     * of them even when that takes past the deadline (a loaded machine must not shrink a test's data).
     * A negative {@code minNewChunks} sends no new chunk at all.
     */
    public void session(int port, long untilNanos, int minNewChunks) throws IOException {
        session(port, untilNanos, minNewChunks, Integer.MAX_VALUE);
    }

    /** Like {@link #session(int, long, boolean)}, sending at most {@code maxNewChunks} new chunks. */
    public void sessionAtMost(int port, long untilNanos, int maxNewChunks) throws IOException {
        session(port, untilNanos, 0, maxNewChunks);
    }

    /**
     * Connects, resends every unacked chunk, then sends one new chunk every {@code intervalNanos}
     * (waiting for each ack) until {@code untilNanos} or {@code stop} is true; calls {@code onAck}
     * with {@link System#nanoTime()} after each ack. Throws when the connection fails or times out
     * ({@code timeoutMillis} per ack), keeping unacked chunks for the next call.
     */
    public void paced(int port, long untilNanos, long intervalNanos, int timeoutMillis, BooleanSupplier stop, LongConsumer onAck)
            throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            MessageUnpacker acks = MessagePack.newDefaultUnpacker(s.getInputStream());
            while (!unacked.isEmpty()) {
                sendAndAwait(out, acks, unacked.peekFirst());
                onAck.accept(System.nanoTime());
            }
            Pacer pace = new Pacer(intervalNanos);
            while (pace.next(untilNanos, stop)) {
                Map.Entry<String, byte[]> chunk = nextChunk();
                unacked.addLast(chunk);
                sendAndAwait(out, acks, chunk);
                onAck.accept(System.nanoTime());
            }
        }
    }

    private void session(int port, long untilNanos, int minNewChunks, int maxNewChunks) throws IOException {
        boolean newChunks = minNewChunks >= 0;
        int sent = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            MessageUnpacker acks = MessagePack.newDefaultUnpacker(in);
            while (!unacked.isEmpty()) {
                sendAndAwait(out, acks, unacked.peekFirst());
            }
            while (newChunks && sent < maxNewChunks && (System.nanoTime() < untilNanos || sent < minNewChunks)) {
                Map.Entry<String, byte[]> chunk = nextChunk();
                unacked.addLast(chunk);
                sendAndAwait(out, acks, chunk);
                sent++;
            }
        }
    }

    private void sendAndAwait(OutputStream out, MessageUnpacker acks, Map.Entry<String, byte[]> chunk) throws IOException {
        out.write(chunk.getValue());
        out.flush();
        String acked = null;
        try {
            int n = acks.unpackMapHeader();
            for (int i = 0; i < n; i++) {
                String k = acks.unpackString();
                String v = acks.unpackString();
                if (k.equals("ack")) acked = v;
            }
        } catch (MessagePackException e) {
            // the server closed the connection mid-answer (killed): msgpack reports EOF unchecked
            throw new IOException("no ack for " + chunk.getKey() + ": " + e, e);
        }
        if (!chunk.getKey().equals(acked)) {
            throw new IOException("ack for " + acked + ", expected " + chunk.getKey());
        }
        unacked.removeFirst();
        ackedEvents += eventsPerChunk;
    }

    private Map.Entry<String, byte[]> nextChunk() throws IOException {
        String id = String.format("%-8.8s%016d", name, chunkNo++).replace(' ', '_');
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        long nowSec = System.currentTimeMillis() / 1000;
        for (int i = 0; i < eventsPerChunk; i++) {
            long seq = nextSeq++;
            entries.packArrayHeader(2);
            entries.packExtensionTypeHeader((byte) 0, 8);
            // spread event times over the last three hours so several hour partitions (some closed) exist
            long sec = nowSec - (seq % 3) * 3600;
            entries.writePayload(new byte[] {(byte) (sec >>> 24), (byte) (sec >>> 16), (byte) (sec >>> 8), (byte) sec, 0, 0, 0, (byte) (seq % 100)});
            entries.packMapHeader(3);
            entries.packString("log");
            entries.packString(name + " event " + seq);
            entries.packString("seq");
            entries.packLong(seq);
            entries.packString("client");
            entries.packString(name);
        }
        byte[] payload = entries.toByteArray();
        MessageBufferPacker f = MessagePack.newDefaultBufferPacker();
        f.packArrayHeader(3);
        f.packString(tag);
        f.packBinaryHeader(payload.length);
        f.writePayload(payload);
        f.packMapHeader(2);
        f.packString("size");
        f.packInt(eventsPerChunk);
        f.packString("chunk");
        f.packString(id);
        return Map.entry(id, f.toByteArray());
    }
}
