package io.loglane.stores.index;

/**
 * The field names of a day index (FORMAT.md, "Fields"): the ones every document has, and the
 * prefixes of a record's left-over top-level fields. Searchers and the mapper use only these.
 *
 * <p>Thread-safety: constants only.
 */
public final class IndexFields {
    private IndexFields() {}

    /** Stream offset: an 8-byte big-endian term (the redelivery key) and a numeric doc value. */
    public static final String OFFSET = "_offset";
    /** Event time, epoch nanoseconds UTC: a long point and a numeric doc value; the index sort, newest first. */
    public static final String TS = "ts";
    /** The message: words (StandardAnalyzer, lower-cased, no stop words) and, as a binary doc value, its UTF-8 bytes. */
    public static final String MESSAGE = "message";
    /** The message's byte trigrams, case-sensitive, docs only: substring candidates. */
    public static final String TRIGRAMS = "_trigrams";
    /** The record as stored in the stream (its msgpack map), a stored field: what a hit shows. */
    public static final String SOURCE = "_source";
    /** When loglane received the batch, epoch microseconds: a numeric doc value. */
    public static final String RECEIVED_AT = "received_at";
    /** The batch tag: a keyword. */
    public static final String TAG = "tag";
    /** Left-over top-level record fields, by value type: {@code attrs.<key>} keyword, … */
    public static final String ATTRS_KEYWORD = "attrs.";
    /** … {@code attrs#long.<key>} integers … */
    public static final String ATTRS_LONG = "attrs#long.";
    /** … and {@code attrs#double.<key>} floating-point numbers. */
    public static final String ATTRS_DOUBLE = "attrs#double.";

    /** Keyword values longer than this are not indexed as terms (Lucene refuses terms over 32 766 bytes); the record keeps them. */
    public static final int MAX_KEYWORD_BYTES = 4096;

    /**
     * The text of stored bytes. Not {@code BytesRef.utf8ToString}: that assumes valid UTF-8 (an assertion, or
     * wrong characters and an index error without assertions), and a log line's bytes need not be; each
     * malformed sequence becomes U+FFFD here.
     */
    static String text(org.apache.lucene.util.BytesRef b) {
        return new String(b.bytes, b.offset, b.length, java.nio.charset.StandardCharsets.UTF_8);
    }
}
