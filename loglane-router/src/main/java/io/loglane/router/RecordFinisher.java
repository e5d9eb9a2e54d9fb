package io.loglane.router;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordFields;
import io.loglane.core.parse.MessageFields;
import io.loglane.core.parse.MessageView;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import io.loglane.core.parse.TypedFieldsMessage;
import java.nio.charset.StandardCharsets;

/**
 * Reads a routed record with its lane's parser, before the record is stored: the record's event
 * time becomes the one its message states ({@link RecordParser#eventTime}), and fields its message
 * holds are lifted into it ({@link RecordParser#liftedFields}, {@link MessageFields#lift}); read
 * with an input's parser, its typed fields too ({@link TypedFieldsMessage}). The
 * message is the one the {@link Classifier} already found for the record (with its JSON object if
 * routing decoded it), else it is looked up here (first string of {@link EventFields#MESSAGE_KEYS}).
 *
 * <p>Use: {@link #read} a record, then ask {@link #tsNanos()} and {@link #lifted()}, or
 * {@link #appendTo} a builder.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class RecordFinisher {
    private static final byte[][] MESSAGE_KEYS = EventFields.MESSAGE_KEYS.stream()
            .map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    private final RecordFields fields = new RecordFields();
    private final MessageView message;
    private long ts;
    private MessageFields liftFrom;
    private int liftedLength;
    private boolean unread;
    private ParsedFields scratch = new ParsedFields(0);
    private final TypedFieldsMessage typed = new TypedFieldsMessage();

    /** @param message the view shared with the {@link Classifier} */
    RecordFinisher(MessageView message) {
        this.message = message;
    }

    /**
     * Reads the record under {@code c} as its lane's {@code parser} does.
     *
     * @param classified true when {@code classifier} has just classified this very record
     */
    void read(RecordCursor c, RecordParser parser, Classifier classifier, boolean classified) {
        read(c, parser, classifier, classified, false);
    }

    /**
     * Reads the record under {@code c} with {@code parser}.
     *
     * @param liftTyped true for an input's parser: the typed fields it reads from the message
     *                  (nginx, regex, syslog) are lifted into the record too ({@link TypedFieldsMessage}),
     *                  because the record's lane may read it with another parser, or none, and its
     *                  stores then take those columns from the record ({@link RecordParser#fromRecord}).
     *                  A lane's own parser needs no lifting: its stores parse the message again.
     */
    void read(RecordCursor c, RecordParser parser, Classifier classifier, boolean classified, boolean liftTyped) {
        if (!(classified && classifier.messageKnown())) {
            lookUpMessage(c);
        }
        long t = parser.eventTime(message);
        ts = t >= 0 ? t : c.tsNanos();
        liftFrom = parser.liftedFields(message);
        boolean typedMatch = false;
        if (liftTyped && liftFrom == null && message.present() && matches(parser)) {
            typedMatch = true;
            if (typed.set(parser.fields(), scratch)) {
                liftFrom = typed;
            }
        }
        liftedLength = liftFrom == null ? -1 : liftFrom.lift(c.array(), c.recordOffset(), c.recordLength());
        unread = message.present() && t < 0 && liftFrom == null && !(liftTyped ? typedMatch : matches(parser));
    }

    /**
     * Whether the parser's typed fields match the message. Only asked when it stated no time and
     * lifted nothing: a time read from the message (an access line's, a syslog header's) already
     * says the parser read it, so the hot path of a matching lane does not parse twice.
     */
    private boolean matches(RecordParser parser) {
        if (parser.fields().isEmpty()) {
            return false;
        }
        if (scratch.size() < parser.fields().size()) {
            scratch = new ParsedFields(parser.fields().size());
        }
        return parser.parse(message.array(), message.offset(), message.length(), scratch);
    }

    /** True when the record has a message the parser read: it stated a time, had fields lifted, or matched. */
    boolean matched() { return message.present() && !unread; }

    /** True when the record has a message its lane's parser did not read: a parse failure, stored all the same. */
    boolean unread() { return unread; }

    /** The record's event time in its lane: the time its message states, else its own. */
    long tsNanos() { return ts; }

    /** True when the record gets fields lifted: it must be re-encoded ({@link #appendTo}), not patched. */
    boolean lifted() { return liftedLength >= 0; }

    /** True when the record is stored other than it came: another time, or fields lifted. */
    boolean changed(RecordCursor c) { return lifted() || ts != c.tsNanos(); }

    /** Appends the record as read (the last {@link #read}, of the record under {@code c}) to {@code out}. */
    void appendTo(RecordCursor c, RecordBlockBuilder out) {
        if (lifted()) {
            out.add(ts, liftFrom.liftedArray(), 0, liftedLength, c.array(), c.metaOffset(), c.metaLength());
        } else {
            out.addEncoded(c, ts);
        }
    }

    private void lookUpMessage(RecordCursor c) {
        for (byte[] key : MESSAGE_KEYS) {
            if (fields.find(c.array(), c.recordOffset(), c.recordLength(), key)) {
                message.set(c.array(), fields.valueOffset(), fields.valueLength());
                return;
            }
        }
        message.clear();
    }
}
