package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.RecordParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Stored records for tests: msgpack maps built from Java maps, read into a {@link RecordView}. */
final class Records {
    private Records() {}

    /** {@code fields} as a msgpack map (values: String, Number, Boolean, null, List, Map). */
    static byte[] pack(Map<String, ?> fields) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            packValue(p, fields);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A view of {@code fields} as a record of a lane read by {@code parser} (null: none). */
    static RecordView view(RecordParser parser, Map<String, ?> fields) {
        byte[] b = pack(fields);
        RecordView v = new RecordView(parser);
        try {
            v.read(b, 0, b.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return v;
    }

    private static void packValue(MessageBufferPacker p, Object v) throws IOException {
        switch (v) {
            case null -> p.packNil();
            case String s -> p.packString(s);
            case Integer i -> p.packInt(i);
            case Long l -> p.packLong(l);
            case Double d -> p.packDouble(d);
            case Boolean b -> p.packBoolean(b);
            case List<?> l -> {
                p.packArrayHeader(l.size());
                for (Object o : l) {
                    packValue(p, o);
                }
            }
            case Map<?, ?> m -> {
                p.packMapHeader(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    p.packString((String) e.getKey());
                    packValue(p, e.getValue());
                }
            }
            default -> throw new IllegalArgumentException("cannot pack " + v.getClass());
        }
    }
}
