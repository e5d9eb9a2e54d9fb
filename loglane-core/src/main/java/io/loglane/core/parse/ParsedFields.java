package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reusable holder for one record's parsed values, indexed like {@link RecordParser#fields()}.
 *
 * <p>A value is held in one of four forms so a parser on the hot path allocates nothing per
 * field: an object ({@link #set}: String, Long, Double or null), a UTF-8 slice of the parsed
 * bytes ({@link #setUtf8}), a primitive long ({@link #setLong}) or a primitive double
 * ({@link #setDouble}). {@link #get} always answers with an object (decoding or boxing on
 * demand); writers that can take the primitive forms ask {@link #form} first. A slice refers to
 * the caller's bytes: it is valid until they change, so read it before parsing the next record.
 *
 * <p>A {@linkplain #remap remapping} lets one parser of a chain ({@link ParserChain}) write its
 * own field indexes into the chain's wider holder without a copy.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class ParsedFields {
    /** How a value is held. */
    public enum Form { OBJECT, UTF8, LONG, DOUBLE }

    private final Object[] values;
    private final Form[] forms;
    private final long[] longs;
    private final double[] doubles;
    private final byte[][] sources;
    private final int[] offsets;
    private final int[] lengths;
    /** While set, index {@code i} given to a setter means {@code map[i]}. */
    private int[] map;

    public ParsedFields(int size) {
        this.values = new Object[size];
        this.forms = new Form[size];
        this.longs = new long[size];
        this.doubles = new double[size];
        this.sources = new byte[size][];
        this.offsets = new int[size];
        this.lengths = new int[size];
        clear();
    }

    public void clear() {
        Arrays.fill(values, null);
        Arrays.fill(forms, Form.OBJECT);
        Arrays.fill(sources, null);
    }

    /**
     * Until the next call, setters take {@code index} as {@code map[index]} (a chain's parser writing
     * its own field numbers into the chain's holder); null restores direct indexes. Getters and
     * {@link #clear} always see the whole holder.
     */
    public void remap(int[] map) {
        this.map = map;
    }

    private int slot(int index) {
        return map == null ? index : map[index];
    }

    public void set(int index, Object value) {
        index = slot(index);
        forms[index] = Form.OBJECT;
        values[index] = value;
        sources[index] = null;
    }

    /** Sets the value to the UTF-8 text {@code b[off, off+len)}, without copying it. */
    public void setUtf8(int index, byte[] b, int off, int len) {
        index = slot(index);
        forms[index] = Form.UTF8;
        values[index] = null;
        sources[index] = b;
        offsets[index] = off;
        lengths[index] = len;
    }

    public void setLong(int index, long value) {
        index = slot(index);
        forms[index] = Form.LONG;
        values[index] = null;
        sources[index] = null;
        longs[index] = value;
    }

    public void setDouble(int index, double value) {
        index = slot(index);
        forms[index] = Form.DOUBLE;
        values[index] = null;
        sources[index] = null;
        doubles[index] = value;
    }

    /** The value as an object: String, Long, Double, or null when absent. */
    public Object get(int index) {
        return switch (forms[index]) {
            case OBJECT -> values[index];
            case UTF8 -> new String(sources[index], offsets[index], lengths[index], StandardCharsets.UTF_8);
            case LONG -> longs[index];
            case DOUBLE -> doubles[index];
        };
    }

    public Form form(int index) { return forms[index]; }

    /** For {@link Form#UTF8}: the bytes, offset and length of the text. */
    public byte[] utf8Source(int index) { return sources[index]; }
    public int utf8Offset(int index) { return offsets[index]; }
    public int utf8Length(int index) { return lengths[index]; }

    /** For {@link Form#LONG}. */
    public long longAt(int index) { return longs[index]; }

    /** For {@link Form#DOUBLE}. */
    public double doubleAt(int index) { return doubles[index]; }

    public int size() { return values.length; }
}
