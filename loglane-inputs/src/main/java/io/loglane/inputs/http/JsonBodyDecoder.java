package io.loglane.inputs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.loglane.core.event.Bytes;
import io.loglane.core.event.EventFields;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.parse.EventTimeParser;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Decodes an HTTP ingest body into a {@link RecordBlock}, all or nothing.
 *
 * <h2>Accepted bodies</h2>
 * <ul>
 *   <li>NDJSON: JSON objects separated by newlines; blank lines are ignored. An object may span
 *       lines (a single pretty-printed object is fine) but two objects may not share a line.</li>
 *   <li>A single JSON array of objects.</li>
 * </ul>
 * Anything else (a line or element that is not an object, malformed JSON, trailing content, a time
 * field that is not a time) throws {@link JsonBodyException} naming the 1-based line and, for an
 * array, the 1-based element; no partial block is ever returned. An empty body gives an empty block.
 *
 * <h2>Conversion</h2>
 * Each object is streamed from Jackson's {@link JsonParser} into msgpack with {@link MessagePacker}:
 * strings stay strings, integers are msgpack integers (beyond 64 bits they are kept as their decimal
 * string), other numbers are float64, nested objects and arrays are preserved, key order is kept.
 * Map and array headers are written in their 32-bit form and their counts patched once known: valid
 * msgpack that every reader accepts, at the cost of 4 bytes per container, so no object is ever
 * parsed twice or held as a tree.
 *
 * <h2>Event time</h2>
 * From the first top-level field of {@link EventFields#TIME_KEYS} ({@code time}, else {@code timestamp},
 * else {@code ts}, else {@code @timestamp}; the field stays in the record); a null value counts as absent; without one
 * the receive time is used. Units and formats: see {@link EventTimeParser}.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
