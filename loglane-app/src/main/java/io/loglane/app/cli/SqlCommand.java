package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.app.LoglaneNode;
import io.loglane.app.RegisteredTypes;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.query.QueryResult;
import io.loglane.query.SqlEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./loglane sql "SELECT ..."}: asks a running server, or with {@code --data DIR} queries that
 * data directory's archive directly (no server needed).
 */
@Command(name = "sql", description = "Run a read-only SQL query over the archive (views: one per lane, plus logs).")
final class SqlCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The query, e.g. \"SELECT status, count(*) FROM access GROUP BY 1\"")
    String sql;

    @Option(names = "--server", description = "Server URL (default: $LOGLANE_SERVER, else the server `up` recorded in the data directory, else http://127.0.0.1:8080).")
    String server;

    @picocli.CommandLine.Mixin
    TokenOption token = new TokenOption();

    @Option(names = "--data", description = "Query this data directory's archive directly instead of a server.")
    Path data;

    @Option(names = "--flush", description = "Ask the server to make everything acknowledged so far queryable first (POST /api/v1/flush); without it, recent events appear within archive.flush_age.")
    boolean flush;

    @Option(names = "--format", description = "table, csv or json (default ${DEFAULT-VALUE}).", defaultValue = "table")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!format.matches("table|csv|json")) {
            System.err.println("error: --format must be table, csv or json");
            return 2;
        }
        JsonNode result;
        try {
            if (data != null) {
                if (flush) {
                    System.err.println("error: --flush asks a running server; it cannot be combined with --data");
                    return 2;
                }
                LoglaneConfig cfg = RegisteredTypes.LOADER.load(ConfigFiles.resolve(null, false));
                try (SqlEngine engine = new SqlEngine(data.resolve("archive"), LoglaneNode.laneFields(cfg), cfg.query(),
                        LoglaneNode.spillRoot(data))) {
                    engine.start();
                    QueryResult r = engine.execute(sql);
                    result = new ObjectMapper().valueToTree(r);
                }
            } else {
                ServerClient client = new ServerClient(server, token.value());
                if (flush) {
                    client.post("api/v1/flush", Map.of());
                }
                result = client.post("api/v1/sql", Map.of("sql", sql));
            }
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        ResultPrinter.print(result, format, System.out);
        return 0;
    }
}
