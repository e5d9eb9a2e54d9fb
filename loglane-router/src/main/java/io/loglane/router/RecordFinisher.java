package io.loglane.router;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordFields;
import io.loglane.core.parse.MessageView;
import io.loglane.core.parse.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * Reads a routed record with its lane's parser, before the record is stored: the record's event
 * time becomes the one its message states ({@link RecordParser#eventTime}), when it states one.
 * The message is the one the {@link Classifier} already found for the record when it looked, else
 * it is looked up here (first string of {@link EventFields#MESSAGE_KEYS}).
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class RecordFinisher {
    private static final byte[][] MESSAGE_KEYS = EventFields.MESSAGE_KEYS.stream()
            .map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    private final RecordFields fields = new RecordFields();
    private final MessageView view = new MessageView();

    /**
     * @param parser     the parser of the record's lane
     * @param classifier the classifier, positioned on this record when {@code classified}
     * @return the record's event time in that lane: the time its message states, else its own
     */
    long eventTime(RecordCursor c, RecordParser parser, Classifier classifier, boolean classified) {
        MessageView m = message(c, classifier, classified);
        long ts = parser.eventTime(m);
        return ts >= 0 ? ts : c.tsNanos();
    }

    private MessageView message(RecordCursor c, Classifier classifier, boolean classified) {
        if (classified && classifier.messageKnown()) {
            return classifier.messageOffset() < 0 ? view.clear()
                    : view.set(c.array(), classifier.messageOffset(), classifier.messageLength());
        }
        for (byte[] key : MESSAGE_KEYS) {
            if (fields.find(c.array(), c.recordOffset(), c.recordLength(), key)) {
                return view.set(c.array(), fields.valueOffset(), fields.valueLength());
            }
        }
        return view.clear();
    }
}
