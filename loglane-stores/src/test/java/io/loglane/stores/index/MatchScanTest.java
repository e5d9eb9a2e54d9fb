package io.loglane.stores.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchScanTest {
    @TempDir
    Path dir;

    /** Writes one segment per array of event times, in the order given. */
    private DirectoryReader index(long[]... segments) throws Exception {
        FSDirectory d = FSDirectory.open(dir);
        try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (long[] times : segments) {
                for (long ts : times) {
                    Document doc = new Document();
                    doc.add(new LongPoint(IndexFields.TS, ts));
                    doc.add(new NumericDocValuesField(IndexFields.TS, ts));
                    w.addDocument(doc);
                }
                w.commit(); // one segment each
            }
        }
        return DirectoryReader.open(d);
    }

    private static long[] range(long from, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + i;
        }
        return out;
    }

    /** The event times a scan capped at {@code cap} hands over, in the order it hands them. */
    private static List<Long> scan(DirectoryReader reader, long cap, int window) throws Exception {
        List<Long> seen = new ArrayList<>();
        MatchScan scan = new MatchScan(null, cap, context -> {
            NumericDocValues ts = context.reader().getNumericDocValues(IndexFields.TS);
            return doc -> {
                assertThat(ts.advanceExact(doc)).isTrue();
                seen.add(ts.longValue());
            };
        });
        scan.scanNewestFirst(new IndexSearcher(reader), new MatchAllDocsQuery(), window);
        assertThat(scan.complete()).isEqualTo(seen.size() < cap);
        return seen;
    }

    @Test
    void aCappedScanReadsTheNewestWindowOfASegmentWrittenInTimeOrder() throws Exception {
        try (DirectoryReader r = index(range(0, 10))) {
            assertThat(scan(r, 3, 4)).as("windows [6,10), [2,6), [0,2): the cap ends inside the newest").containsExactly(6L, 7L, 8L);
            assertThat(scan(r, 100, 4)).as("uncapped: every document once, window by window from the end")
                    .containsExactly(6L, 7L, 8L, 9L, 2L, 3L, 4L, 5L, 0L, 1L);
        }
    }

    @Test
    void segmentsAreReadByTheirNewestEventTimeNotTheOrderWritten() throws Exception {
        // the second segment holds late events (a backlog written after newer ones)
        try (DirectoryReader r = index(range(100, 5), range(0, 5))) {
            assertThat(r.leaves()).hasSize(2);
            assertThat(scan(r, 5, 100)).containsExactly(100L, 101L, 102L, 103L, 104L);
            assertThat(scan(r, 100, 100)).containsExactly(100L, 101L, 102L, 103L, 104L, 0L, 1L, 2L, 3L, 4L);
        }
    }
}
