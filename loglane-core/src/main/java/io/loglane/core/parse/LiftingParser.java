package io.loglane.core.parse;

import java.util.List;
import java.util.Map;

/**
 * {@code json} and {@code logfmt}: a message holding fields of its own (a JSON object, logfmt
 * pairs) has them lifted into the record when the router sends it to the lane ({@link FieldLifter}),
 * and its time field becomes the event time; the original line stays the message. Other records,
 * and records already structured (Forward maps, NDJSON objects), are stored as they are.
 *
 * <p>Typed fields: only those declared ({@code types}); their values come from the record's
 * (lifted) fields of the same name, converted to the type ({@link io.loglane.core.event.RecordView}),
 * which is why {@link #parse} never claims a match: the fields are as many as the applications
 * log, so undeclared ones live in {@code attrs}.
 *
 * <p>Thread-safety: immutable, thread-safe.
 *
 * @param name   {@code json} or {@code logfmt}
 * @param fields the declared typed fields
 */
record LiftingParser(String name, List<FieldDef> fields) implements RecordParser {
    static final String LOGFMT = "logfmt";

    LiftingParser {
        fields = List.copyOf(fields);
    }

    static LiftingParser of(String name, Map<String, FieldType> types) {
        return new LiftingParser(name, types.entrySet().stream().map(e -> new FieldDef(e.getKey(), e.getValue())).toList());
    }

    @Override
    public boolean parse(CharSequence message, ParsedFields out) {
        out.clear();
        return false;
    }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        return false;
    }

    @Override
    public long eventTime(MessageView message) {
        MessageFields f = liftedFields(message);
        return f == null ? -1 : f.timeNanos();
    }

    @Override
    public MessageFields liftedFields(MessageView message) {
        return name.equals(LOGFMT) ? (message.present() ? message.logfmt() : null) : message.json();
    }
}
