package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.QuerySettings;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.LineRecord;
import io.loglane.search.filter.PatternExamples;
import io.loglane.stores.archive.ArchiveSettings;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
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
        RecordBlockBuilder b = new RecordBlockBuilder();
        LineRecord records = new LineRecord();
        for (int i = 0; i < lines.size(); i++) {
            byte[] rec = records.record(lines.get(i));
            b.add(T0 + i * 1_000_000_000L, rec, 0, rec.length);
        }
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 1L << 30, Duration.ofMinutes(1), Duration.ofMinutes(10), 2,
                Duration.ofSeconds(30));
        try (ArchiveSink sink = new ArchiveSink(LANE, null, settings, null, false, new SimpleMeterRegistry(), Clock.systemUTC())) {
            sink.open(0);
            sink.write(new StoredBatch(0, "tag", T0, b.build(), null, null));
            sink.flush(true);
        }
        sql = new SqlEngine(dir, Map.of(LANE, List.of()), new QuerySettings(Duration.ofSeconds(30), 100_000));
        sql.start();
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
            TreeSet<Integer> actual = new TreeSet<>();
            try {
                for (List<Object> row : sql.execute("SELECT epoch_ns(ts) FROM " + LANE + " WHERE " + predicate).rows()) {
                    actual.add((int) ((((Number) row.getFirst()).longValue() - T0) / 1_000_000_000L));
                }
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
