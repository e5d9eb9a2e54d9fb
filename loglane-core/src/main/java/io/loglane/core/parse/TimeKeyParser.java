package io.loglane.core.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * A parser step with {@code time_key} (and {@code time_format}): the event time is the value of
 * that field, as the format writes it ({@link TimeFormat}); when the message lacks the field or its
 * value is not such a time, the step's own time ({@link RecordParser#eventTime}) still applies.
 * For a lifting step ({@code json}, {@code logfmt}) the field is one of the message's own; for the
 * others one of its typed fields. Everything else is the wrapped parser's.
 *
 * <p>Thread-safety: thread-safe (the parse scratch is per thread).
 */
final class TimeKeyParser implements RecordParser {
    private final RecordParser inner;
    private final String key;
    private final int field;
    private final TimeFormat format;
    private final ThreadLocal<ParsedFields> scratch;

    /** @throws IllegalArgumentException when a non-lifting parser has no field named {@code key} */
    TimeKeyParser(RecordParser inner, String key, TimeFormat format, boolean lifting) {
        this.inner = inner;
        this.key = key;
        this.format = format;
        List<String> names = inner.fields().stream().map(FieldDef::name).toList();
        this.field = names.indexOf(key);
        if (!lifting && field < 0) {
            throw new IllegalArgumentException("time_key \"" + key + "\" is not a field of " + inner.name()
                    + " (fields: " + String.join(", ", names) + ")");
        }
        int size = inner.fields().size();
        this.scratch = ThreadLocal.withInitial(() -> new ParsedFields(size));
    }

    @Override
    public String name() { return inner.name(); }

    @Override
    public List<FieldDef> fields() { return inner.fields(); }

    @Override
    public boolean parse(CharSequence message, ParsedFields out) { return inner.parse(message, out); }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) { return inner.parse(b, off, len, out); }

    @Override
    public MessageFields liftedFields(MessageView message) { return inner.liftedFields(message); }

    @Override
    public long eventTime(MessageView message) {
        long t = keyed(message);
        return t >= 0 ? t : inner.eventTime(message);
    }

    private long keyed(MessageView message) {
        if (!message.present()) {
            return -1;
        }
        if (field < 0) {
            MessageFields f = inner.liftedFields(message);
            return f == null ? -1 : fromMap(f.fieldsArray(), f.fieldsLength());
        }
        ParsedFields p = scratch.get();
        if (!inner.parse(message.array(), message.offset(), message.length(), p)) {
            return -1;
        }
        return switch (p.form(field)) {
            case UTF8 -> format.parse(p.utf8Source(field), p.utf8Offset(field), p.utf8Length(field));
            case LONG -> EventTimeParser.fromLong(p.longAt(field));
            case DOUBLE -> EventTimeParser.fromNumber(p.doubleAt(field));
            case OBJECT -> p.get(field) == null ? -1 : format.parse(p.get(field).toString());
        };
    }

    /** The time in the msgpack map's entry {@link #key}: a string as the format writes it, or an epoch number. */
    private long fromMap(byte[] map, int len) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(map, 0, len)) {
            int n = u.unpackMapHeader();
            for (int i = 0; i < n; i++) {
                if (u.getNextFormat().getValueType() != ValueType.STRING) {
                    u.skipValue(2);
                    continue;
                }
                String k = u.unpackString();
                if (!k.equals(key)) {
                    u.skipValue();
                    continue;
                }
                return switch (u.getNextFormat().getValueType()) {
                    case STRING -> format.parse(u.unpackString());
                    case INTEGER -> EventTimeParser.fromLong(u.unpackLong());
                    case FLOAT -> EventTimeParser.fromNumber(u.unpackDouble());
                    default -> -1;
                };
            }
        } catch (IOException | MessagePackException e) {
            return -1;
        }
        return -1;
    }
}
