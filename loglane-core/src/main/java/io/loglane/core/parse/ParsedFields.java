package io.loglane.core.parse;

import java.util.Arrays;

/**
 * Reusable holder for one record's parsed values, indexed like {@link RecordParser#fields()}.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class ParsedFields {
    private final Object[] values;

    public ParsedFields(int size) { this.values = new Object[size]; }

    public void clear() { Arrays.fill(values, null); }
    public void set(int index, Object value) { values[index] = value; }
    public Object get(int index) { return values[index]; }
    public int size() { return values.length; }
}
