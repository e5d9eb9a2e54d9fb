package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.QuerySettings;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.LineRecord;
import io.loglane.search.filter.PatternExamples;
import io.loglane.stores.archive.ArchiveSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One filter language over every store: every example pattern of the filter tables is run both by
 * the in-memory matcher and, compiled by {@link FilterSql}, as SQL over a real archive holding all
 * the tables' event lines (written through {@link ArchiveSink}, as delivery writes them); both
 * must select the same events. A pattern SQL cannot express must be refused with
 * {@link FilterSqlException}, and only for the constructs {@link FilterSql} lists.
 */
class FilterSqlAgreementTest {
    private static final String LANE = "patterns";
    private static final long T0 = 1_780_000_000L * 1_000_000_000L;

    @TempDir
    static Path dir;
    @TempDir static Path spill;
    private static SqlEngine sql;
    private static List<String> lines;
    private static List<String> patterns;

    @BeforeAll
    static void writeArchive() throws Exception {
        LinkedHashSet<String> l = new LinkedHashSet<>();
        LinkedHashSet<String> p = new LinkedHashSet<>();
        PatternExamples.all().map(Arguments::get).forEach(row -> {
            p.add((String) row[0]);
            l.add((String) row[1]);
        });
        lines = List.copyOf(l);
        patterns = List.copyOf(p);
        LineRecord records = new LineRecord();
        List<byte[]> recs = new ArrayList<>();
        for (String line : lines) {
            recs.add(records.record(line));
        }
        write(LANE, null, recs);
        ACCESS_RECORDS.addAll(List.of(
                access("10.0.0.1 - - [05/Dec/2026:01:02:03 +0000] \"GET /api/users HTTP/1.1\" 200 512 \"-\" \"curl\"", "pod", "p-1"),
                access("10.0.0.2 - bob [05/Dec/2026:01:02:04 +0000] \"POST /api/orders HTTP/1.1\" 503 2048 \"-\" \"Go\"", "pod", "p-2"),
                access("10.0.0.3 - - [05/Dec/2026:01:02:05 +0000] \"GET /index.html HTTP/1.1\" 404 1500 \"-\" \"curl\""),
                access("upstream timeout after 30s", "status", "504", "path", "/api/slow"),
                access("plain line, no fields"),
                access("{\"status\": 201, \"method\": \"PUT\"}", "status", 201L),
                access("a structured record without a status", "pod", "p-3"),
                access("a record whose status is null", "status", null)));
        write("access", ACCESS, ACCESS_RECORDS);
        sql = new SqlEngine(dir, Map.of(LANE, List.of(), "access", ACCESS.fields()), new QuerySettings(Duration.ofSeconds(30), 100_000), spill);
        sql.start();
    }

    private static final RecordParser ACCESS = Parsers.forName("nginx_combined");
    private static final List<byte[]> ACCESS_RECORDS = new ArrayList<>();

    private static byte[] access(String line, Object... fields) throws Exception {
        return ArchiveFixture.record(line, fields);
    }

    /** Writes the records, one second apart from {@link #T0}, to the lane's archive through {@link ArchiveSink}. */
    private static void write(String lane, RecordParser parser, List<byte[]> recs) throws Exception {
        long[] ts = new long[recs.size()];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = T0 + i * 1_000_000_000L;
        }
        ArchiveFixture.write(dir, lane, parser, ts, recs);
    }

    /** The indexes of the rows of {@code lane} the predicate selects. */
    private static TreeSet<Integer> select(String lane, String predicate) {
        TreeSet<Integer> actual = new TreeSet<>();
        for (List<Object> row : sql.execute("SELECT epoch_ns(ts) FROM " + lane + " WHERE " + predicate).rows()) {
            actual.add((int) ((((Number) row.getFirst()).longValue() - T0) / 1_000_000_000L));
        }
        return actual;
    }

    @Test
    void on_a_lane_with_typed_columns_sql_agrees_with_the_matcher_reading_records_through_the_lanes_view() throws Exception {
        List<String> patterns = List.of("{ $.status >= 500 }", "{ $.status = 404 }", "{ $.status = 5* }", "{ $.status != 200 }",
                "{ $.method = \"POST\" && $.bytes > 1000 }", "{ $.path = \"/api/*\" }", "{ $.status NOT EXISTS }",
                "{ $.pod = \"p-1\" || $.status = \"504\" }", "{ $.message = \"*timeout*\" }", "{ $.status IS NULL }",
                "GET", "-GET", "%5[0-9][0-9]%", "[ip, ..., status = 404, bytes, referer, agent]");
        RecordView view = new RecordView(ACCESS);
        List<String> unselective = new ArrayList<>();
        for (String text : patterns) {
            FilterPattern pattern = FilterPattern.compile(text);
            FilterMatcher m = pattern.matcher();
            TreeSet<Integer> expected = new TreeSet<>();
            for (int i = 0; i < ACCESS_RECORDS.size(); i++) {
                view.read(ACCESS_RECORDS.get(i), 0, ACCESS_RECORDS.get(i).length);
                if (m.matches(view)) {
                    expected.add(i);
                }
            }
            assertThat(select("access", FilterSql.predicate(pattern, ACCESS.fields()))).as(text).isEqualTo(expected);
            if (expected.isEmpty() || expected.size() == ACCESS_RECORDS.size()) {
                unselective.add(text + " " + expected);
            }
        }
        assertThat(unselective).as("patterns that select no record or all").isEmpty();
    }

    @AfterAll
    static void close() throws Exception {
        if (sql != null) {
            sql.close();
        }
    }

    @Test
    void sql_over_the_archive_selects_the_events_the_matcher_selects_for_every_table_pattern() {
        List<String> disagreements = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        int compared = 0;
        for (String text : patterns) {
            FilterPattern pattern = FilterPattern.compile(text);
            String predicate;
            try {
                predicate = FilterSql.predicate(pattern, List.of());
            } catch (FilterSqlException e) {
                refused.add(text + " -> " + e.getMessage());
                continue;
            }
            FilterMatcher m = pattern.matcher();
            TreeSet<Integer> expected = new TreeSet<>();
            for (int i = 0; i < lines.size(); i++) {
                if (m.matches(lines.get(i))) {
                    expected.add(i);
                }
            }
            TreeSet<Integer> actual;
            try {
                actual = select(LANE, predicate);
            } catch (RuntimeException e) {
                disagreements.add(text + ": SQL failed: " + e.getMessage() + "\n    " + predicate);
                continue;
            }
            compared++;
            if (!expected.equals(actual)) {
                disagreements.add(text + ": matcher " + lines(expected) + " but SQL " + lines(actual));
            }
        }
        assertThat(disagreements).as("patterns where SQL and the matcher disagree").isEmpty();
        assertThat(refused).as("refusals").allSatisfy(r -> assertThat(r).containsAnyOf("more than one ...", "wildcard selector"));
        assertThat(compared).isGreaterThan(patterns.size() / 2);
    }

    private static List<String> lines(TreeSet<Integer> indexes) {
        return indexes.stream().map(lines::get).toList();
    }
}
