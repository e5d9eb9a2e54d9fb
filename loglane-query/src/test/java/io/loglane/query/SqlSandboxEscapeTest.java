package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.QuerySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way out of the SQL sandbox we could think of (issue 14 item 5): reading files outside the
 * archive, writing files, attaching databases, loading extensions, reaching the network, reading
 * the environment, changing the lock-down, running a second statement, and each of those wrapped
 * in a CTE, a subquery, EXPLAIN or a comment. Each must be refused as a query error (which the
 * API answers 400): {@link SqlRejectedException} from the statement gate, or, where the gate
 * lets a shape through, {@link SqlExecutionException} from the engine's lock-down. Afterwards
 * the views still answer and no file was written outside the archive.
 */
@Timeout(60)
class SqlSandboxEscapeTest {
    @TempDir Path archive;
    @TempDir Path outside;
    @TempDir Path spill;
    private SqlEngine engine;

    @BeforeEach
    void start() throws Exception {
        ArchiveFixture.write(archive, "app", null, 0, 2, Map.of("level", "info"));
        engine = new SqlEngine(archive, Map.of("app", List.of()), new QuerySettings(Duration.ofSeconds(20), 100), spill);
        engine.start();
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // reading files outside the archive
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM READ_CSV('/etc/passwd')",
        "SELECT * FROM \"read_csv\"('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "SELECT * FROM read_json('/etc/passwd')",
        "SELECT * FROM read_json_auto('/etc/hostname')",
        "SELECT * FROM read_ndjson_objects('/etc/passwd')",
        "SELECT * FROM read_parquet('/etc/passwd')",
        "SELECT * FROM parquet_scan('/etc/passwd')",
        "SELECT * FROM parquet_metadata('/etc/passwd')",
        "SELECT * FROM sniff_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM \"/etc/passwd\"",
        "SELECT * FROM 'file:///etc/passwd'",
        "SELECT * FROM '../../../../etc/passwd'",
        "SELECT * FROM read_csv('" + "ARCHIVE" + "/../../../etc/passwd')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT content FROM read_text('/proc/self/environ')",
        "SELECT * FROM read_csv(['/etc/passwd', '/etc/group'])",
        // the same, wrapped
        "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x",
        "WITH RECURSIVE x AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM x",
        "SELECT (SELECT content FROM read_text('/etc/passwd'))",
        "SELECT * FROM app WHERE message IN (SELECT content FROM read_text('/etc/passwd'))",
        "SELECT * FROM app UNION ALL SELECT * FROM read_csv('/etc/passwd')",
        "EXPLAIN SELECT * FROM read_csv('/etc/passwd')",
        "EXPLAIN ANALYZE SELECT * FROM read_text('/etc/passwd')",
        "DESCRIBE SELECT * FROM read_csv('/etc/passwd')",
        "SUMMARIZE SELECT * FROM read_csv('/etc/passwd')",
        "FROM read_csv('/etc/passwd')",
        "/* comment */ SELECT * FROM read_csv('/etc/passwd') -- trailing",
        "SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')",
        "SELECT * FROM query_table('app')",
        // writing files
        "COPY (SELECT 1) TO 'OUTSIDE/x.csv'",
        "COPY app TO 'OUTSIDE/x.parquet' (FORMAT parquet)",
        "EXPORT DATABASE 'OUTSIDE/db'",
        "WITH x AS (SELECT 1) COPY (SELECT * FROM x) TO 'OUTSIDE/x.csv'",
        "EXPLAIN COPY (SELECT 1) TO 'OUTSIDE/x.csv'",
        "SELECT 1; COPY (SELECT 1) TO 'OUTSIDE/x.csv'",
        // other databases and the catalog
        "ATTACH 'OUTSIDE/x.db' AS x",
        "ATTACH ':memory:' AS m",
        "ATTACH '/etc/passwd' AS p (TYPE sqlite)",
        "DETACH memory",
        "USE system",
        "CREATE TABLE t AS SELECT 1",
        "CREATE OR REPLACE VIEW app AS SELECT 1 AS x",
        "CREATE MACRO m() AS 1",
        "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
        "DROP VIEW app",
        "DELETE FROM app",
        "UPDATE app SET message = 'x'",
        "CHECKPOINT",
        "VACUUM",
        // extensions and the network
        "INSTALL httpfs",
        "FORCE INSTALL httpfs FROM 'http://127.0.0.1:1/'",
        "LOAD httpfs",
        "LOAD 'OUTSIDE/evil.duckdb_extension'",
        "SELECT * FROM read_csv('http://127.0.0.1:1/x.csv')",
        "SELECT * FROM 'https://example.com/x.parquet'",
        "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
        // settings and the lock-down itself
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        "SET GLOBAL enable_external_access = true",
        "SELECT set_config('enable_external_access', 'true')",
        "PRAGMA enable_external_access",
        "PRAGMA database_list",
        "CALL pragma_version()",
        "SELECT * FROM duckdb_secrets()",
        "SELECT * FROM which_secret('s3://x', 's3')",
        // the environment and the process
        "SELECT getenv('HOME')",
        "SELECT * FROM app WHERE getenv('PATH') IS NOT NULL",
        "WITH e AS (SELECT getenv('HOME') AS h) SELECT h FROM e",
        "SELECT * FROM load_aws_credentials()",
        // CLI dot-commands are not SQL
        ".read /etc/passwd",
        ".shell id",
        ".output OUTSIDE/x.txt",
        ".open OUTSIDE/x.db",
        // several statements
        "SELECT 1; SELECT 2",
        "SELECT 1;SELECT * FROM read_csv('/etc/passwd')",
        "SELECT 1; ATTACH 'OUTSIDE/y.db'",
        "SELECT ';'; INSTALL httpfs",
        "SELECT 1 -- ;\n; DROP VIEW app",
    })
    void everyEscapeIsRefusedAsABadQuery(String template) throws Exception {
        String sql = template.replace("ARCHIVE", archive.toString()).replace("OUTSIDE", outside.toString());
        assertThatThrownBy(() -> engine.execute(sql))
                .as(sql)
                .isInstanceOfAny(SqlRejectedException.class, SqlExecutionException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("root:x:0:0"));
        try (var written = Files.list(outside)) {
            assertThat(written).as("files written by " + sql).isEmpty();
        }
        assertThat(engine.execute("SELECT count(*) FROM app").rows()).as("views intact after " + sql).containsExactly(List.of(2L));
        assertThat(engine.execute("SELECT current_setting('enable_external_access')").rows())
                .as("lock-down intact after " + sql).containsExactly(List.of(false));
    }
}
