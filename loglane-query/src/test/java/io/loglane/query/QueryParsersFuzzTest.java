package io.loglane.query;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.NginxCombinedParser;
import io.loglane.core.parse.Parsers;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.FilterPatternException;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.loglane.stores.index.LaneQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): both query languages as a search request reads them over an
 * access lane ({@code nginx_combined} fields). The first byte picks the syntax (even: Lucene, as
 * {@link LaneQueryParser} parses it; odd: a CloudWatch filter pattern); the rest is the query.
 * Properties: a query is refused only with the errors the API answers 400 for
 * ({@link ParseException}, {@link IndexSearcher.TooManyClauses}, {@link FilterPatternException}),
 * or SQL over the archive cannot express it ({@link FilterSqlException}); otherwise its SQL
 * predicate is valid DuckDB SQL over the lane's columns (it runs over an empty lane view).
 */
class QueryParsersFuzzTest {
    static final List<FieldDef> FIELDS = Parsers.forName(NginxCombinedParser.NAME).fields();
    static final List<FieldDef> TYPED = RecordView.typedFields(FIELDS);
    private static Connection duck;

    private static synchronized Statement statement() throws SQLException {
        if (duck == null) {
            duck = DuckDbDriver.connect();
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE VIEW access AS " + LaneViews.emptyQuery(FIELDS));
            }
        }
        return duck.createStatement();
    }

    @FuzzTest
    void parsesAnyQuery(byte[] input) throws SQLException {
        if (input.length == 0) {
            return;
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        String predicate;
        try {
            if ((input[0] & 1) == 0) {
                Query q = new LaneQueryParser(TYPED).parseQuery(text);
                LuceneSql.readsMessageWords(q);
                predicate = LuceneSql.predicate(q, TYPED);
            } else {
                predicate = FilterSql.predicate(FilterPattern.compile(text), FIELDS);
            }
        } catch (ParseException | IndexSearcher.TooManyClauses | FilterPatternException | FilterSqlException e) {
            return;
        }
        try (Statement s = statement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM access WHERE " + predicate)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isZero();
        } catch (SQLException e) {
            throw new AssertionError("query " + text + " gave SQL that does not run: " + predicate, e);
        }
    }
}