public final class JsonBodyDecoder {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] MAP32 = {(byte) 0xdf, 0, 0, 0, 0};
    private static final byte[] ARRAY32 = {(byte) 0xdd, 0, 0, 0, 0};

    private JsonBodyDecoder() {}

    /**
     * @param body            the request body; only {@code body[0, len)} is read
     * @param receivedAtNanos event time for objects without a time field
     * @throws JsonBodyException if the body is not NDJSON of objects nor an array of objects
     */
    public static RecordBlock decode(byte[] body, int len, long receivedAtNanos) throws JsonBodyException {
        if (len < 0 || len > body.length) {
            throw new IllegalArgumentException("len " + len + " outside the body");
        }
        try (JsonParser jp = JSON.createParser(body, 0, len)) {
            return new Conversion(len, receivedAtNanos).run(jp);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new JsonBodyException(line, 0, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JsonBodyException(1, 0, "unreadable body: " + e.getMessage());
        }
    }

    /** The state of one decode call. */
    private static final class Conversion {
        private final PackOutput out;
        private final MessagePacker packer;
        private final long receivedAtNanos;
        // open containers: header position, entry count, whether an array
        private int[] openPos = new int[8];
        private int[] openCount = new int[8];
        private boolean[] openArray = new boolean[8];
        private int depth;
        // headers to patch once the output is flushed
        private int[] patchPos = new int[64];
        private int[] patchCount = new int[64];
        private int patches;
        // finished records
        private int[] recStart = new int[64];
        private int[] recEnd = new int[64];
        private long[] recTs = new long[64];
        private int records;
        private int element; // 1-based array element being converted; 0 for NDJSON

        Conversion(int len, long receivedAtNanos) {
            this.out = new PackOutput(Math.max(256, len + len / 4));
            this.packer = MessagePack.newDefaultPacker(out);
            this.receivedAtNanos = receivedAtNanos;
        }

        RecordBlock run(JsonParser jp) throws IOException, JsonBodyException {
            JsonToken t = jp.nextToken();
            if (t == JsonToken.START_ARRAY) {
                while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
                    element++;
                    if (t != JsonToken.START_OBJECT) {
                        throw error(jp, "element is " + describe(t) + ", not a JSON object");
                    }
                    convertObject(jp);
                }
                element = 0;
                if ((t = jp.nextToken()) != null) {
                    throw error(jp, "unexpected " + describe(t) + " after the array");
                }
            } else {
                int lastEndLine = 0;
                for (; t != null; t = jp.nextToken()) {
                    int line = line(jp);
                    if (t != JsonToken.START_OBJECT) {
                        throw error(jp, "line is " + describe(t) + ", not a JSON object");
                    }
                    if (line == lastEndLine) {
                        throw error(jp, "more than one JSON object on the line");
                    }
                    convertObject(jp);
                    lastEndLine = line(jp);
                }
            }
            return build();
        }

        /** Converts the object whose START_OBJECT is the current token into one record. */
        private void convertObject(JsonParser jp) throws IOException, JsonBodyException {
            int start = written();
            long ts = receivedAtNanos;
            int tsRank = EventFields.TIME_KEYS.size(); // lower is preferred
            int pendingRank = -1;            // rank of the top-level field whose value comes next
            open(false);
            while (depth > 0) {
                JsonToken t = jp.nextToken();
                if (t == JsonToken.FIELD_NAME) {
                    String name = jp.currentName();
                    openCount[depth - 1]++;
                    pendingRank = depth == 1 ? timeRank(name) : -1;
                    packer.packString(name);
                    continue;
                }
                if (openArray[depth - 1] && t != JsonToken.END_ARRAY) {
                    openCount[depth - 1]++;
                }
                int valueRank = pendingRank;
                boolean timeValue = valueRank >= 0 && valueRank < tsRank;
                pendingRank = -1;
                switch (t) {
                    case START_OBJECT -> {
                        if (timeValue) {
                            throw error(jp, "time field is an object, not a time");
                        }
                        open(false);
                    }
                    case START_ARRAY -> {
                        if (timeValue) {
                            throw error(jp, "time field is an array, not a time");
                        }
                        open(true);
                    }
                    case END_OBJECT, END_ARRAY -> close();
                    case VALUE_STRING -> {
                        String s = jp.getText();
                        if (timeValue) {
                            ts = time(jp, EventTimeParser.fromString(s), s);
                            tsRank = valueRank;
                        }
                        packer.packString(s);
                    }
                    case VALUE_NUMBER_INT -> {
                        switch (jp.getNumberType()) {
                            case INT, LONG -> {
                                long v = jp.getLongValue();
                                if (timeValue) {
                                    ts = time(jp, EventTimeParser.fromLong(v), jp.getText());
                                    tsRank = valueRank;
                                }
                                packer.packLong(v);
                            }
                            default -> {
                                BigInteger v = jp.getBigIntegerValue();
                                if (timeValue) {
                                    throw error(jp, "time " + v + " is out of range");
                                }
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
                            ts = time(jp, EventTimeParser.fromNumber(v), jp.getText());
                            tsRank = valueRank;
                        }
                        packer.packDouble(v);
                    }
                    case VALUE_TRUE, VALUE_FALSE -> {
                        if (timeValue) {
                            throw error(jp, "time field is a boolean, not a time");
                        }
                        packer.packBoolean(t == JsonToken.VALUE_TRUE);
                    }
                    case VALUE_NULL -> packer.packNil();
                    default -> throw error(jp, "unexpected " + describe(t));
                }
            }
            addRecord(start, written(), ts);
        }

        private long time(JsonParser jp, long nanos, String text) throws IOException, JsonBodyException {
            if (nanos < 0) {
                throw error(jp, "field '" + jp.currentName() + "' is not a time: '" + text
                        + "' (use ISO-8601 or epoch seconds/milliseconds/microseconds/nanoseconds)");
            }
            return nanos;
        }

        private static int timeRank(String name) {
            return EventFields.TIME_KEYS.indexOf(name);
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

        private void addRecord(int start, int end, long ts) {
            if (records == recStart.length) {
                recStart = Arrays.copyOf(recStart, records * 2);
                recEnd = Arrays.copyOf(recEnd, records * 2);
                recTs = Arrays.copyOf(recTs, records * 2);
            }
            recStart[records] = start;
            recEnd[records] = end;
            recTs[records] = ts;
            records++;
        }

        private RecordBlock build() throws IOException {
            if (records == 0) {
                return RecordBlock.EMPTY;
            }
            packer.flush();
            byte[] buf = out.array();
            for (int i = 0; i < patches; i++) {
                Bytes.putInt(buf, patchPos[i] + 1, patchCount[i]);
            }
            RecordBlockBuilder b = new RecordBlockBuilder(out.size() + 16 * records);
            for (int i = 0; i < records; i++) {
                b.add(recTs[i], buf, recStart[i], recEnd[i] - recStart[i]);
            }
            return b.build();
        }

        private int written() {
            long n = packer.getTotalWrittenBytes();
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("body too large to convert");
            }
            return (int) n;
        }

        private JsonBodyException error(JsonParser jp, String reason) {
            return new JsonBodyException(line(jp), element, reason);
        }

        private static int line(JsonParser jp) { return Math.max(1, jp.currentTokenLocation().getLineNr()); }

        private static String describe(JsonToken t) {
            return switch (t) {
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> String.valueOf(t);
            };
        }
    }

    /** A byte sink whose array the patches write into. */
    private static final class PackOutput extends ByteArrayOutputStream {
        PackOutput(int size) { super(size); }

        byte[] array() { return buf; }
    }
}
