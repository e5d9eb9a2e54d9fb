package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.QuerySettings;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import io.loglane.stores.index.SearchSyntax;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArchiveSearch} over a real archive written through {@link ArchiveSink}: pages without
 * stream offsets see every row once even when many rows share one event time; Lucene queries
 * translate field by field or are refused.
 */
class ArchiveSearchTest {
    private static final long T0 = 1_780_000_000L * 1_000_000_000L;
    /** The access parser may take the event time from the line: count over a wide range. */
    private static final long YEAR = 365L * 86_400 * 1_000_000_000L;
    private static final RecordParser ACCESS = Parsers.forName("nginx_combined");

    @TempDir
    Path dir;
    @TempDir Path spill;

    @Test
    void pagesOfRowsSharingTheirEventTimeSeeEachRowOnceNewestFirst() throws Exception {
        // 11 rows over 4 distinct times: runs of 4, 3, 1 and 3 rows at the same nanosecond
        long[] ts = {0, 0, 0, 0, 5, 5, 5, 7, 9, 9, 9};
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < ts.length; i++) {
            recs.add(ArchiveFixture.record("line " + i, "host", "h" + (i % 2)));
        }
        ArchiveFixture.write(dir, "app", null, fromT0(ts), recs);
        try (SqlEngine sql = engine(Map.of("app", List.of()))) {
            ArchiveSearch search = new ArchiveSearch(sql, Map.of("app", List.of()));
            String all = search.predicate("app", SearchSyntax.FILTER, "").sql();
            for (int limit = 1; limit <= 4; limit++) {
                List<ArchiveSearch.Row> seen = new ArrayList<>();
                ArchiveSearch.Position at = null;
                for (int pages = 0; pages < 20; pages++) {
                    ArchiveSearch.Page p = search.page("app", all, T0, T0 + 10, at, limit);
                    assertThat(p.rows().size()).isLessThanOrEqualTo(limit);
                    seen.addAll(p.rows());
                    at = p.next();
                    if (at == null) {
                        break;
                    }
                }
                Set<String> messages = new HashSet<>();
                seen.forEach(r -> messages.add(r.message()));
                assertThat(messages).as("limit " + limit).hasSize(ts.length);
                assertThat(seen).as("limit " + limit).hasSize(ts.length);
                assertThat(seen).extracting(ArchiveSearch.Row::tsNanos).isSortedAccordingTo((a, b) -> Long.compare(b, a));
                assertThat(seen).as("each row named by its time and its place among that time's rows")
                        .extracting(r -> (r.tsNanos() - T0) + "." + r.tie())
                        .containsExactly("9.0", "9.1", "9.2", "7.0", "5.0", "5.1", "5.2", "0.0", "0.1", "0.2", "0.3");
            }
            assertThat(search.count("app", all, T0, T0 + 6)).isEqualTo(7);
            assertThat(search.count("app", search.predicate("app", SearchSyntax.LUCENE, "host:h1").sql(), T0, T0 + 10)).isEqualTo(5);
        }
    }

    @Test
    void luceneQueriesTranslateFieldByFieldAndWhatSqlCannotExpressIsRefused() throws Exception {
        long[] ts = {0, 1, 2, 3};
        List<byte[]> recs = List.of(
                ArchiveFixture.record("10.0.0.1 - - [05/Dec/2026:01:02:03 +0000] \"GET /api/users HTTP/1.1\" 200 512 \"-\" \"curl\"", "pod", "p-1"),
                ArchiveFixture.record("10.0.0.2 - bob [05/Dec/2026:01:02:04 +0000] \"POST /api/orders HTTP/1.1\" 503 2048 \"-\" \"Go\"", "pod", "p-2"),
                ArchiveFixture.record("upstream timeout after 30s, E_DB_TIMEOUT at db.internal", "retries", 3L),
                ArchiveFixture.record("Timeout: giving up", "retries", 12L));
        ArchiveFixture.write(dir, "access", ACCESS, fromT0(ts), recs);
        try (SqlEngine sql = engine(Map.of("access", ACCESS.fields()))) {
            ArchiveSearch search = new ArchiveSearch(sql, Map.of("access", ACCESS.fields()));
            Map<String, Integer> expected = new java.util.LinkedHashMap<>();
            expected.put("status:[500 TO 599]", 1);
            expected.put("status:200 OR method:POST", 2);
            expected.put("path:/api* AND NOT attrs.pod:p-2", 1);
            expected.put("path:/api/?sers", 1);
            expected.put("timeout", 2); // words are case-insensitive: "timeout" and "Timeout:"
            expected.put("e_db_timeout", 1);
            expected.put("\"after 30s\"", 1);
            expected.put("time*", 2);
            expected.put("internal", 0); // db.internal is one word
            expected.put("attrs.retries:[5 TO *]", 1);
            expected.put("attrs.retries:[3 TO 3]", 1);
            expected.put("-timeout", 2);
            expected.put("nosuchfield:x", 0);
            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                ArchiveSearch.Predicate p = search.predicate("access", SearchSyntax.LUCENE, e.getKey());
                assertThat(search.count("access", p.sql(), T0 - YEAR, T0 + YEAR)).as(e.getKey() + " → " + p.sql()).isEqualTo((long) e.getValue());
            }
            assertThat(search.predicate("access", SearchSyntax.LUCENE, "timeout").note()).isEqualTo(ArchiveSearch.APPROXIMATE_WORDS);
            assertThat(search.predicate("access", SearchSyntax.LUCENE, "status:503").note()).isNull();
            assertThatThrownBy(() -> search.predicate("access", SearchSyntax.LUCENE, "timeot~1")).isInstanceOf(FilterSqlException.class)
                    .hasMessageContaining("fuzzy");
            assertThatThrownBy(() -> search.predicate("access", SearchSyntax.LUCENE, "\"upstream after\"~2"))
                    .isInstanceOf(FilterSqlException.class).hasMessageContaining("slop");
            // fuzzing finding (QueryParsersFuzzTest): a NUL in the query ended DuckDB's statement inside a
            // literal; literals now write it as chr(0), so such a query is answered (here: nothing matches)
            assertThat(search.count("access", search.predicate("access", SearchSyntax.LUCENE, "path:\"/a\u0000b\"").sql(), T0 - YEAR, T0 + YEAR))
                    .isZero();
            assertThat(search.count("access", search.predicate("access", SearchSyntax.FILTER, "\"a\u0000b\"").sql(), T0 - YEAR, T0 + YEAR))
                    .isZero();
        }
    }

    @Test
    void valuesHoldingNulAndQuotesAreSplitOnAndSearchedFor() throws Exception {
        long[] ts = {0, 1, 2, 3, 4};
        String nul = "a\u0000b";
        String quoted = "o'neil \"x\"";
        List<byte[]> recs = List.of(
                ArchiveFixture.record("o\u0000ne", "pod", nul),
                ArchiveFixture.record("two", "pod", nul),
                ArchiveFixture.record("three", "pod", quoted),
                ArchiveFixture.record("four", "pod", "plain"),
                ArchiveFixture.record("five", "pod", null));
        ArchiveFixture.write(dir, "app", null, fromT0(ts), recs);
        try (SqlEngine sql = engine(Map.of("app", List.of()))) {
            ArchiveSearch search = new ArchiveSearch(sql, Map.of("app", List.of()));
            String all = search.predicate("app", SearchSyntax.FILTER, "").sql();
            long startMillis = T0 / 1_000_000;
            ArchiveSearch.Counts c = search.histogram("app", all, T0, T0 + 10, startMillis, 1_000, 1, "attrs.pod", List.of(nul, quoted));
            assertThat(c.counts()).containsExactly(5);
            assertThat(c.series()).hasSize(3);
            assertThat(c.series().get(0)).as("the value with a NUL").containsExactly(2);
            assertThat(c.series().get(1)).as("the value with quotes").containsExactly(1);
            assertThat(c.series().get(2)).as("the rest").containsExactly(2);
            assertThat(search.count("app", search.predicate("app", SearchSyntax.LUCENE, "attrs.pod:\"a\u0000b\"").sql(), T0, T0 + 10))
                    .as("a term holding a NUL").isEqualTo(2);
            assertThat(search.count("app", search.predicate("app", SearchSyntax.FILTER, "\"o\u0000ne\"").sql(), T0, T0 + 10))
                    .as("a filter-pattern phrase holding a NUL").isEqualTo(1);
        }
    }

    private SqlEngine engine(Map<String, List<io.loglane.core.parse.FieldDef>> lanes) throws Exception {
        SqlEngine sql = new SqlEngine(dir, lanes, new QuerySettings(Duration.ofSeconds(30), 10_000), spill);
        sql.start();
        return sql;
    }

    /** Event times {@code ts} nanoseconds after {@link #T0}. */
    private static long[] fromT0(long[] ts) {
        return java.util.Arrays.stream(ts).map(t -> T0 + t).toArray();
    }
}
