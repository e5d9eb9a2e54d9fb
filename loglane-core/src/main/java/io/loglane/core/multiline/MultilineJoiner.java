package io.loglane.core.multiline;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.PackOutput;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * Joins the records of one request that are lines of one event (a stack trace logged line by line
 * to stdout arrives as one Forward record per line) into one record, by a lane's
 * {@link MultilineRules}, before the records are classified.
 *
 * <p>Where the join lives: inside one request, before its acknowledgement. A request (a Forward
 * chunk, an HTTP body, a tail batch) is joined as a whole and then stored as a whole, so no line
 * waits anywhere unacknowledged and nothing acknowledged can be lost. Across requests: a file input
 * ({@code tail}, {@code docker}, {@code cri}) with {@code multiline:} ends each batch before the
 * events still open at its end ({@link #scan}, {@link #openFrom}), so their lines are read again,
 * with what follows them, by its next batch: held in the file, not in memory, until a later line
 * closes the event or the flush timeout passes. An event whose lines a network sender (Forward,
 * HTTP, CloudWatch, OTLP) split across two requests is joined the same way by the input holding the
 * lines of events open at a request's end ({@link #openLines}) in memory, with that request's
 * acknowledgement, and sending them again at the head of its next request (or alone once the
 * flush timeout passes).
 *
 * <p>Streams: records interleave (Fluent Bit forwards many containers in one chunk), so events are
 * joined per stream: the record's {@code container_id} and {@code source} (stdout/stderr, a file
 * path) together. The joined record is the first line's record (all its fields: container, source,
 * tag, ECS metadata; its time) with its message replaced by the lines joined with {@code \n}
 * (each line's own trailing line break dropped). It takes the first line's place in the request;
 * the other lines' records are dropped from it after being joined, and counted as accepted.
 * An event is cut at {@link #MAX_LINES} lines or {@link #MAX_BYTES} bytes: it is stored with
 * {@code "truncated": true} ({@link EventFields#TRUNCATED}, the mark of a file line cut at its
 * maximum) and counted ({@link #truncatedEvents}), and the line that would have continued it opens
 * a new event. Records without a string message are never joined.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
public final class MultilineJoiner {
    public static final int MAX_LINES = 1000;
    public static final int MAX_BYTES = 1 << 20;
    private static final byte[][] KEYS;
    private static final int CONTAINER = 0;
    private static final int SOURCE = 1;
    private static final int MESSAGE = 2;
    private static final byte[] TRUNCATED_KEY = EventFields.TRUNCATED.getBytes(StandardCharsets.UTF_8);

    static {
        String[] k = new String[2 + EventFields.MESSAGE_KEYS.size()];
        k[CONTAINER] = EventFields.CONTAINER_ID;
        k[SOURCE] = EventFields.SOURCE;
        for (int i = 0; i < EventFields.MESSAGE_KEYS.size(); i++) {
            k[MESSAGE + i] = EventFields.MESSAGE_KEYS.get(i);
        }
        KEYS = Arrays.stream(k).map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    private final RecordFields fields = new RecordFields();
    private final int[] offs = new int[KEYS.length];
    private final int[] lens = new int[KEYS.length];
    private final RecordBlockBuilder builder = new RecordBlockBuilder(16 * 1024);
    private final PackOutput joined = new PackOutput(1024);
    private final MessagePacker packer = MessagePack.newDefaultPacker(joined);
    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private final byte[] newline = {'\n'};

    // per record of the block: its message and stream key positions, and its event's first record
    private int[] msgOff = new int[256];
    private int[] msgLen = new int[256];
    private int[] msgKey = new int[256];
    private int[] keyOff = new int[256];
    private int[] keyLen = new int[256];
    private int[] srcOff = new int[256];
    private int[] srcLen = new int[256];
    /** For a continuation line: the index of its event's first record; else -1. */
    private int[] joinedTo = new int[256];
    /** For a first record: how many lines its event has. */
    private int[] lines = new int[256];
    private int[] bytes = new int[256];
    /** For a first record: the index of its event's last line, and that line's time. */
    private int[] lastLine = new int[256];
    private long[] lastTs = new long[256];
    /** For a first record: its event was cut at {@link #MAX_LINES} or {@link #MAX_BYTES}. */
    private boolean[] truncated = new boolean[256];
    private int truncatedEvents;
    private int count;
    /** Open events, one per stream: the index of each event's first record. */
    private int[] open = new int[64];
    private int openCount;
    private int joinedLines;

    /** Lines the last {@link #join} (or {@link #joined}) folded into an earlier record (stored as part of it, so accepted). */
    public int joinedLines() { return joinedLines; }

    /** Events the last {@link #join} (or {@link #joined}) cut at {@link #MAX_LINES} or {@link #MAX_BYTES} and marked truncated. */
    public int truncatedEvents() { return truncatedEvents; }

    /**
     * @return {@code block} itself when no record continues another, else a new block with each
     *     event's lines joined into its first record
     */
    public RecordBlock join(RecordBlock block, MultilineRules rules) {
        scan(block, rules);
        return joined(block, block.count());
    }

    /**
     * Decides which records of {@code block} are lines of which event; {@link #joined} then builds
     * the joined block, {@link #openFrom} says where the events still open at its end begin.
     */
    public void scan(RecordBlock block, MultilineRules rules) {
        int n = block.count();
        ensure(n);
        openCount = 0;
        count = n;
        RecordCursor c = block.cursor();
        byte[] b = block.array();
        for (int i = 0; c.next(); i++) {
            joinedTo[i] = -1;
            truncated[i] = false;
            lines[i] = 1;
            lastLine[i] = i;
            lastTs[i] = c.tsNanos();
            fields.scan(b, c.recordOffset(), c.recordLength(), KEYS, offs, lens);
            msgKey[i] = -1;
            for (int k = MESSAGE; k < KEYS.length && msgKey[i] < 0; k++) {
                if (offs[k] >= 0) {
                    msgKey[i] = k;
                }
            }
            if (msgKey[i] < 0) {
                continue; // no message: not a line
            }
            msgOff[i] = offs[msgKey[i]];
            msgLen[i] = trimmed(b, offs[msgKey[i]], lens[msgKey[i]]);
            bytes[i] = msgLen[i];
            keyOff[i] = offs[CONTAINER];
            keyLen[i] = lens[CONTAINER];
            srcOff[i] = offs[SOURCE];
            srcLen[i] = lens[SOURCE];
            int stream = openOf(b, i);
            int e = msgOff[i] + msgLen[i];
            boolean cut = false;
            if (stream >= 0) {
                int first = open[stream];
                boolean continues = rules.continues(b, msgOff[i], e);
                if (continues && lines[first] < MAX_LINES && bytes[first] + 1 + msgLen[i] <= MAX_BYTES) {
                    joinedTo[i] = first;
                    lines[first]++;
                    bytes[first] += 1 + msgLen[i];
                    lastLine[first] = i;
                    lastTs[first] = c.tsNanos();
                    continue;
                }
                open[stream] = open[--openCount]; // the stream's event ends here
                // a line that would continue it past the bound: the event is cut (marked), the rest is the next event
                cut = continues;
                truncated[first] = continues;
            }
            if (cut || rules.starts(b, msgOff[i], e)) {
                if (openCount == open.length) {
                    open = Arrays.copyOf(open, openCount * 2);
                }
                open[openCount++] = i;
            }
        }
    }

    /**
     * Where the events a later line could still continue begin, after {@link #scan}: the index of
     * the first record of the earliest event open at the block's end, moved back so that no event
     * begun before it has a line at or after it ({@link #cutBefore}); the block's count when none is
     * open. An event counts as closed (not open) when it holds {@link #MAX_LINES} lines already, or
     * when its last line is at least {@code closeAfterNanos} older than the block's newest record
     * (its stream was silent while others wrote: a container's stdout line followed by a second of
     * stderr is not held back for ever).
     */
    public int openFrom(long closeAfterNanos) {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            newest = Math.max(newest, lastTs[i]);
        }
        int k = count;
        for (int s = 0; s < openCount; s++) {
            int f = open[s];
            boolean closed = lines[f] >= MAX_LINES || newest - lastTs[f] >= closeAfterNanos;
            if (!closed) {
                k = Math.min(k, f);
            }
        }
        return cutBefore(k);
    }

    /**
     * The largest index at most {@code k} such that no event begun before it has a line at or after
     * it: the records before it join exactly as they would with every later record there.
     */
    public int cutBefore(int k) {
        // (the caller holds the records from k on back, so events begun before k must end before it)
        for (int f = k - 1; f >= 0; f--) {
            if (joinedTo[f] < 0 && lines[f] > 1 && lastLine[f] >= k) {
                k = f;
            }
        }
        return k;
    }

    /**
     * Marks the lines of the events still open at the end of the block last {@link #scan}ned (as
     * {@link #openFrom} counts them open: fewer than {@link #MAX_LINES} lines, last line less than
     * {@code closeAfterNanos} older than the block's newest record): {@code held[i]} for record
     * {@code i}. Unlike {@link #openFrom}, only those events' lines: the records of other streams
     * between them are not marked. A network input holds the marked records back for its next
     * request and sends the others now.
     *
     * @param held at least the block's count long; every entry below it is set
     * @return how many records are marked
     */
    public int openLines(long closeAfterNanos, boolean[] held) {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            newest = Math.max(newest, lastTs[i]);
        }
        Arrays.fill(held, 0, count, false);
        int marked = 0;
        for (int s = 0; s < openCount; s++) {
            int f = open[s];
            if (lines[f] >= MAX_LINES || newest - lastTs[f] >= closeAfterNanos) {
                continue;
            }
            held[f] = true;
            marked++;
            for (int i = f + 1; i <= lastLine[f]; i++) {
                if (joinedTo[i] == f) {
                    held[i] = true;
                    marked++;
                }
            }
        }
        return marked;
    }

    /**
     * The first {@code limit} records of the block last {@link #scan}ned, with each event's lines
     * joined into its first record; {@code block} itself when that is all of it and nothing joins.
     *
     * @param limit at most the block's count; no event begun before it may have a line after it ({@link #cutBefore})
     */
    public RecordBlock joined(RecordBlock block, int limit) {
        joinedLines = 0;
        truncatedEvents = 0;
        for (int i = 0; i < limit; i++) {
            if (joinedTo[i] >= 0) {
                joinedLines++;
            } else if (truncated[i]) {
                truncatedEvents++;
            }
        }
        if (joinedLines == 0 && truncatedEvents == 0) {
            return limit == block.count() ? block : block.prefix(limit);
        }
        return rebuild(block, limit);
    }

    private RecordBlock rebuild(RecordBlock block, int limit) {
        builder.reset(MAX_BYTES);
        byte[] b = block.array();
        RecordCursor c = block.cursor();
        for (int i = 0; i < limit && c.next(); i++) {
            if (joinedTo[i] >= 0) {
                continue;
            }
            if (lines[i] == 1 && !truncated[i]) {
                builder.addEncoded(c);
                continue;
            }
            int len = joinedRecord(b, c.recordOffset(), c.recordLength(), i, limit);
            builder.add(c.tsNanos(), joined.array(), 0, len, b, c.metaOffset(), c.metaLength());
        }
        return builder.build();
    }

    /** Record {@code first} re-encoded with its message replaced by its event's lines; its length in {@link #joined}. */
    private int joinedRecord(byte[] b, int off, int len, int first, int n) {
        try {
            boolean mark = truncated[first] && !hasTruncatedKey(b, off, len); // (uses the unpacker: first)
            joined.reset();
            packer.clear();
            input.reset(b, off, len);
            unpacker.reset(input);
            int entries = unpacker.unpackMapHeader();
            packer.packMapHeader(entries + (mark ? 1 : 0));
            for (int e = 0; e < entries; e++) {
                int ks = off + (int) unpacker.getTotalReadBytes();
                unpacker.skipValue();
                int vs = off + (int) unpacker.getTotalReadBytes();
                ValueType vt = unpacker.getNextFormat().getValueType();
                unpacker.skipValue();
                int ve = off + (int) unpacker.getTotalReadBytes();
                packer.writePayload(b, ks, vs - ks);
                // the message value: its header starts before the payload, which may be empty (msgOff == ve);
                // "ve > msgOff" missed an empty first line and dropped the lines joined to it (a fuzzing finding)
                if (truncated[first] && isTruncatedKey(b, ks, vs)) {
                    packer.packBoolean(true);
                } else if (vt == ValueType.STRING && vs < msgOff[first] && msgOff[first] <= ve) {
                    packer.packRawStringHeader(bytes[first]);
                    packer.writePayload(b, msgOff[first], msgLen[first]);
                    for (int j = first + 1; j < n; j++) {
                        if (joinedTo[j] == first) {
                            packer.writePayload(newline);
                            packer.writePayload(b, msgOff[j], msgLen[j]);
                        }
                    }
                } else {
                    packer.writePayload(b, vs, ve - vs);
                }
            }
            if (mark) {
                packer.packString(EventFields.TRUNCATED).packBoolean(true);
            }
            packer.flush();
            return joined.size();
        } catch (IOException | MessagePackException e) {
            throw new IllegalArgumentException("malformed record: " + e.getMessage(), e); // scanned fine a moment ago
        }
    }

    /** Whether the record (a msgpack map) {@code b[off, off+len)} has a key {@link EventFields#TRUNCATED} (a tail's cut line). */
    private boolean hasTruncatedKey(byte[] b, int off, int len) throws IOException {
        input.reset(b, off, len);
        unpacker.reset(input);
        int entries = unpacker.unpackMapHeader();
        for (int e = 0; e < entries; e++) {
            int ks = off + (int) unpacker.getTotalReadBytes();
            unpacker.skipValue();
            int ke = off + (int) unpacker.getTotalReadBytes();
            if (isTruncatedKey(b, ks, ke)) {
                return true;
            }
            unpacker.skipValue();
        }
        return false;
    }

    /** Whether the msgpack key {@code b[ks, ke)} is the string {@link EventFields#TRUNCATED}. */
    private static boolean isTruncatedKey(byte[] b, int ks, int ke) {
        int header = ke - ks - TRUNCATED_KEY.length;
        boolean sized = header == 1 && b[ks] == (byte) (0xa0 | TRUNCATED_KEY.length)                     // fixstr
                || header == 2 && b[ks] == (byte) 0xd9 && b[ks + 1] == TRUNCATED_KEY.length;             // str 8
        return sized && Arrays.equals(b, ke - TRUNCATED_KEY.length, ke, TRUNCATED_KEY, 0, TRUNCATED_KEY.length);
    }

    /** The open event of record {@code i}'s stream (same container_id and source, each possibly absent), or -1. */
    private int openOf(byte[] b, int i) {
        for (int s = 0; s < openCount; s++) {
            int f = open[s];
            if (same(b, keyOff[f], keyLen[f], keyOff[i], keyLen[i]) && same(b, srcOff[f], srcLen[f], srcOff[i], srcLen[i])) {
                return s;
            }
        }
        return -1;
    }

    private static boolean same(byte[] b, int o1, int l1, int o2, int l2) {
        if (o1 < 0 || o2 < 0) {
            return o1 < 0 && o2 < 0;
        }
        return Arrays.equals(b, o1, o1 + l1, b, o2, o2 + l2);
    }

    /** Length of {@code b[off, off+len)} without its trailing line break. */
    private static int trimmed(byte[] b, int off, int len) {
        while (len > 0 && (b[off + len - 1] == '\n' || b[off + len - 1] == '\r')) {
            len--;
        }
        return len;
    }

    private void ensure(int n) {
        if (n > msgOff.length) {
            int cap = Math.max(n, msgOff.length * 2);
            msgOff = Arrays.copyOf(msgOff, cap);
            msgLen = Arrays.copyOf(msgLen, cap);
            msgKey = Arrays.copyOf(msgKey, cap);
            keyOff = Arrays.copyOf(keyOff, cap);
            keyLen = Arrays.copyOf(keyLen, cap);
            srcOff = Arrays.copyOf(srcOff, cap);
            srcLen = Arrays.copyOf(srcLen, cap);
            joinedTo = Arrays.copyOf(joinedTo, cap);
            lines = Arrays.copyOf(lines, cap);
            bytes = Arrays.copyOf(bytes, cap);
            lastLine = Arrays.copyOf(lastLine, cap);
            lastTs = Arrays.copyOf(lastTs, cap);
            truncated = Arrays.copyOf(truncated, cap);
        }
    }
}
