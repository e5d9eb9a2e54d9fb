package io.loglane.core.parse;

import java.util.List;

/**
 * Reads a record's message for a lane (the lane's {@code parser:}): typed fields, which stores
 * derive their schema from ({@link #fields()}, fixed per parser); and, applied by the router when
 * it routes a record to the lane, the event's own time ({@link #eventTime}) and fields the message
 * holds ({@link #liftedFields}).
 *
 * <p>Thread-safety: implementations are stateless or thread-safe; {@link ParsedFields} is per caller.
 */
public interface RecordParser {
    /** The name used in configuration, e.g. {@code nginx_combined}. */
    String name();

    /** The typed fields this parser can fill, in column order. */
    List<FieldDef> fields();

    /**
     * Parses {@code message}. On success fills {@code out} (indexes as in {@link #fields()}, values
     * String, Long or Double, or null when absent) and returns true; on no match returns false
     * and leaves {@code out} cleared.
     */
    boolean parse(CharSequence message, ParsedFields out);

    /**
     * Parses the UTF-8 message in {@code b[off, off+len)}; same contract as
     * {@link #parse(CharSequence, ParsedFields)}. Stores hold messages as bytes: parsers that scan
     * bytes override this so the hot path does not decode the whole line only to re-encode it.
     */
    default boolean parse(byte[] b, int off, int len, ParsedFields out) {
        return parse(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8), out);
    }

    /**
     * The event time the message states, in nanoseconds since the epoch, or -1 when it states none
     * this parser reads (the default). The router sets the time of every record it sends to a lane
     * with this parser from it, before the record is stored: archive partitions, queries and every
     * later store follow the event's own time rather than its arrival or collection time.
     */
    default long eventTime(MessageView message) {
        return -1;
    }

    /**
     * Fields the message holds that the router lifts into the record when it sends the record to a
     * lane with this parser ({@link MessageFields#lift}), or null for none (the default). The
     * {@code json} parser lifts a JSON object's fields, {@code logfmt} its pairs.
     */
    default MessageFields liftedFields(MessageView message) {
        return null;
    }

    /**
     * The names of {@link #fields()} this parser does not read from the message: the typed columns
     * a lane gets from its inputs' parsers, which lift them into the record before routing
     * ({@link RecordFieldsParser}). A store takes such a column from the record's field of that
     * name. None by default.
     */
    default java.util.Set<String> fromRecord() {
        return java.util.Set.of();
    }
}
