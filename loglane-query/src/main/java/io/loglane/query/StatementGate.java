package io.loglane.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admits exactly one read-only query, classified by DuckDB's own parser
 * ({@code json_serialize_sql}, which serializes only SELECT-shaped statements: SELECT, WITH,
 * VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE) rather than by regexes. {@code EXPLAIN [ANALYZE]}
 * is admitted when the statement it explains is. A trailing {@code ;} is allowed; a second
 * statement is not. File-reading table functions ({@code read_csv}, {@code read_parquet},
 * {@code glob}, …) are refused by name, so users query the lane views; the engine's lock-down
 * ({@code enable_external_access=false}, {@code allowed_directories}) stays the backstop.
 *
 * <p>Thread-safety: safe for concurrent use when each caller passes its own connection.
 */
final class StatementGate {
    static final String ALLOWED = "only single read-only queries are allowed (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)";
    private static final Pattern EXPLAIN = Pattern.compile("(?is)\\s*EXPLAIN(\\s+ANALYZE)?\\s+(.*)");
    private static final Pattern FIRST_WORD = Pattern.compile("\\s*([A-Za-z_]+)");
    /** Table functions that read files or run SQL text: the archive is reachable through the views. */
    private static final Set<String> DENIED_PREFIXES = Set.of("read_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_", "mysql_");
    private static final Set<String> DENIED = Set.of("glob", "sniff_csv", "query", "query_table", "parquet_scan",
            "duckdb_secrets", "which_secret", "getenv", "load_aws_credentials");

    /** A table name that DuckDB would resolve as a file (replacement scan). */
    private static final Pattern FILE_LIKE = Pattern.compile("[/\\\\]|\\.(csv|tsv|txt|json|jsonl|ndjson|parquet|gz|zst|db|duckdb)$", Pattern.CASE_INSENSITIVE);

    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> lanes;

    /** @param lanes lane (view) names, for hints when one is an SQL keyword such as {@code default} */
    StatementGate(Set<String> lanes) { this.lanes = Set.copyOf(lanes); }

    /**
     * @throws SqlRejectedException with the reason, when the statement may not run
     */
    void check(Connection conn, String sql) throws SQLException {
        if (sql == null || sql.isBlank()) {
            throw new SqlRejectedException("empty statement");
        }
        String body = stripTrailingSemicolon(sql);
        Matcher explain = EXPLAIN.matcher(body);
        if (explain.matches()) {
            body = explain.group(2);
        }
        JsonNode r = serialize(conn, body);
        if (!r.path("error").asBoolean(false)) {
            if (r.path("statements").size() != 1) {
                throw new SqlRejectedException("only one statement is allowed per request");
            }
            checkFunctions(r);
            return;
        }
        String type = r.path("error_type").asText("");
        if (type.equals("parser")) {
            String msg = r.path("error_message").asText();
            for (String lane : lanes) {
                if (msg.contains("near \"" + lane + "\"")) {
                    msg += " (the lane " + lane + " is an SQL keyword: write it in double quotes, \"" + lane + "\")";
                }
            }
            throw new SqlRejectedException("syntax error: " + msg);
        }
        int split = statementBoundary(conn, body);
        if (split >= 0) {
            throw new SqlRejectedException("only one statement is allowed per request (another follows the ';' at position " + split + ")");
        }
        Matcher w = FIRST_WORD.matcher(body);
        String word = w.lookingAt() ? w.group(1).toUpperCase(Locale.ROOT) : "this";
        throw new SqlRejectedException(word + " statements are not allowed: " + ALLOWED);
    }

    private static String stripTrailingSemicolon(String sql) {
        String s = sql.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * The position of a ';' that ends a complete, serializable first statement with more text after
     * it, or -1. Semicolons inside literals or comments never parse as a complete prefix.
     */
    private int statementBoundary(Connection conn, String body) throws SQLException {
        for (int i = body.indexOf(';'); i >= 0; i = body.indexOf(';', i + 1)) {
            if (body.substring(i + 1).isBlank()) {
                continue;
            }
            JsonNode r = serialize(conn, body.substring(0, i));
            if (!r.path("error").asBoolean(false) && r.path("statements").size() == 1) {
                return i;
            }
        }
        return -1;
    }

    private JsonNode serialize(Connection conn, String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)::VARCHAR")) {
            ps.setString(1, sql);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return json.readTree(rs.getString(1));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("cannot read DuckDB's statement serialization", e);
        }
    }

    private static void checkFunctions(JsonNode node) {
        if (node.isObject()) {
            JsonNode name = node.get("function_name");
            if (name != null && name.isTextual() && denied(name.asText())) {
                throw new SqlRejectedException("function " + name.asText()
                        + " is not allowed: queries read the archive through the lane views and logs");
            }
            JsonNode table = node.get("table_name");
            if ("BASE_TABLE".equals(node.path("type").asText()) && table != null && FILE_LIKE.matcher(table.asText()).find()) {
                throw new SqlRejectedException("reading files by path (" + table.asText()
                        + ") is not allowed: queries read the archive through the lane views and logs");
            }
            node.elements().forEachRemaining(StatementGate::checkFunctions);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(StatementGate::checkFunctions);
        }
    }

    private static boolean denied(String function) {
        String f = function.toLowerCase(Locale.ROOT);
        return DENIED.contains(f) || DENIED_PREFIXES.stream().anyMatch(f::startsWith);
    }
}
