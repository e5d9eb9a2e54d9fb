package io.loglane.stores.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** The child process of {@link KilledProcessLeavesNoLibraryTest}: opens DuckDB, says so, and waits to be killed. */
public final class DuckDbChild {
    static final String READY = "duckdb-ready";

    private DuckDbChild() {}

    public static void main(String[] args) throws Exception {
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(120_000); // bounded: the test kills it long before
        }
    }
}
