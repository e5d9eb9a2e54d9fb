package io.loglane.inputs.forward;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.inputs.forward.ForwardProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.util.List;

/**
 * Stream decoder for Forward protocol v1 frames: turns bytes into {@link ForwardMessage}s.
 *
 * <h2>Framing</h2>
 * A frame is a msgpack array {@code [tag, x(, y)(, options)]}; the type of the second element picks
 * the mode (array: Forward; bin/str: PackedForward, gzip when {@code compressed: "gzip"}; integer,
 * float or ext: Message). Any msgpack header encoding is accepted, minimal or not (Fluent Bit sends
 * {@code 0xdf} maps and {@code 0xdd} arrays of two).
 *
 * <h2>Streaming and limits</h2>
 * "Need more bytes" consumes nothing: the reader index moves only past a complete frame. So that a
 * large Forward-mode frame arriving in many TCP reads is not rescanned from its start on every
 * read, the decoder keeps a resumable position: entries already scanned are copied once into the
 * per-connection {@link RecordBlockBuilder} and never looked at again. Only the first
 * {@code maxFrameBytes} buffered bytes are ever looked at: a frame that does not end within them,
 * or whose bin/str header announces a body reaching past them, fails with {@code frame_too_large}
 * before more is buffered.
 *
 * <h2>Errors</h2>
 * Structural errors throw {@link ForwardProtocolException} (connection-fatal; the decoder then
 * discards everything it is given). An entry that is valid msgpack but not a valid event is
 * skipped and counted in {@link ForwardMessage#rejectedEntries()}; the rest of the frame proceeds.
 * Bytes left over when the connection closes fail with {@code truncated}.
 *
 * <p>Records are never materialized: boundaries are found with {@link MessageUnpacker#skipValue()}
 * over the buffered bytes and the record and metadata maps are copied verbatim. When the
 * cumulation buffer is not heap-backed, the bytes are copied incrementally into a heap scratch array.
 *
 * <p>Thread-safety: not thread-safe and not sharable; one instance per connection.
 */
public final class ForwardDecoder extends ByteToMessageDecoder {
    private enum Mode { MESSAGE, FORWARD, PACKED }

    private enum Phase { HEADER, ENTRIES, TAIL }

    /** Longest chunk id accepted, so the ack reply stays far below Fluent Bit's 512-byte limit. */
    static final int MAX_CHUNK_CHARS = 256;

    private final int maxFrameBytes;
    /** Buffer capacity a connection keeps between frames; larger buffers are dropped after use. */
    static final int RETAINED_BYTES = 1024 * 1024;
    private final RecordBlockBuilder builder = new RecordBlockBuilder(64 * 1024);
    private final EntryReader entry = new EntryReader();
    private final GzipInflater gzip;
    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private final ArrayBufferInput bodyInput = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker bodyUnpacker = MessagePack.newDefaultUnpacker(bodyInput);

    // heap copy of the buffered bytes when the cumulation is not heap-backed:
    // scratch[scratchPos, scratchPos + scratchLen) mirrors the bytes at the reader index
    private byte[] scratch = new byte[0];
    private int scratchPos;
    private int scratchLen;

    // state of the frame at the reader index, valid until it completes
    private Phase phase = Phase.HEADER;
    private Mode mode;
    private int arity;
    private String tag;
    private long entriesLeft;
    private int scanOff;
    private int bodyOff;
    private int bodyLen;
    private boolean failed;
    private long frames;

    /**
     * @param maxFrameBytes          largest frame accepted, in bytes
     * @param maxDecompressedBytes   largest inflated CompressedPackedForward body, in bytes
     */
    public ForwardDecoder(int maxFrameBytes, int maxDecompressedBytes) {
        if (maxFrameBytes < 16 || maxDecompressedBytes < 16) {
            throw new IllegalArgumentException("limits too small");
        }
        this.maxFrameBytes = maxFrameBytes;
        this.gzip = new GzipInflater(maxDecompressedBytes);
    }

