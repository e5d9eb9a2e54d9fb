package io.loglane.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBStruct;

/**
 * Converts JDBC values from DuckDB into JSON-friendly Java values (see {@link QueryResult}).
 * Timestamps are read as {@link LocalDateTime} (DuckDB TIMESTAMP is UTC wall time), never through
 * {@link java.sql.Timestamp}, so the JVM's time zone cannot shift them.
 *
 * <p>Thread-safety: stateless.
 */
final class ValueMapper {
    private ValueMapper() {}

    static Object read(ResultSet rs, int col, String type) throws SQLException {
        if (type.startsWith("TIMESTAMP WITH TIME ZONE")) {
            OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
            return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.toInstant());
        }
        if (type.startsWith("TIMESTAMP")) {
            LocalDateTime t = rs.getObject(col, LocalDateTime.class);
            return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.toInstant(ZoneOffset.UTC));
        }
        return convert(rs.getObject(col));
    }

    static Object convert(Object o) throws SQLException {
        return switch (o) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i;
            case Short s -> s.intValue();
            case Byte b -> b.intValue();
            case BigInteger b -> b;
            case BigDecimal b -> b;
            case Double d -> Double.isFinite(d) ? d : d.toString();
            case Float f -> Float.isFinite(f) ? f.doubleValue() : f.toString();
            case Blob b -> Base64.getEncoder().encodeToString(b.getBytes(1, (int) b.length()));
            case byte[] b -> Base64.getEncoder().encodeToString(b);
            case Array a -> list((Object[]) a.getArray());
            case DuckDBStruct s -> map(s.getMap());
            case Map<?, ?> m -> map(m);
            case Object[] a -> list(a);
            case OffsetDateTime t -> DateTimeFormatter.ISO_INSTANT.format(t.toInstant());
            case LocalDateTime t -> DateTimeFormatter.ISO_INSTANT.format(t.toInstant(ZoneOffset.UTC));
            case TemporalAccessor t -> t.toString(); // dates, times
            default -> o.toString(); // JSON text, UUID, INTERVAL, enums
        };
    }

    private static List<Object> list(Object[] a) throws SQLException {
        List<Object> out = new ArrayList<>(a.length);
        for (Object o : a) {
            out.add(convert(o));
        }
        return out;
    }

    private static Map<String, Object> map(Map<?, ?> m) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.put(String.valueOf(e.getKey()), convert(e.getValue()));
        }
        return out;
    }
}
