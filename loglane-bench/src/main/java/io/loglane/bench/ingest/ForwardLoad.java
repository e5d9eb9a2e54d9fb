package io.loglane.bench.ingest;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends pre-built Forward frames over several TCP connections for a fixed time (or a fixed number
 * of events) and measures what the server accepted. With acks each connection keeps at most
 * {@code window} frames unacknowledged and times every ack.
 *
 * <p>Thread-safety: one run per instance; {@link #run} blocks until done.
 */
public final class ForwardLoad {
    /** Result of one run. {@code ackMicros} is sorted; empty without acks. */
    public record Result(long events, long bytes, double seconds, long[] ackMicros) {
        double eventsPerSecond() { return events / seconds; }
        double mbPerSecond() { return bytes / seconds / 1e6; }
        public double percentileMillis(double p) {
            if (ackMicros.length == 0) return Double.NaN;
            int i = (int) Math.min(ackMicros.length - 1, Math.ceil(p / 100.0 * ackMicros.length) - 1);
            return ackMicros[Math.max(0, i)] / 1000.0;
        }
    }

    /**
     * Makes the frames of a load that sends every event once: called on the sending connection's
     * thread, each call a new frame of the load's {@code frameEvents} events with a chunk-id slot.
     */
    @FunctionalInterface
    public interface FrameGenerator {
        FrameFactory.Frame next(int connection) throws IOException;
    }

    private final String host;
    private final int port;
    private final List<FrameFactory.Frame> frames;
    private final FrameGenerator generator;
    private final int frameEvents;
    private final int connections;
    private final int window;
    private final long eventsPerSecond;

    ForwardLoad(String host, int port, List<FrameFactory.Frame> frames, int connections, int window) {
        this(host, port, frames, connections, window, 0);
    }

    /** @param eventsPerSecond offered rate over all connections, frames evenly paced; 0 sends as fast as acks allow */
    ForwardLoad(String host, int port, List<FrameFactory.Frame> frames, int connections, int window, long eventsPerSecond) {
        this(host, port, frames, null, frames.getFirst().events(), connections, window, eventsPerSecond);
    }

    /**
     * A load of fresh frames, each sent once, always with acks ({@code window} unacknowledged frames per connection).
     *
     * @param frameEvents events in each frame the generator makes
     */
    public ForwardLoad(String host, int port, FrameGenerator generator, int frameEvents, int connections, int window, long eventsPerSecond) {
        this(host, port, null, generator, frameEvents, connections, Math.max(1, window), eventsPerSecond);
    }

    private ForwardLoad(String host, int port, List<FrameFactory.Frame> frames, FrameGenerator generator, int frameEvents,
                        int connections, int window, long eventsPerSecond) {
        this.host = host;
        this.port = port;
        this.frames = frames;
        this.generator = generator;
        this.frameEvents = frameEvents;
        this.connections = connections;
        this.window = window;
        this.eventsPerSecond = eventsPerSecond;
    }

    /**
     * Sends for {@code seconds} or until {@code maxEvents} events were sent (whichever first).
     * With acks, returns once every sent frame is acknowledged (bounded by 60 s extra).
     */
    public Result run(double seconds, long maxEvents, String runId) throws Exception {
        boolean acks = generator != null || frames.getFirst().chunkAt() >= 0;
        AtomicLong eventsBudget = new AtomicLong(maxEvents);
        AtomicLong sentEvents = new AtomicLong();
        AtomicLong sentBytes = new AtomicLong();
        AtomicLong ackedEvents = new AtomicLong();
        long[][] latencies = new long[connections][];
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < connections; c++) {
            final int conn = c;
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                try {
                    latencies[conn] = connection(conn, runId, acks, deadline, eventsBudget, sentEvents, sentBytes, ackedEvents);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!errors.isEmpty()) {
            throw new IOException("load connection failed: " + errors.getFirst(), errors.getFirst());
        }
        long[] all = Arrays.stream(latencies).filter(a -> a != null).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(acks ? ackedEvents.get() : sentEvents.get(), sentBytes.get(), elapsed, all);
    }

    private long[] connection(int conn, String runId, boolean acks, long deadline, AtomicLong budget,
                              AtomicLong sentEvents, AtomicLong sentBytes, AtomicLong ackedEvents) throws Exception {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSendBufferSize(1 << 20);
            s.connect(new InetSocketAddress(host, port), 5000);
            OutputStream out = s.getOutputStream();
            BlockingQueue<long[]> inFlight = new ArrayBlockingQueue<>(Math.max(1, window));
            long[] lat = new long[1 << 16];
            int[] latN = {0};
            Thread reader = null;
            if (acks) {
                reader = Thread.ofPlatform().name("acks-" + conn).start(() -> readAcks(s, inFlight, ackedEvents, lat, latN));
            }
            long seq = 0;
            int f = conn;
            // pacing: this connection's share of the rate, one frame every `interval`, from `paceStart`
            long interval = eventsPerSecond <= 0 ? 0
                    : (long) (1e9 * frameEvents * connections / (double) eventsPerSecond);
            long paceStart = System.nanoTime() + interval * conn / Math.max(1, connections);
            long framesSent = 0;
            // one private copy per template: the socket write copies the bytes out before the
            // next send patches a new chunk id into the same copy
            byte[][] copies = generator != null ? null : new byte[frames.size()][];
            byte[] prefix = chunkPrefix(runId, conn);
            while (System.nanoTime() < deadline) {
                if (budget.addAndGet(-frameEvents) < 0) {
                    break;
                }
                int t = generator != null ? -1 : f++ % frames.size();
                FrameFactory.Frame frame = generator != null ? generator.next(conn) : frames.get(t);
                if (interval > 0) {
                    long due = paceStart + framesSent++ * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                byte[] bytes = frame.bytes();
                if (acks) {
                    if (copies != null) { // a template sent again: patch a private copy
                        if (copies[t] == null) {
                            copies[t] = bytes.clone();
                        }
                        bytes = copies[t];
                    }
                    patchChunkId(bytes, frame.chunkAt(), prefix, seq++);
                    inFlight.put(new long[] {System.nanoTime(), frame.events()});
                }
                out.write(bytes);
                sentEvents.addAndGet(frame.events());
                sentBytes.addAndGet(bytes.length);
            }
            out.flush();
            if (reader != null) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!inFlight.isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                s.shutdownOutput();
                reader.join(TimeUnit.SECONDS.toMillis(5));
                return Arrays.copyOf(lat, Math.min(latN[0], lat.length));
            }
            return new long[0];
        }
    }

    /** The first 8 of the 24 chunk-id characters: the run id (padded or cut to 6) and the connection number. */
    static byte[] chunkPrefix(String runId, int conn) {
        String p = (runId + "______").substring(0, 6) + String.format("%02d", conn % 100);
        return p.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code prefix} and {@code seq} as 16 zero-padded decimal digits at {@code at}: a unique 24-character chunk id. */
    static void patchChunkId(byte[] frame, int at, byte[] prefix, long seq) {
        System.arraycopy(prefix, 0, frame, at, prefix.length);
        int digits = FrameFactory.CHUNK_LEN - prefix.length;
        long v = seq;
        for (int i = at + FrameFactory.CHUNK_LEN - 1; i >= at + prefix.length; i--) {
            frame[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        if (v != 0 || digits != 16) {
            throw new IllegalStateException("chunk sequence overflow");
        }
    }

    private static void readAcks(Socket s, BlockingQueue<long[]> inFlight, AtomicLong acked, long[] lat, int[] latN) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(new BufferedInputStream(s.getInputStream()))) {
            while (in.hasNext()) {
                int n = in.unpackMapHeader();
                for (int i = 0; i < n; i++) {
                    in.unpackString();
                    in.unpackString();
                }
                long[] sent = inFlight.poll();
                if (sent == null) {
                    throw new IllegalStateException("ack without a pending chunk");
                }
                acked.addAndGet(sent[1]);
                if (latN[0] < lat.length) {
                    lat[latN[0]++] = (System.nanoTime() - sent[0]) / 1000;
                }
            }
        } catch (IOException e) {
            // connection closed at the end of the run
        }
    }
}
