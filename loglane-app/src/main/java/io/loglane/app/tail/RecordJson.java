package io.loglane.app.tail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;

/**
 * One record as the live tail sends it: a JSON object with the event's columns as
 * {@link RecordView} maps them, the way SQL and search show the same event:
 * <pre>
 * {"ts": "2026-12-05T01:02:03.456789Z", "lane": "access", "offset": 1234, "tag": "app.access",
 *  "message": "…", "host": "…", "container_id": "…", "container_name": "…", "source": "stdout",
 *  "fields": {typed fields of the lane, then the record's other fields (attrs)}}
 * </pre>
 * Absent columns are left out; typed fields come from the lane parser's match of the message, else
 * from the record field of that name (as the archive stores them). Invalid UTF-8 is replaced.
 *
 * <p>Thread-safety: not thread-safe (it reuses its writer); one per lane tailer.
 */
final class RecordJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final String lane;
    private final String[] typedNames;
    private final StringWriter out = new StringWriter(512);
    private final JsonGenerator g;
    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);

    RecordJson(String lane, RecordView view) {
        this.lane = lane;
        this.typedNames = view.typedFields().stream().map(FieldDef::name).toArray(String[]::new);
        try {
            this.g = FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a generator over memory does no I/O
        }
        g.setRootValueSeparator(null);
    }

    /** Renders the record {@code view} last read, stored at {@code offset} with event time {@code tsNanos}. */
    String render(RecordView view, long offset, long tsNanos, String tag) throws IOException {
        out.getBuffer().setLength(0);
        g.writeStartObject();
        g.writeStringField("ts", Instant.ofEpochSecond(0, tsNanos).toString());
        g.writeStringField("lane", lane);
        g.writeNumberField("offset", offset);
        g.writeStringField("tag", tag);
        column("message", view, view.message());
        column("host", view, view.host());
        column("container_id", view, view.containerId());
        column("container_name", view, view.containerName());
        column("source", view, view.source());
        g.writeObjectFieldStart("fields");
        typed(view);
        for (int i = 0, n = view.fieldCount(); i < n; i++) {
            if (!view.consumed(i)) {
                g.writeFieldName(view.key(i));
                input.reset(view.array(), view.valueStart(i), view.valueEnd(i) - view.valueStart(i));
                unpacker.reset(input);
                g.writeRawValue(unpacker.unpackValue().toJson());
            }
        }
        g.writeEndObject();
        g.writeEndObject();
        g.flush();
        return out.toString();
    }

    private void column(String name, RecordView view, int i) throws IOException {
        if (i >= 0) {
            int len = view.stringLength(i);
            g.writeStringField(name, new String(view.array(), view.valueEnd(i) - len, len, StandardCharsets.UTF_8));
        }
    }

    /** The lane's typed fields, as the archive stores them ({@link RecordView#recordTyped} consumes their record field). */
    private void typed(RecordView view) throws IOException {
        int count = view.typedCount();
        if (count == 0) {
            return;
        }
        boolean matched = view.messageMatched();
        for (int k = 0; k < count; k++) {
            Object v = matched && view.typedIndex(k) >= 0 ? RecordView.convert(view.parsed().get(view.typedIndex(k)), view.typedType(k)) : view.recordTyped(k);
            switch (v) {
                case null -> { }
                case Long l -> g.writeNumberField(typedNames[k], l);
                case Double d -> {
                    if (Double.isFinite(d)) {
                        g.writeNumberField(typedNames[k], d);
                    }
                }
                default -> g.writeStringField(typedNames[k], v.toString());
            }
        }
    }
}
