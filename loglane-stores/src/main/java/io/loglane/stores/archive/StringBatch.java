package io.loglane.stores.archive;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.Arrays;
import org.duckdb.DuckDBWritableVector;

/**
 * One chunk's values of a VARCHAR column, packed end to end in one reused array (a length per
 * value, -1 for NULL), handed to DuckDB in one native call.
 *
 * <p>Why not {@link DuckDBWritableVector#setStringUtf8Batch}: it takes a {@code byte[]} per value,
 * then packs them into one array itself and calls the driver's batch binding
 * ({@code DuckDBBindings.duckdb_vector_assign_string_elements}: concatenated UTF-8, lengths, NULLs
 * as negative lengths; it validates the UTF-8 and sets the validity mask). Filling that binding's
 * input directly saves a {@code byte[]} and a copy per value, about 15 per staged row (measured in
 * the conversion's CPU per row, see {@code StagedRows}). The binding is package-private in the
 * driver, so it is looked up reflectively, once; the driver version is pinned by the build and
 * {@code StringBatchTest} fails if a new one drops it (then go back to {@code setStringUtf8Batch}).
 *
 * <p>Thread-safety: not thread-safe; used by the thread running the table function. The vector's
 * own lock is not taken: only that thread touches the chunk while the function fills it.
 */
final class StringBatch {
    private static final MethodHandle VECTOR_REF;
    private static final MethodHandle ASSIGN;

    static {
        try {
            MethodHandles.Lookup vector = MethodHandles.privateLookupIn(DuckDBWritableVector.class, MethodHandles.lookup());
            VECTOR_REF = vector.findGetter(DuckDBWritableVector.class, "vectorRef", ByteBuffer.class);
            Class<?> bindings = Class.forName("org.duckdb.DuckDBBindings");
            ASSIGN = MethodHandles.privateLookupIn(bindings, MethodHandles.lookup()).findStatic(bindings,
                    "duckdb_vector_assign_string_elements",
                    MethodType.methodType(void.class, ByteBuffer.class, long.class, byte[].class, long[].class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(new IllegalStateException(
                    "the DuckDB driver no longer has the string batch binding the archive uses", e));
        }
    }

    private byte[] data = new byte[64 * 1024];
    private final long[] lengths;
    private int size;
    private int count;

    /** A batch of at most {@code capacity} values (the chunk's capacity). */
    StringBatch(int capacity) { this.lengths = new long[capacity]; }

    int count() { return count; }

    /** Appends the UTF-8 value {@code b[off, off+len)}, which must be valid UTF-8. */
    void add(byte[] b, int off, int len) {
        if (data.length - size < len) {
            data = Arrays.copyOf(data, Math.max(size + len, data.length * 2));
        }
        System.arraycopy(b, off, data, size, len);
        size += len;
        lengths[count++] = len;
    }

    void addNull() { lengths[count++] = -1; }

    /**
     * Writes the values to rows {@code 0…count-1} of {@code v} and empties the batch.
     *
     * @throws SQLException from the driver, e.g. for invalid UTF-8
     */
    void writeTo(DuckDBWritableVector v) throws SQLException {
        // The binding takes the row count from the lengths array's length.
        long[] lens = count == lengths.length ? lengths : Arrays.copyOf(lengths, count);
        try {
            ASSIGN.invokeExact((ByteBuffer) VECTOR_REF.invokeExact(v), 0L, data, lens, size);
        } catch (RuntimeException | Error | SQLException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("assigning a string batch failed", e); // the binding throws no other
        }
        size = 0;
        count = 0;
    }
}
