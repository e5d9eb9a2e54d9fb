package io.loglane.inputs.http;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.RecordBlock;
import io.loglane.inputs.tail.LineReader;
import io.loglane.inputs.tail.LineRecords;
import io.loglane.inputs.tail.LineSplitter;

/**
 * Decodes a {@code text/plain} HTTP ingest body (raw log lines, as {@code ./loglane import} sends
 * a file) into a {@link RecordBlock}, through the file tail's own line path: {@link LineSplitter}
 * splits it and {@link LineRecords} makes each line the record {@code {"log": <line>}} (with
 * {@code "log_type": <value>} first when one is given), so the router parses and routes these
 * lines exactly as tailed ones.
 *
 * <ul>
 *   <li>Lines end at {@code '\n'}; a {@code '\r'} before it is dropped; the last line needs no
 *       newline; empty lines are skipped (counted as {@link Decoded#blank}).</li>
 *   <li>A line longer than {@code maxLineBytes} (its {@code '\r'} included) is cut there and stored
 *       with {@code "truncated": true}.</li>
 *   <li>A line that is not UTF-8 is stored with each bad byte replaced by U+FFFD; one holding NUL
 *       bytes is stored as it is (both counted).</li>
 *   <li>Every record is stamped with the receive time; a lane's parser may set the event time from
 *       the line.</li>
 * </ul>
 * A body of blank lines only decodes to an empty block. The decoding is a function of the bytes
 * and the parameters, so a resent body makes the same records.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
public final class TextBodyDecoder {
    private TextBodyDecoder() {}

    /**
     * The records of a body and what was done to its lines.
     *
     * @param lines       lines in the body, blank ones included
     * @param blank       empty lines, skipped
     * @param truncated   lines cut at the maximum
     * @param invalidUtf8 lines whose bad bytes were replaced
     * @param binary      lines holding NUL bytes
     */
    public record Decoded(RecordBlock block, int lines, int blank, int truncated, int invalidUtf8, int binary) {}

    /**
     * @param body            the request body; only {@code body[0, len)} is read
     * @param maxLineBytes    longest line stored whole
     * @param logType         value of {@code log_type} on every record, or null for none
     * @param receivedAtNanos the records' time
     */
    public static Decoded decode(byte[] body, int len, int maxLineBytes, String logType, long receivedAtNanos) {
        if (len < 0 || len > body.length) {
            throw new IllegalArgumentException("len " + len + " outside the body");
        }
        LineRecords records = new LineRecords(len + len / 4 + 64);
        records.begin(logType == null ? LineRecords.prefix() : LineRecords.prefix(EventFields.LOG_TYPE, logType), receivedAtNanos);
        Lines lines = new Lines(records);
        new LineSplitter(maxLineBytes).split(body, 0, len, false, true, lines);
        return new Decoded(records.take(), lines.lines, lines.blank, records.truncated(), records.invalidUtf8(), records.binary());
    }

    /** Drops each whole line's {@code '\r'} and skips empty lines on the way to the records. */
    private static final class Lines implements LineReader.LineSink {
        private final LineRecords records;
        int lines;
        int blank;

        Lines(LineRecords records) { this.records = records; }

        @Override
        public void line(byte[] buf, int off, int len, boolean truncated) {
            lines++;
            if (!truncated && len > 0 && buf[off + len - 1] == '\r') {
                len--;
            }
            if (len == 0) {
                blank++;
                return;
            }
            records.line(buf, off, len, truncated);
        }
    }
}
