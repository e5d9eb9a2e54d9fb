package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.stores.duckdb.DuckDbDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.duckdb.DuckDBFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staged rows read back by the table function: every value, NULL and row, across chunk boundaries. */
class StagedRowsTest {
    private static final List<FieldDef> TYPED = List.of(
            new FieldDef("path", FieldType.STRING), new FieldDef("status", FieldType.LONG),
            new FieldDef("rt", FieldType.DOUBLE));
    private static final int LEADING_STRINGS = 6; // g m h ci cn s

    @TempDir
    Path dir;

    @Test
    void everyValueAndNullComesBackInRowOrderAcrossChunks() throws Exception {
        int rows = 5000; // DuckDB's chunks hold 2048 rows: two full chunks and a partial one
        String big = "x".repeat(200_000); // larger than a string batch's initial array and the read buffer's refill
        Path file = dir.resolve("0.rows");
        try (StagedRowWriter w = new StagedRowWriter(Files.newOutputStream(file))) {
            for (int i = 0; i < rows; i++) {
                w.putLong(i);
                w.putLong(1000L + i);
                for (int c = 0; c < LEADING_STRINGS; c++) {
                    String v = value(i, c, big);
                    if (v == null) {
                        w.putNull();
                    } else {
                        w.putString(v);
                    }
                }
                String path = value(i, 7, big);
                if (path == null) {
                    w.putNull();
                } else {
                    w.putString(path);
                }
                w.putPresent(i % 3 != 0);
                if (i % 3 != 0) {
                    w.putLong(200 + i);
                }
                w.putPresent(i % 4 != 0);
                if (i % 4 != 0) {
                    w.putDouble(i / 8.0);
                }
                w.putNull(); // attrs
            }
        }

        List<String> got = new ArrayList<>();
        try (Connection conn = DuckDbDriver.connect()) {
            StagedRows staged = new StagedRows(TYPED);
            DuckDBFunctions.tableFunction().withName(StagedRows.FUNCTION).withFunction(staged).register(conn);
            staged.source(file);
            try (Statement s = conn.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM " + StagedRows.FUNCTION + "()")) {
                while (rs.next()) {
                    String[] row = new String[rs.getMetaData().getColumnCount()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = rs.getString(c + 1);
                    }
                    got.add(Arrays.toString(row));
                }
            } finally {
                staged.closeSource();
            }
        }

        List<String> want = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            List<String> row = new ArrayList<>(List.of(Long.toString(i), Long.toString(1000L + i)));
            for (int c = 0; c < LEADING_STRINGS; c++) {
                row.add(value(i, c, big));
            }
            row.add(value(i, 7, big));
            row.add(i % 3 != 0 ? Long.toString(200 + i) : null);
            row.add(i % 4 != 0 ? Double.toString(i / 8.0) : null);
            row.add(null);
            want.add(Arrays.toString(row.toArray()));
        }
        assertThat(got).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            assertThat(got.get(i)).as("row %d", i).isEqualTo(want.get(i));
        }
    }

    /** Column {@code c}'s value in row {@code i}: NULLs, empty strings, non-ASCII text and a few very long values. */
    private static String value(int i, int c, String big) {
        if ((i + c) % 7 == 0) {
            return null;
        }
        if ((i + c) % 11 == 0) {
            return "";
        }
        if (i % 1500 == 3 && c == 1) {
            return big + i;
        }
        String v = "c" + c + "-r" + i;
        return (i + c) % 5 == 0 ? v + " ✓ ünïcödé" : v;
    }
}
