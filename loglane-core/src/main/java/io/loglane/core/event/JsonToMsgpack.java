package io.loglane.core.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.loglane.core.parse.EventTimeParser;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Converts JSON objects, streamed from Jackson's {@link JsonParser}, into msgpack maps appended to
 * one growable buffer: the one JSON-to-record mapping of loglane (HTTP ingest bodies, and JSON
 * objects embedded in a message, see {@link io.loglane.core.parse.JsonMessage}).
 *
 * <h2>Mapping</h2>
 * Strings stay strings, integers are msgpack integers (beyond 64 bits they are kept as their
 * decimal string), other numbers are float64, nested objects and arrays are preserved, key order
 * is kept. Map and array headers are written in their 32-bit form and their counts patched by
 * {@link #finish()}: valid msgpack that every reader accepts, at the cost of 4 bytes per container,
 * so no object is ever parsed twice or held as a tree.
 *
 * <h2>Event time</h2>
 * Each converted object reports its event time: the first top-level field of
 * {@link EventFields#TIME_KEYS} in preference order whose value is a time per
 * {@link EventTimeParser} (the field stays in the record); a null value counts as absent.
 * {@code strict} conversion refuses the preferred time field when it holds no valid time
 * ({@link BadTimeException}); lenient conversion passes over it to the next one.
 *
 * <p>Thread-safety: not thread-safe; one instance per conversion or per thread.
 */
public final class JsonToMsgpack {
    private static final byte[] MAP32 = {(byte) 0xdf, 0, 0, 0, 0};
    private static final byte[] ARRAY32 = {(byte) 0xdd, 0, 0, 0, 0};
    private static final int TIME_KEYS = EventFields.TIME_KEYS.size();

    private final PackOutput out;
    private final MessagePacker packer;
    private long base;
    // open containers: header position, entry count, whether an array
    private int[] openPos = new int[8];
    private int[] openCount = new int[8];
    private boolean[] openArray = new boolean[8];
    private int depth;
    // headers to patch once the output is flushed
    private int[] patchPos = new int[64];
    private int[] patchCount = new int[64];
    private int patches;

    /** A time field whose value is not a time, in strict conversion. The parser is still on that value. */
    public static final class BadTimeException extends Exception {
        BadTimeException(String reason) {
            super(reason, null, false, false);
        }
    }

    public JsonToMsgpack(int initialCapacity) {
        this.out = new PackOutput(Math.max(256, initialCapacity));
        this.packer = MessagePack.newDefaultPacker(out);
    }

    /** Empties the buffer for a new conversion; keeps its capacity. */
    public void reset() throws IOException {
        packer.flush();
        out.reset();
        base = packer.getTotalWrittenBytes();
        depth = 0;
        patches = 0;
    }

    /** Bytes written since the last {@link #reset}: where the next object starts. */
    public int written() {
        long n = packer.getTotalWrittenBytes() - base;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("JSON too large to convert");
        }
        return (int) n;
    }

    /**
     * Converts the object whose {@code START_OBJECT} is the parser's current token, appending one
     * msgpack map; returns with the parser on its {@code END_OBJECT}.
     *
     * @param strict refuse a preferred time field that holds no time, instead of passing over it
     * @return the object's event time in nanoseconds since the epoch, or -1 when it has none
     * @throws BadTimeException in strict conversion, for a time field that is not a time
     * @throws IOException      on malformed JSON ({@link com.fasterxml.jackson.core.JsonProcessingException})
     */
    public long convertObject(JsonParser jp, boolean strict) throws IOException, BadTimeException {
        long ts = -1;
        int tsRank = TIME_KEYS;   // lower is preferred
        int pendingRank = -1;     // rank of the top-level field whose value comes next
        open(false);
        while (depth > 0) {
            JsonToken t = jp.nextToken();
            if (t == JsonToken.FIELD_NAME) {
                String name = jp.currentName();
                openCount[depth - 1]++;
                pendingRank = depth == 1 ? EventFields.TIME_KEYS.indexOf(name) : -1;
                packer.packString(name);
                continue;
            }
            if (t == null) {
                throw new IOException("JSON ends inside an object");
            }
            if (openArray[depth - 1] && t != JsonToken.END_ARRAY) {
                openCount[depth - 1]++;
            }
            int valueRank = pendingRank;
            boolean timeValue = valueRank >= 0 && valueRank < tsRank;
            pendingRank = -1;
            long time = -2; // -2: not a time value here; -1: a time field without a valid time
            switch (t) {
                case START_OBJECT -> {
                    time = badTime(strict, timeValue, "time field is an object, not a time");
                    open(false);
                }
                case START_ARRAY -> {
                    time = badTime(strict, timeValue, "time field is an array, not a time");
                    open(true);
                }
                case END_OBJECT, END_ARRAY -> close();
                case VALUE_STRING -> {
                    String s = jp.getText();
                    if (timeValue) {
                        time = checked(strict, jp, EventTimeParser.fromString(s), s);
                    }
                    packer.packString(s);
                }
                case VALUE_NUMBER_INT -> {
                    switch (jp.getNumberType()) {
                        case INT, LONG -> {
                            long v = jp.getLongValue();
                            if (timeValue) {
                                time = checked(strict, jp, EventTimeParser.fromLong(v), jp.getText());
                            }
                            packer.packLong(v);
                        }
                        default -> {
                            BigInteger v = jp.getBigIntegerValue();
                            time = badTime(strict, timeValue, "time " + v + " is out of range");
                            if (v.signum() >= 0 && v.bitLength() <= 64) {
                                packer.packBigInteger(v);
                            } else {
                                packer.packString(v.toString());
                            }
                        }
                    }
                }
                case VALUE_NUMBER_FLOAT -> {
                    double v = jp.getDoubleValue();
                    if (timeValue) {
                        time = checked(strict, jp, EventTimeParser.fromNumber(v), jp.getText());
                    }
                    packer.packDouble(v);
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    time = badTime(strict, timeValue, "time field is a boolean, not a time");
                    packer.packBoolean(t == JsonToken.VALUE_TRUE);
                }
                case VALUE_NULL -> packer.packNil();
                default -> throw new IOException("unexpected JSON token " + t);
            }
            if (time >= 0) {
                ts = time;
                tsRank = valueRank;
            }
        }
        return ts;
    }

    /** A time field holding a value of a type that is never a time: refused (strict) or passed over. */
    private static long badTime(boolean strict, boolean timeValue, String reason) throws BadTimeException {
        if (timeValue && strict) {
            throw new BadTimeException(reason);
        }
        return -2;
    }

    private static long checked(boolean strict, JsonParser jp, long nanos, String text) throws IOException, BadTimeException {
        if (nanos < 0 && strict) {
            throw new BadTimeException("field '" + jp.currentName() + "' is not a time: '" + text
                    + "' (use ISO-8601 or epoch seconds/milliseconds/microseconds/nanoseconds)");
        }
        return nanos;
    }

    /**
     * Patches every container header written since the last {@link #reset} and returns the buffer,
     * whose bytes {@code [0, written())} hold the converted objects. Valid until the next call that
     * writes or resets.
     */
    public byte[] finish() throws IOException {
        packer.flush();
        byte[] buf = out.array();
        for (int i = 0; i < patches; i++) {
            Bytes.putInt(buf, patchPos[i] + 1, patchCount[i]);
        }
        patches = 0;
        return buf;
    }

    private void open(boolean array) throws IOException {
        if (depth == openPos.length) {
            openPos = Arrays.copyOf(openPos, depth * 2);
            openCount = Arrays.copyOf(openCount, depth * 2);
            openArray = Arrays.copyOf(openArray, depth * 2);
        }
        openPos[depth] = written();
        openCount[depth] = 0;
        openArray[depth] = array;
        depth++;
        packer.writePayload(array ? ARRAY32 : MAP32);
    }

    private void close() {
        depth--;
        if (patches == patchPos.length) {
            patchPos = Arrays.copyOf(patchPos, patches * 2);
            patchCount = Arrays.copyOf(patchCount, patches * 2);
        }
        patchPos[patches] = openPos[depth];
        patchCount[patches] = openCount[depth];
        patches++;
    }

}
