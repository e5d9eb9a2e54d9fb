package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.JsonMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * A raw log line as a record: {@code {"log": line}}, as Docker's logging driver and FireLens ship
 * it, with the fields of a line that is one JSON object lifted to the top level exactly as a lane
 * with the {@code json} parser stores it ({@link JsonMessage#lift}). This is how a line given on
 * its own (the filter-test API and CLI) becomes the same event the stores would hold.
 * {@link #record} gives those bytes, so a test can store exactly the event a matcher tested.
 *
 * <p>Thread-safety: not thread-safe; one per matcher.
 */
public final class LineRecord {
    private final JsonMessage json = new JsonMessage();
    private final RecordView view = new RecordView(null);
    /** Length of the record {@link #read} last built. */
    private int length;

    /** The record (one msgpack map) a raw line is, as {@link FilterMatcher#matches(String)} reads it. */
    public byte[] record(String line) throws IOException {
        RecordView v = read(line);
        return java.util.Arrays.copyOf(v.array(), length);
    }

    RecordView read(String line) throws IOException {
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        byte[] record;
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1);
            p.packString("log");
            p.packRawStringHeader(text.length);
            p.writePayload(text);
            record = p.toByteArray();
        }
        int len = record.length;
        if (json.decode(text, 0, text.length)) {
            int lifted = json.lift(record, 0, record.length);
            if (lifted >= 0) {
                record = json.liftedArray();
                len = lifted;
            }
        }
        length = len;
        view.read(record, 0, len);
        return view;
    }
}
