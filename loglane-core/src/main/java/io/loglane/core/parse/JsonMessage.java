package io.loglane.core.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.loglane.core.event.EventFields;
import io.loglane.core.event.JsonToMsgpack;
import java.io.IOException;

/**
 * A message that holds one JSON object, as Docker's fluentd logging driver and FireLens send a JSON
 * application log: {@code {"log": "{\"level\":\"error\",\"log_type\":\"audit\",\"time\":\"…\"}\n",
 * "container_name": …, "source": "stdout"}}. This class is the one place that maps such a message
 * onto the record:
 * <ol>
 *   <li>{@link #decode}: the object's fields, converted as HTTP ingest converts a body object
 *       ({@link JsonToMsgpack}), and its event time from its first time field
 *       ({@link EventFields#TIME_KEYS}, read as {@link EventTimeParser} reads them; a value that is
 *       not a time is passed over, never an error: the record is stored either way);</li>
 *   <li>{@link #lift} ({@link FieldLifter}): the record with those fields added at its top level, so routing, columns
 *       and {@code attrs} treat them as the record's own, exactly as if the application had sent
 *       them flat over HTTP. The record's own fields win a name clash (they come from the
 *       collector: container, source, ECS task; the application's value of the same name stays
 *       readable in the message), and a field named like a message key that the record's own
 *       message key is preferred to ({@link EventFields#MESSAGE_KEYS}) is not lifted, so the
 *       original line stays the message. Nesting the fields under one key instead would make the
 *       same application log answer to different SQL depending on how it was shipped.</li>
 * </ol>
 * Only a message that is a JSON object once surrounding whitespace (Docker's trailing newline)
 * is trimmed, and that is at most {@link #MAX_BYTES} long, is decoded; anything else (plain text,
 * an array, a truncated object such as a long line the logging driver split, trailing text) is
 * not JSON to this class. Whether a first byte could start an object is answered without decoding
 * ({@link #startsLikeObject}), so plain lines cost one byte test.
 *
 * <p>Thread-safety: not thread-safe; one per thread (buffers are reused across messages).
 */
public final class JsonMessage implements MessageFields {
    /** Longer messages are not decoded: it bounds the work per record (Docker splits lines at 16 KiB anyway). */
    public static final int MAX_BYTES = 1 << 20;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final JsonToMsgpack converter = new JsonToMsgpack(1024);
    private byte[] fields;
    private int fieldsLength;
    private long timeNanos = -1;

    private final FieldLifter lifter = new FieldLifter();

    /** True when the first byte of {@code b[off, off+len)} that is not whitespace is <code>&#123;</code>. */
    public static boolean startsLikeObject(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c == '{';
            }
        }
        return false;
    }

    /**
     * Decodes the message {@code b[off, off+len)}.
     *
     * @return true when it is one JSON object (surrounded by whitespace at most); then
     *     {@link #fieldsArray()} holds its fields and {@link #timeNanos()} its time
     */
    public boolean decode(byte[] b, int off, int len) {
        fields = null;
        fieldsLength = 0;
        timeNanos = -1;
        if (len > MAX_BYTES || !startsLikeObject(b, off, len)) {
            return false;
        }
        try (JsonParser jp = JSON.createParser(b, off, len)) {
            converter.reset();
            if (jp.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            long ts = converter.convertObject(jp, false);
            if (jp.nextToken() != null) {
                return false; // more after the object: a line that only starts like JSON
            }
            fieldsLength = converter.written();
            fields = converter.finish();
            timeNanos = ts;
            return true;
        } catch (IOException | JsonToMsgpack.BadTimeException e) {
            return false; // not JSON after all (lenient conversion never refuses a time)
        }
    }

    /** The decoded fields: a msgpack map in {@code [0, fieldsLength())}; valid until the next decode. */
    @Override
    public byte[] fieldsArray() { return fields; }

    @Override
    public int fieldsLength() { return fieldsLength; }

    /** The event time of the decoded object, nanoseconds since the epoch; -1 when it has no valid time field. */
    @Override
    public long timeNanos() { return timeNanos; }

    @Override
    public int lift(byte[] rec, int off, int len) {
        return lifter.lift(fields, fieldsLength, rec, off, len);
    }

    @Override
    public byte[] liftedArray() { return lifter.liftedArray(); }
}
