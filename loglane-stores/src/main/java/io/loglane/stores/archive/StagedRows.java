package io.loglane.stores.archive;

import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBDataChunkWriter;
import org.duckdb.DuckDBTableFunction;
import org.duckdb.DuckDBTableFunctionBindInfo;
import org.duckdb.DuckDBTableFunctionCallInfo;
import org.duckdb.DuckDBTableFunctionInitInfo;
import org.duckdb.DuckDBWritableVector;

/**
 * The staged-row layout and the DuckDB table function that reads a staging file back, chunk by
 * chunk, into DuckDB's vectors: the Parquet writer's input without a text format in between.
 * The layout of a staged row is declared in {@link StagedColumns} (written by {@link RowEncoder}
 * through {@link StagedRowWriter}); {@link #select} maps it onto the archive's columns.
 *
 * <p>Thread-safety: the function runs on the thread that executes the COPY (DuckDB runs with one
 * thread); {@link #source} is set by that same thread before the COPY.
 */
final class StagedRows implements DuckDBTableFunction<Object, StagedRows.Cursor, Object> {
    /** Name of the table function in the writer's private DuckDB. */
    static final String FUNCTION = "loglane_staged_rows";
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Staged keys of the leading strings (after the two longs {@code t}, {@code r}). */
    private static final String[] LEADING_STRINGS = StagedColumns.LEADING.stream()
            .filter(c -> c.kind() == StagedColumns.Kind.STRING).map(StagedColumns.Staged::key).toArray(String[]::new);
    private static final String[] LEADING_LONGS = StagedColumns.LEADING.stream()
            .filter(c -> c.kind() == StagedColumns.Kind.LONG).map(StagedColumns.Staged::key).toArray(String[]::new);

    static {
        // The cursor reads the longs first, then the strings: the declared order must match it.
        if (LEADING_LONGS.length != 2 || StagedColumns.LEADING.get(0).kind() != StagedColumns.Kind.LONG
                || StagedColumns.LEADING.get(1).kind() != StagedColumns.Kind.LONG) {
            throw new ExceptionInInitializerError("staged layout must start with the two longs t and r");
        }
    }
    private static final int READ_BYTES = 1 << 20;

    private final FieldType[] typed;
    private volatile Path source; // volatile: DuckDB may call back on a thread of its own
    private Cursor open;

    StagedRows(List<FieldDef> typedFields) {
        this.typed = typedFields.stream().map(FieldDef::type).toArray(FieldType[]::new);
    }

    /** The SELECT that turns {@link #FUNCTION}'s output into the archive's columns for {@code lane}. */
    static String select(String lane, List<FieldDef> typedFields) {
        return StagedColumns.select(lane, typedFields, FUNCTION);
    }

    /** The staging file the next call of the function reads. */
    void source(Path file) { this.source = file; }

    /** Closes the file the last call opened (also when the COPY failed half-way). */
    void closeSource() throws IOException {
        if (open != null) {
            open.in.close();
            open = null;
        }
    }

    @Override
    public Object bind(DuckDBTableFunctionBindInfo info) {
        for (String l : LEADING_LONGS) {
            info.addResultColumn(l, DuckDBColumnType.BIGINT);
        }
        for (String s : LEADING_STRINGS) {
            info.addResultColumn(s, DuckDBColumnType.VARCHAR);
        }
        for (int k = 0; k < typed.length; k++) {
            info.addResultColumn(StagedColumns.typedKey(k), switch (typed[k]) {
                case STRING -> DuckDBColumnType.VARCHAR;
                case LONG -> DuckDBColumnType.BIGINT;
                case DOUBLE -> DuckDBColumnType.DOUBLE;
            });
        }
        info.addResultColumn(StagedColumns.ATTRS.key(), DuckDBColumnType.VARCHAR);
        return null;
    }

    @Override
    public Cursor init(DuckDBTableFunctionInitInfo info) throws IOException {
        info.setMaxThreads(1);
        closeSource();
        open = new Cursor(Files.newInputStream(source), typed);
        return open;
    }

