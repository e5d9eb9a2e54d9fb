package io.loglane.inputs.container;

import io.loglane.core.event.EventFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Encodes the fixed part of a container's records once (per container and stream, again when its
 * metadata changes): a msgpack fixmap header, the metadata fields, and the message key, so that a
 * line costs one copy ({@link io.loglane.inputs.tail.LineFormat.RecordOut}).
 *
 * <p>Thread-safety: stateless.
 */
final class RecordHead {
    private RecordHead() {}

    /** {@code meta} preceded by {@code "source": stream}. */
    static Map<String, Object> withSource(String stream, Map<String, Object> meta) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put(io.loglane.core.event.EventFields.SOURCE, stream);
        m.putAll(meta);
        return m;
    }

    /**
     * The head of records holding {@code fields} (values: strings, or string maps such as labels;
     * null values are left out) and then the message.
     */
    static byte[] of(Map<String, ?> fields) {
        Map<String, ?> present = fields.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
        if (present.size() > 13) {
            throw new IllegalArgumentException("a record head holds at most 13 fields (fixmap with message and truncated)");
        }
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(present.size() + 1); // one-byte fixmap header: head[0] counts the entries
            for (Map.Entry<String, ?> e : present.entrySet()) {
                p.packString(e.getKey());
                if (e.getValue() instanceof Map<?, ?> m) {
                    p.packMapHeader(m.size());
                    for (Map.Entry<?, ?> kv : m.entrySet()) {
                        p.packString(String.valueOf(kv.getKey()));
                        p.packString(String.valueOf(kv.getValue()));
                    }
                } else {
                    p.packString(e.getValue().toString());
                }
            }
            p.packString(EventFields.MESSAGE_KEYS.get(0));
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
    }
}
