package io.loglane.inputs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.loglane.core.event.EventFields;
import io.loglane.core.event.JsonToMsgpack;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import java.io.IOException;
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
 * <h2>Conversion and event time</h2>
 * Each object becomes one msgpack record by {@link JsonToMsgpack} (the mapping shared with JSON
 * embedded in messages). The event time is its first top-level field of
 * {@link EventFields#TIME_KEYS} ({@code time}, else {@code timestamp}, else {@code ts}, else
 * {@code @timestamp}; the field stays in the record); a null value counts as absent; without one
 * the receive time is used. The conversion is strict: a preferred time field that holds no time
 * refuses the body. Units and formats: see {@link io.loglane.core.parse.EventTimeParser}.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
public final class JsonBodyDecoder {
    private static final JsonFactory JSON = JsonFactory.builder().build();

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
            return new Conversion(body, len, receivedAtNanos).run(jp);
        } catch (JsonProcessingException e) {
            int line = new Lines(body).at(e.getLocation());
            throw new JsonBodyException(line, 0, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JsonBodyException(1, 0, "unreadable body: " + e.getMessage());
        }
    }

    /**
     * 1-based NDJSON line numbers from byte offsets: lines end at {@code '\n'} only. Jackson's own
     * line numbers also count a lone {@code '\r'}, which named a line 2 in a body of one line
     * (a fuzzing finding, JsonBodyDecoderFuzzTest). Offsets are asked in increasing order, so
     * counting goes on from the last one.
     */
    private static final class Lines {
        private final byte[] body;
        private long counted;
        private int line = 1;

        Lines(byte[] body) { this.body = body; }

        int at(JsonLocation where) {
            if (where == null) {
                return 1;
            }
            // some of Jackson's errors on a byte[] body carry the position as a char offset, not a byte offset
            long offset = where.getByteOffset() >= 0 ? where.getByteOffset() : where.getCharOffset();
            if (offset < 0) {
                return Math.max(1, where.getLineNr());
            }
            if (offset < counted) { // not expected (offsets only grow); count again from the start
                counted = 0;
                line = 1;
            }
            for (long i = counted; i < Math.min(offset, body.length); i++) {
                if (body[(int) i] == '\n') {
                    line++;
                }
            }
            counted = Math.max(counted, Math.min(offset, body.length));
            return line;
        }
    }

    /** The state of one decode call. */
    private static final class Conversion {
        private final JsonToMsgpack converter;
        private final long receivedAtNanos;
        // finished records
        private int[] recStart = new int[64];
        private int[] recEnd = new int[64];
        private long[] recTs = new long[64];
        private int records;
        private int element; // 1-based array element being converted; 0 for NDJSON

        private final Lines lines;

        Conversion(byte[] body, int len, long receivedAtNanos) {
            this.lines = new Lines(body);
            this.converter = new JsonToMsgpack(len + len / 4);
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
            int start = converter.written();
            long ts;
            try {
                ts = converter.convertObject(jp, true);
            } catch (JsonToMsgpack.BadTimeException e) {
                throw error(jp, e.getMessage());
            }
            addRecord(start, converter.written(), ts < 0 ? receivedAtNanos : ts);
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
            byte[] buf = converter.finish();
            RecordBlockBuilder b = new RecordBlockBuilder(converter.written() + 16 * records);
            for (int i = 0; i < records; i++) {
                b.add(recTs[i], buf, recStart[i], recEnd[i] - recStart[i]);
            }
            return b.build();
        }

        private JsonBodyException error(JsonParser jp, String reason) {
            return new JsonBodyException(line(jp), element, reason);
        }

        private int line(JsonParser jp) { return lines.at(jp.currentTokenLocation()); }

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
}
