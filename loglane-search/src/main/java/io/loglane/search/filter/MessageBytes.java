package io.loglane.search.filter;

import io.loglane.core.event.RecordView;

/**
 * Where a record's message lies in its bytes: the text that terms, standalone regexes and
 * space-delimited patterns read. A record without a message (a structured record that carries
 * none of {@link io.loglane.core.event.EventFields#MESSAGE_KEYS}, or one that is not a map) reads
 * as the empty text, as its {@code message} column is NULL in every store.
 *
 * <p>Thread-safety: not thread-safe; one per matcher, reset per record.
 */
final class MessageBytes {
    byte[] array;
    int offset;
    int length;

    MessageBytes of(RecordView view) {
        int m = view.message();
        array = view.array();
        if (m < 0) {
            offset = 0;
            length = 0;
        } else {
            // the header read by hand: RecordView.stringLength's unpacker reset allocates per call
            offset = view.valueStart(m) + MsgpackReader.stringHeader(array, view.valueStart(m));
            length = view.valueEnd(m) - offset;
        }
        return this;
    }
}
