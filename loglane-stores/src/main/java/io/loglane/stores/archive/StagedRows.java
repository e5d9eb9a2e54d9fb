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
        open = new Cursor(Files.newInputStream(source), typed.length);
        return open;
    }

    @Override
    public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) throws IOException {
        return info.<Cursor>getInitData().fill(out, typed);
    }

    /** Reads staged rows from one file; closes it at its end. */
    static final class Cursor {
        private final InputStream in;
        private byte[] buf = new byte[READ_BYTES];
        private int pos;
        private int limit;
        private boolean eof;
        private long[] ts = new long[0];
        private long[] received = new long[0];
        private byte[][][] strings;
        private long[][] longs;
        private double[][] doubles;
        private boolean[][] present;

        Cursor(InputStream in, int typedCount) {
            this.in = in;
            int stringColumns = LEADING_STRINGS.length + typedCount + 1;
            strings = new byte[stringColumns][0][];
            longs = new long[typedCount][0];
            doubles = new double[typedCount][0];
            present = new boolean[typedCount][0];
        }

        long fill(DuckDBDataChunkWriter out, FieldType[] typed) throws IOException {
            int cap = (int) out.capacity();
            if (ts.length < cap) {
                ts = new long[cap];
                received = new long[cap];
                for (int c = 0; c < strings.length; c++) {
                    strings[c] = new byte[cap][];
                }
                for (int k = 0; k < typed.length; k++) {
                    longs[k] = new long[cap];
                    doubles[k] = new double[cap];
                    present[k] = new boolean[cap];
                }
            }
            int rows = 0;
            while (rows < cap && more()) {
                ts[rows] = readLong();
                received[rows] = readLong();
                for (int c = 0; c < LEADING_STRINGS.length; c++) {
                    strings[c][rows] = readString();
                }
                for (int k = 0; k < typed.length; k++) {
                    if (typed[k] == FieldType.STRING) {
                        strings[LEADING_STRINGS.length + k][rows] = readString();
                    } else {
                        boolean has = readByte() != 0;
                        present[k][rows] = has;
                        if (has) {
                            long v = readLong();
                            longs[k][rows] = v;
                            doubles[k][rows] = Double.longBitsToDouble(v);
                        }
                    }
                }
                strings[strings.length - 1][rows] = readString();
                rows++;
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
            for (int c = 0; c < LEADING_STRINGS.length; c++) {
                setStrings(out.vector(2 + c), strings[c], rows);
            }
            for (int k = 0; k < typed.length; k++) {
                DuckDBWritableVector v = out.vector(2 + LEADING_STRINGS.length + k);
                switch (typed[k]) {
                    case STRING -> setStrings(v, strings[LEADING_STRINGS.length + k], rows);
                    case LONG -> {
                        for (int i = 0; i < rows; i++) {
                            if (present[k][i]) {
                                v.setLong(i, longs[k][i]);
                            } else {
                                v.setNull(i);
                            }
                        }
                    }
                    case DOUBLE -> {
                        for (int i = 0; i < rows; i++) {
                            if (present[k][i]) {
                                v.setDouble(i, doubles[k][i]);
                            } else {
                                v.setNull(i);
                            }
                        }
                    }
                }
            }
            setStrings(out.vector(2 + LEADING_STRINGS.length + typed.length), strings[strings.length - 1], rows);
            return rows;
        }

        private static void setStrings(DuckDBWritableVector v, byte[][] values, int rows) {
            // One native call per column and chunk (NULL entries become NULL); the array is reused.
            v.setStringUtf8Batch(0, rows == values.length ? values : Arrays.copyOf(values, rows));
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

        private byte[] readString() throws IOException {
            need(4);
            int len = (int) INTS.get(buf, pos);
            pos += 4;
            if (len < 0) {
                return null;
            }
            need(len);
            byte[] s = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return s;
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
