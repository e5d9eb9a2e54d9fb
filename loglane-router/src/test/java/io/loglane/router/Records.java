package io.loglane.router;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Builds record blocks from string maps, and reads a field back, for router tests. */
final class Records {
    private Records() {}

    static Map<String, String> rec(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static byte[] msgpack(Map<String, String> fields) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(fields.size());
            for (Map.Entry<String, String> e : fields.entrySet()) {
                p.packString(e.getKey()).packString(e.getValue());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    static RecordBlock block(Map<String, String>... records) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        long ts = 1_000;
        for (Map<String, String> r : records) {
            byte[] m = msgpack(r);
            b.add(ts++, m, 0, m.length);
        }
        return b.build();
    }

    /** The value of {@code key} of every record in the block, in order. */
    static List<String> values(RecordBlock block, String key) {
        List<String> out = new ArrayList<>();
        RecordFields f = new RecordFields();
        RecordCursor c = block.cursor();
        while (c.next()) {
            out.add(f.getString(c.array(), c.recordOffset(), c.recordLength(), key));
        }
        return out;
    }

    /** The event time of every record in the block, in order. */
    static List<Long> times(RecordBlock block) {
        List<Long> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            out.add(c.tsNanos());
        }
        return out;
    }

    /** Every record of the block as a map of its keys to their values' JSON text (strings unquoted), in order. */
    static List<Map<String, String>> maps(RecordBlock block) {
        List<Map<String, String>> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            try (var u = org.msgpack.core.MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                Map<String, String> m = new LinkedHashMap<>();
                for (var e : u.unpackValue().asMapValue().entrySet()) {
                    m.put(e.getKey().asStringValue().asString(),
                            e.getValue().isStringValue() ? e.getValue().asStringValue().asString() : e.getValue().toJson());
                }
                out.add(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