    @Override
    public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) throws IOException, SQLException {
        return info.<Cursor>getInitData().fill(out);
    }

    /**
     * Reads staged rows from one file, a chunk at a time, into column buffers; closes the file at
     * its end. String values are copied once, from the read buffer into their column's
     * {@link StringBatch}: no object per value.
     */
    static final class Cursor {
        private final InputStream in;
        private final FieldType[] typed;
        private byte[] buf = new byte[READ_BYTES];
        private int pos;
        private int limit;
        private boolean eof;
        private int capacity;
        private long[] ts;
        private long[] received;
        /**
         * String columns by their place after the two longs: the leading strings, then typed
         * field k at {@code LEADING_STRINGS.length + k} (null when it is not a string), then attrs.
         */
        private StringBatch[] strings;
        /** Typed BIGINT/DOUBLE values (DOUBLE as raw bits) and their presence, by typed field. */
        private long[][] numbers;
        private boolean[][] present;

        Cursor(InputStream in, FieldType[] typed) {
            this.in = in;
            this.typed = typed;
        }

        long fill(DuckDBDataChunkWriter out) throws IOException, SQLException {
            int cap = (int) out.capacity();
            if (cap != capacity) {
                allocate(cap);
            }
            int rows = 0;
            while (rows < cap && more()) {
                readRow(rows++);
            }
            if (rows == 0) {
                in.close();
                return 0;
            }
            DuckDBWritableVector t = out.vector(0);
            DuckDBWritableVector r = out.vector(1);
            for (int i = 0; i < rows; i++) {
                t.setLong(i, ts[i]);
                r.setLong(i, received[i]);
            }
            for (int c = 0; c < strings.length; c++) {
                if (strings[c] != null) {
                    strings[c].writeTo(out.vector(2 + c));
                } else {
                    int k = c - LEADING_STRINGS.length;
                    writeNumbers(out.vector(2 + c), typed[k], numbers[k], present[k], rows);
                }
            }
            return rows;
        }

        private void allocate(int cap) {
            capacity = cap;
            ts = new long[cap];
            received = new long[cap];
            strings = new StringBatch[LEADING_STRINGS.length + typed.length + 1];
            numbers = new long[typed.length][];
            present = new boolean[typed.length][];
            for (int c = 0; c < strings.length; c++) {
                int k = c - LEADING_STRINGS.length;
                if (k >= 0 && k < typed.length && typed[k] != FieldType.STRING) {
                    numbers[k] = new long[cap];
                    present[k] = new boolean[cap];
                } else {
                    strings[c] = new StringBatch(cap);
                }
            }
        }

        /** Reads one row in {@link StagedColumns} order: t, r, leading strings, typed values, attrs. */
        private void readRow(int row) throws IOException {
            ts[row] = readLong();
            received[row] = readLong();
            for (int c = 0; c < strings.length; c++) {
                if (strings[c] != null) {
                    readString(strings[c]);
                } else {
                    int k = c - LEADING_STRINGS.length;
                    boolean has = readByte() != 0;
                    present[k][row] = has;
                    if (has) {
                        numbers[k][row] = readLong();
                    }
                }
            }
        }

        private static void writeNumbers(DuckDBWritableVector v, FieldType type, long[] values, boolean[] has, int rows) {
            for (int i = 0; i < rows; i++) {
                if (!has[i]) {
                    v.setNull(i);
                } else if (type == FieldType.LONG) {
                    v.setLong(i, values[i]);
                } else {
                    v.setDouble(i, Double.longBitsToDouble(values[i]));
                }
            }
        }

        private boolean more() throws IOException {
            return pos < limit || (!eof && refill(1));
        }

        private long readLong() throws IOException {
            need(8);
            long v = (long) LONGS.get(buf, pos);
            pos += 8;
            return v;
        }

        private byte readByte() throws IOException {
            need(1);
            return buf[pos++];
        }

        private void readString(StringBatch into) throws IOException {
            need(4);
            int len = (int) INTS.get(buf, pos);
            pos += 4;
            if (len < 0) {
                into.addNull();
                return;
            }
            need(len);
            into.add(buf, pos, len);
            pos += len;
        }

        private void need(int n) throws IOException {
            if (limit - pos < n && !refill(n)) {
                throw new IOException("staging file ends inside a row");
            }
        }

        /** Makes at least {@code n} bytes available from {@code pos}; false at end of file. */
        private boolean refill(int n) throws IOException {
            if (n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            while (limit < n) {
                int got = in.read(buf, limit, buf.length - limit);
                if (got < 0) {
                    eof = true;
                    return false;
                }
                limit += got;
            }
            return true;
        }
    }
}
