package io.loglane.inputs.forward;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Decodes a {@link RecordBlock} back into comparable values for assertions. */
record Events(long tsNanos, String meta, String record) {
    static List<Events> of(RecordBlock block) {
        List<Events> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            String meta = c.metaLength() == 0 ? null : json(c.array(), c.metaOffset(), c.metaLength());
            out.add(new Events(c.tsNanos(), meta, json(c.array(), c.recordOffset(), c.recordLength())));
        }
        return out;
    }

    /** The single msgpack value in {@code b[off, off+len)} as JSON; fails if bytes are left over. */
    static String json(byte[] b, int off, int len) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b, off, len)) {
            String s = u.unpackValue().toJson();
            if (u.hasNext()) {
                throw new AssertionError("trailing bytes after the value");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Events ev(long sec, long nanos, String record) { return new Events(sec * 1_000_000_000L + nanos, null, record); }
}
