package io.loglane.core.parse;

import java.util.List;

/**
 * Turns a record's message into typed fields (a lane's {@code parser:}). The set of fields is
 * fixed per parser, so stores can derive a schema from {@link #fields()}.
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
}