    /** What a TLS client on a plain port is told (in the log) and counted under. */
    static final String TLS_ON_PLAIN_PORT_MESSAGE = "a TLS handshake on a plain port: the client has TLS on, "
            + "this input has no tls: {cert, key} (turn TLS off in the client, or configure tls)";

    /**
     * True if the buffered bytes begin like a TLS record carrying a handshake (a ClientHello):
     * content type 22, major version 3. No Forward frame starts so (0x16 is a msgpack integer, and
     * a frame is an array), so this never misreads a frame.
     */
    static boolean looksLikeTls(ByteBuf in) {
        return in.readableBytes() >= 2 && in.getUnsignedByte(in.readerIndex()) == 0x16
                && in.getUnsignedByte(in.readerIndex() + 1) == 0x03;
    }

    /**
     * True if the only buffered byte is 0x16: whether a ClientHello follows is known with the next
     * byte, so the caller waits for it (else a 1-byte first read would be called garbage, not TLS).
     */
    static boolean tlsUndecided(ByteBuf in) {
        return in.readableBytes() == 1 && in.getUnsignedByte(in.readerIndex()) == 0x16;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable == 0) {
            return;
        }
        // A ClientHello can only open the connection: later frames starting 0x16 0x03 are plain garbage.
        // A first read of the lone byte 0x16 waits for the next, so how TCP cuts the bytes never changes the verdict.
        if (phase == Phase.HEADER && frames == 0) {
            if (tlsUndecided(in)) {
                return;
            }
            if (looksLikeTls(in)) {
                fail(in);
                throw new ForwardProtocolException(Reason.TLS_ON_PLAIN_PORT, TLS_ON_PLAIN_PORT_MESSAGE);
            }
        }
        int avail = Math.min(readable, maxFrameBytes);
        byte[] arr;
        int base;
        if (in.hasArray()) {
            arr = in.array();
            base = in.arrayOffset() + in.readerIndex();
            scratchPos = 0;
            scratchLen = 0;
        } else {
            mirror(in, avail);
            arr = scratch;
            base = scratchPos;
        }
        ForwardMessage m;
        try {
            m = scan(arr, base, avail);
        } catch (ForwardProtocolException e) {
            fail(in);
            throw e;
        } catch (MessagePackException | IOException e) {
            fail(in);
            throw new ForwardProtocolException(Reason.GARBAGE, "not a Forward frame: " + e.getMessage());
        }
        if (m == null) {
            if (readable >= maxFrameBytes) {
                fail(in);
                throw new ForwardProtocolException(Reason.FRAME_TOO_LARGE,
                        "frame does not end within max_frame_bytes=" + maxFrameBytes);
            }
            return;
        }
        consume(in, m.frameBytes());
        frames++;
        out.add(m);
        releaseOversizedBuffers();
    }

    /**
     * A connection lives for days and may send one huge frame among many small ones: after a frame,
     * buffers grown past {@link #RETAINED_BYTES} are dropped so each idle connection keeps at most
     * about that much, not the largest frame it ever sent (up to max_frame_bytes each).
     */
    /** Bytes of buffers this decoder keeps between frames (for tests of {@link #releaseOversizedBuffers}). */
    int retainedBufferBytes() {
        return builder.capacity() + scratch.length + gzip.buffer().length;
    }

    private void releaseOversizedBuffers() {
        builder.reset(RETAINED_BYTES);
        if (scratchLen == 0 && scratch.length > RETAINED_BYTES) {
            scratch = new byte[0];
            scratchPos = 0;
        }
        gzip.release(RETAINED_BYTES);
    }

    /** Frames decoded so far on this connection. */
    long framesDecoded() { return frames; }

    /** Bytes received but not yet part of a decoded frame: the start of the next frame, or 0. */
    int bufferedBytes() { return failed ? 0 : actualReadableBytes(); }

    /**
     * Gives up on the connection without an error of its own (it is being closed for a timeout):
     * the frame left unfinished is neither decoded nor reported as {@code truncated}.
     */
    void abandon() {
        failed = true;
        builder.reset();
        scratchLen = 0;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed || !in.isReadable()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        decode(ctx, in, out);
        if (in.isReadable() && out.isEmpty()) {
            int left = in.readableBytes();
            fail(in);
            throw new ForwardProtocolException(Reason.TRUNCATED, "connection closed inside a frame (" + left + " bytes buffered)");
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        builder.reset();
        in.skipBytes(in.readableBytes());
        scratchLen = 0;
    }

    private void consume(ByteBuf in, int n) {
        in.skipBytes(n);
        if (scratchLen > 0) {
            scratchPos += n;
            scratchLen -= n;
        }
    }

    /** Makes scratch hold the first {@code avail} buffered bytes, copying only what is new. */
    private void mirror(ByteBuf in, int avail) {
        if (scratchLen >= avail) {
            return;
        }
        if (scratchPos + avail > scratch.length) {
            if (avail > scratch.length) {
                byte[] grown = new byte[Math.max(avail, Math.min(maxFrameBytes, 2 * scratch.length + 1024))];
                System.arraycopy(scratch, scratchPos, grown, 0, scratchLen);
                scratch = grown;
            } else {
                System.arraycopy(scratch, scratchPos, scratch, 0, scratchLen);
            }
            scratchPos = 0;
        }
        in.getBytes(in.readerIndex() + scratchLen, scratch, scratchPos + scratchLen, avail - scratchLen);
        scratchLen = avail;
    }

    /** Continues scanning the frame at {@code arr[base]}; null if it is not complete within {@code avail} bytes. */
    private ForwardMessage scan(byte[] arr, int base, int avail) throws IOException {
        if (phase == Phase.HEADER && !scanHeader(arr, base, avail)) {
            return null;
        }
        if (phase == Phase.ENTRIES && !scanEntries(arr, base, avail)) {
            return null;
        }
        return scanTail(arr, base, avail);
    }

    private void reset(byte[] arr, int base, int from, int avail) throws IOException {
        input.reset(arr, base + from, avail - from);
        unpacker.reset(input);
    }

    private boolean scanHeader(byte[] arr, int base, int avail) throws IOException {
        MessageUnpacker u = unpacker;
        reset(arr, base, 0, avail);
        try {
            if (u.getNextFormat().getValueType() != ValueType.ARRAY) {
                throw new ForwardProtocolException(Reason.GARBAGE, "frame is not a msgpack array");
            }
            arity = u.unpackArrayHeader();
            if (arity == 6 && u.getNextFormat().getValueType() == ValueType.STRING && "PING".equals(u.unpackString())) {
                throw new ForwardProtocolException(Reason.UNEXPECTED_PING, "a PING after the handshake completed, or to an "
                        + "input without shared_key (a replay, or a client with a shared_key this input does not have)");
            }
            if (arity < 2 || arity > 4) {
                throw new ForwardProtocolException(Reason.GARBAGE, "frame array has " + arity + " elements, expected 2 to 4");
            }
            if (u.getNextFormat().getValueType() != ValueType.STRING) {
                throw new ForwardProtocolException(Reason.BAD_TAG, "tag is not a string");
            }
            tag = u.unpackString();
            if (tag.isEmpty()) {
                throw new ForwardProtocolException(Reason.BAD_TAG, "tag is empty");
            }
            MessageFormat f = u.getNextFormat();
            switch (f.getValueType()) {
                case ARRAY -> {
                    requireArity(arity <= 3, "Forward");
                    mode = Mode.FORWARD;
                    entriesLeft = u.unpackArrayHeader() & 0xffffffffL;
                    scanOff = (int) u.getTotalReadBytes();
                    phase = Phase.ENTRIES;
                }
                case BINARY, STRING -> {
                    requireArity(arity <= 3, "PackedForward");
                    mode = Mode.PACKED;
                    long len = f.getValueType() == ValueType.BINARY ? u.unpackBinaryHeader() : u.unpackRawStringHeader();
                    bodyOff = (int) u.getTotalReadBytes();
                    if (len < 0 || bodyOff + len > maxFrameBytes) {
                        throw new ForwardProtocolException(Reason.FRAME_TOO_LARGE,
                                "PackedForward body of " + len + " bytes exceeds max_frame_bytes=" + maxFrameBytes);
                    }
                    bodyLen = (int) len;
                    scanOff = bodyOff + bodyLen;
                    phase = Phase.TAIL;
                }
                case INTEGER, FLOAT, EXTENSION -> {
                    requireArity(arity >= 3, "Message");
                    mode = Mode.MESSAGE;
                    scanOff = (int) u.getTotalReadBytes();
                    phase = Phase.TAIL;
                }
                default -> throw new ForwardProtocolException(Reason.UNKNOWN_MODE,
                        "second element is " + f.getValueType() + ", which selects no Forward mode");
            }
            builder.reset();
            entry.resetRejected();
            return true;
        } catch (MessageInsufficientBufferException e) {
            return false;
        }
    }

    private void requireArity(boolean ok, String modeName) {
        if (!ok) {
            throw new ForwardProtocolException(Reason.UNKNOWN_MODE, modeName + " mode frame with " + arity + " elements");
        }
    }

    private boolean scanEntries(byte[] arr, int base, int avail) throws IOException {
        if (entriesLeft == 0) {
            phase = Phase.TAIL;
            return true;
        }
        MessageUnpacker u = unpacker;
        reset(arr, base, scanOff, avail);
        int absBase = base + scanOff;
        int done = 0;
        try {
            while (entriesLeft > 0) {
                entry.parseEntry(u, arr, absBase);
                entry.commit(builder);
                entriesLeft--;
                done = (int) u.getTotalReadBytes();
            }
        } catch (MessageInsufficientBufferException e) {
            scanOff += done;
            return false;
        }
        scanOff += done;
        phase = Phase.TAIL;
        return true;
    }

    private ForwardMessage scanTail(byte[] arr, int base, int avail) throws IOException {
        if (scanOff > avail) {
            return null; // the packed body itself is not all here yet
        }
        MessageUnpacker u = unpacker;
        reset(arr, base, scanOff, avail);
        ForwardOptions options;
        int frameLen;
        try {
            if (mode == Mode.MESSAGE) {
                entry.parseTimeAndRecord(u, arr, base + scanOff);
            }
            boolean hasOptions = arity == (mode == Mode.MESSAGE ? 4 : 3);
            options = hasOptions ? readOptions(u) : ForwardOptions.NONE;
            frameLen = scanOff + (int) u.getTotalReadBytes();
        } catch (MessageInsufficientBufferException e) {
            return null;
        }
        if (options.fluentSignal() != 0) {
            throw new ForwardProtocolException(Reason.NON_LOG_SIGNAL,
                    "fluent_signal " + options.fluentSignal() + " is not logs (0); only logs are accepted");
        }
        ForwardMessage m = switch (mode) {
            case MESSAGE -> {
                entry.commit(builder);
                yield new ForwardMessage.MessageMode(tag, finish(), options, entry.rejected(), entry.rejectedBytes(), frameLen);
            }
            case FORWARD -> new ForwardMessage.ForwardMode(tag, finish(), options, entry.rejected(), entry.rejectedBytes(), frameLen);
            case PACKED -> packed(arr, base, options, frameLen);
        };
        phase = Phase.HEADER;
        tag = null;
        return m;
    }

    private ForwardMessage packed(byte[] arr, int base, ForwardOptions options, int frameLen) throws IOException {
        String compressed = options.compressed();
        if (options.isGzip()) {
            int n = gzip.inflate(arr, base + bodyOff, bodyLen);
            readPacked(gzip.buffer(), 0, n);
            return new ForwardMessage.CompressedPackedForward(tag, finish(), options, entry.rejected(), entry.rejectedBytes(), frameLen);
        }
        if (compressed != null && !compressed.equals("text")) {
            throw new ForwardProtocolException(Reason.BAD_OPTIONS, "unsupported compression '" + compressed + "'");
        }
        readPacked(arr, base + bodyOff, bodyLen);
        return new ForwardMessage.PackedForward(tag, finish(), options, entry.rejected(), entry.rejectedBytes(), frameLen);
    }

    private void readPacked(byte[] body, int off, int len) throws IOException {
        bodyInput.reset(body, off, len);
        MessageUnpacker u = bodyUnpacker;
        u.reset(bodyInput);
        try {
            while (u.getTotalReadBytes() < len) {
                entry.parseEntry(u, body, off);
                entry.commit(builder);
            }
        } catch (MessageInsufficientBufferException e) {
            throw new ForwardProtocolException(Reason.BAD_PACKED, "PackedForward body ends inside an entry");
        } catch (MessagePackException e) {
            throw new ForwardProtocolException(Reason.BAD_PACKED, "PackedForward body is not msgpack: " + e.getMessage());
        }
    }

    private RecordBlock finish() {
        RecordBlock block = builder.build();
        builder.reset();
        return block;
    }

    private static ForwardOptions readOptions(MessageUnpacker u) throws IOException {
        ValueType t = u.getNextFormat().getValueType();
        if (t == ValueType.NIL) {
            u.unpackNil();
            return ForwardOptions.NONE;
        }
        if (t != ValueType.MAP) {
            throw new ForwardProtocolException(Reason.BAD_OPTIONS, "options are a " + t + ", not a map");
        }
        int n = u.unpackMapHeader();
        long size = -1;
        String chunk = null;
        String compressed = null;
        long signal = 0;
        for (int i = 0; i < n; i++) {
            if (u.getNextFormat().getValueType() != ValueType.STRING) {
                throw new ForwardProtocolException(Reason.BAD_OPTIONS, "option key is not a string");
            }
            String key = u.unpackString();
            ValueType vt = u.getNextFormat().getValueType();
            switch (key) {
                case "size" -> size = optionLong(u, vt, key);
                case "fluent_signal" -> signal = optionLong(u, vt, key);
                case "chunk" -> {
                    chunk = optionString(u, vt, key);
                    if (chunk.isEmpty() || chunk.length() > MAX_CHUNK_CHARS) {
                        throw new ForwardProtocolException(Reason.BAD_OPTIONS,
                                "chunk id must have 1 to " + MAX_CHUNK_CHARS + " characters");
                    }
                }
                case "compressed" -> compressed = optionString(u, vt, key);
                default -> u.skipValue();
            }
        }
        return new ForwardOptions(size, chunk, compressed, signal);
    }

    private static long optionLong(MessageUnpacker u, ValueType vt, String key) throws IOException {
        if (vt != ValueType.INTEGER) {
            throw new ForwardProtocolException(Reason.BAD_OPTIONS, "option '" + key + "' is a " + vt + ", not an integer");
        }
        try {
            return u.unpackLong();
        } catch (org.msgpack.core.MessageIntegerOverflowException e) {
            throw new ForwardProtocolException(Reason.BAD_OPTIONS, "option '" + key + "' out of range");
        }
    }

    private static String optionString(MessageUnpacker u, ValueType vt, String key) throws IOException {
        if (vt != ValueType.STRING) {
            throw new ForwardProtocolException(Reason.BAD_OPTIONS, "option '" + key + "' is a " + vt + ", not a string");
        }
        return u.unpackString();
    }
}
